/**
 * Compiles contractor for its npm package: `tsc -p tsconfig.build.json` emits JavaScript and
 * declarations into dist/ (same layout as the sources, `.ts` imports rewritten to `.js`), then the
 * files the code loads beside itself at run time are copied next to the compiled modules: the
 * ajv-generated validators, the compiler snapshot's entry (every `.cjs` under src/ and
 * generators/) and the generated client's runtime, which the TypeScript generator reads as text and
 * splices into client.ts (it is not compiled: tsconfig.build.json leaves runtime/ out). The package
 * runs on a Node without type stripping; the repository keeps running the sources. `npm pack` runs
 * this first (prepack); it reports on stderr, so `npm pack --json` stays JSON.
 */
import { execFileSync } from "node:child_process";
import { cpSync, globSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit", cwd: root });
const assets = globSync(["src/**/*.cjs", "generators/**/*.cjs", "generators/typescript/runtime/client-runtime.ts"], {
  cwd: root,
}).sort();
for (const file of assets) cpSync(join(root, file), join(dist, file));
process.stderr.write(
  `compiled into dist/, with ${assets.length} run-time files beside the modules: ${assets.join(", ")}\n`,
);
