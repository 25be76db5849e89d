/**
 * The npm package as a user gets it: `npm pack`, the tarball installed into a fresh project in the
 * temp dir (outside the repository, so nothing resolves from it) with none of the repository's
 * npm or puppeteer settings in the environment, then what the README and docs/ci.md tell a user
 * to run — init, build, build --check (fresh, then stale after an edit), diff, and a script using
 * the library — on Node 22 and on Node 24, both from the npm registry's `node` package (24 is the
 * repository's own devDependency; 22 is installed here). One install serves both: only PATH
 * changes. The compiled package must not need type stripping (Node refuses it under node_modules).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { repoRoot } from "../helpers.ts";

let work = "";
let project = "";
const nodeBins: Record<string, string> = {};

/** The environment of a user's shell: no npm_* or PUPPETEER_* variables, nothing of the repository on PATH. */
function userEnv(nodeBin: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(npm_|PUPPETEER_|VITEST|NODE_OPTIONS$|NODE_PATH$|NODE_ENV$|INIT_CWD$)/i.test(k))
      env[k] = v;
  }
  const root = resolve(repoRoot);
  const rest = (process.env.PATH ?? "").split(delimiter).filter((p) => p && !resolve(p).startsWith(root));
  env.PATH = [nodeBin, ...rest].join(delimiter);
  env.NO_COLOR = "1";
  return env;
}

function run(cmd: string, args: string[], options: { cwd: string; node: string; ok?: boolean }) {
  const r = spawnSync(cmd, args, {
    cwd: options.cwd,
    env: userEnv(nodeBins[options.node]!),
    encoding: "utf8",
    timeout: 240_000,
  });
  const result = { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? String(r.error ?? "") };
  if (options.ok !== false && result.code !== 0)
    throw new Error(`${cmd} ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

// `npm pack` compiles into the checkout's dist/; a dist/ this test created is removed with the rest.
const distDir = join(repoRoot, "dist");
const distExisted = existsSync(distDir);
let packed: { filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "contractor-package-"));
  // Node 24: the binary this test runs on (the repository's `node` devDependency), alone in a folder.
  expect(process.versions.node.split(".")[0]).toBe("24");
  nodeBins["24"] = join(work, "node24");
  await mkdir(nodeBins["24"]);
  await symlink(process.execPath, join(nodeBins["24"], "node"));
  // Node 22 from the registry's `node` package (its install script fetches node-<platform>@22, also
  // from the registry), installed while `npm pack` compiles the package.
  const n22 = join(work, "node22");
  await mkdir(n22);
  await writeFile(join(n22, "package.json"), '{ "name": "node22", "private": true }\n');
  const [, pack] = await Promise.all([
    promisify(execFile)("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "node@22"], {
      cwd: n22,
      env: userEnv(nodeBins["24"]),
      timeout: 240_000,
    }),
    promisify(execFile)("npm", ["pack", "--json", "--pack-destination", work], {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 240_000,
    }),
  ]);
  nodeBins["22"] = join(n22, "node_modules", ".bin");
  packed = (JSON.parse(pack.stdout) as (typeof packed)[])[0]!;

  project = join(work, "project");
  await mkdir(project);
  await writeFile(join(project, "package.json"), '{ "name": "my-backend", "private": true, "type": "module" }\n');
  const install = run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", join(work, packed.filename)], {
    cwd: project,
    node: "24",
  });
  // Quiet: no engine warning on Node 24, and nothing for the user to approve (contractor-cli has no install script).
  expect(install.stderr).not.toMatch(/EBADENGINE|ERR!|install-scripts/);
}, 600_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  if (!distExisted) await rm(distDir, { recursive: true, force: true });
});

describe("the npm package", () => {
  it("holds only the compiled code, the binary, the schema, the starter design, README and LICENSE", () => {
    const paths = packed.files.map((f) => f.path).sort();
    const allowed =
      /^(package\.json|README\.md|LICENSE|bin\/(contractor|liftoff)\.js|schemas\/design\.schema\.json|templates\/design\.yaml|dist\/(src|generators)\/.+\.(js|d\.ts|cjs)|dist\/generators\/typescript\/runtime\/client-runtime\.ts)$/;
    expect(paths.filter((p) => !allowed.test(p))).toStrictEqual([]);
    for (const p of [
      "bin/contractor.js",
      "dist/src/index.js",
      "dist/src/index.d.ts",
      "dist/src/cli/main.js",
      "dist/src/pipeline/check-worker.js",
      "dist/src/design/design-validator.generated.cjs",
      "dist/generators/typescript/snapshot-entry.cjs",
      "dist/generators/typescript/runtime/client-runtime.ts",
      "templates/design.yaml",
      "LICENSE",
    ]) {
      expect(paths, p).toContain(p);
    }
    // No module needs type stripping; the client runtime is TypeScript read as text, never imported.
    const runtime = "dist/generators/typescript/runtime/client-runtime.ts";
    expect(paths.some((p) => p.endsWith(".ts") && !p.endsWith(".d.ts") && p !== runtime)).toBe(false);
  });

  it("installs without a browser: neither puppeteer nor mermaid-cli is pulled in", () => {
    expect(existsSync(join(project, "node_modules/contractor-cli/dist/src/index.js"))).toBe(true);
    expect(existsSync(join(project, "node_modules/puppeteer"))).toBe(false);
    expect(existsSync(join(project, "node_modules/@mermaid-js/mermaid-cli"))).toBe(false);
    expect(existsSync(join(project, "node_modules/puppeteer-core"))).toBe(true);
  });

  it.each(["22", "24"])(
    "on Node %s: init, build, build --check, an edit, diff, and the library",
    async (node) => {
      expect(run("node", ["--version"], { cwd: project, node }).stdout).toMatch(new RegExp(`^v${node}\\.`));
      const app = `app${node}`;
      const npx = (args: string[], ok = true) =>
        run("npx", ["--no-install", "contractor", ...args], { cwd: project, node, ok });

      const init = npx(["init", app]);
      expect(init.stdout).toContain(`wrote ${app}/design.yaml and ${app}/.vscode/settings.json`);
      const design = join(project, app, "design.yaml");
      expect((await readFile(design, "utf8")).split("\n")[0]).toBe(
        "# yaml-language-server: $schema=../node_modules/contractor-cli/schemas/design.schema.json",
      );

      // Released, as the base branch of docs/ci.md is: the pull request's change appends 0002.
      const build = npx(["build", `${app}/design.yaml`, "--out", `${app}/out`, "--release"]);
      expect(build.stdout).toBe("");
      expect(build.stderr).toMatch(/wrote \d+ files to app\d+\/out \(0 error\(s\), 0 warning\(s\)\)/);
      expect((await readdir(join(project, app, "out"))).sort()).toEqual(
        expect.arrayContaining([
          "openapi.yaml",
          "migrations",
          "types.ts",
          "client.ts",
          "DESIGN.md",
          "index.html",
          "design.json",
        ]),
      );

      expect(npx(["build", `${app}/design.yaml`, "--out", `${app}/out`, "--check"]).stderr).toContain(
        `${app}/out is up to date`,
      );

      // The pull request of docs/ci.md: the design gains a field, out/ is not rebuilt.
      const base = join(project, app, "base.yaml");
      const text = await readFile(design, "utf8");
      await writeFile(base, text);
      const field = "        - { name: archived, type: boolean, default: { kind: literal, value: false } }\n";
      expect(text).toContain(field);
      await writeFile(
        design,
        text.replace(field, field + "        - { name: color, type: string, maxLength: 7, nullable: true }\n"),
      );
      if (node === "24") {
        // The CI gate once is enough: the run above already showed --check on both Node versions.
        const stale = npx(["build", `${app}/design.yaml`, "--out", `${app}/out`, "--check"], false);
        expect(stale.code).toBe(1);
        expect(stale.stdout).toMatch(/out-of-date/);
        for (const f of ["openapi.yaml", "types.ts", "design.json"])
          expect(stale.stdout).toContain(`${f}  error  out-of-date  ${f} is different`);
        expect(stale.stdout).toContain(
          "migrations/0002_add_habits_color.up.sql  error  out-of-date  migrations/0002_add_habits_color.up.sql is missing",
        );
        expect(stale.stderr).toContain(`${app}/out is stale`);
      }

      const diff = npx(["diff", `${app}/base.yaml`, `${app}/design.yaml`]);
      expect(diff.stdout).toMatch(/migration `0002_/);
      expect(diff.stdout).toContain('ADD COLUMN "color" varchar(7)');

      // The library, as the README shows it, on the edited design.
      await writeFile(
        join(project, `lib${node}.js`),
        [
          'import { build } from "contractor-cli";',
          `const result = await build({ file: "${app}/design.yaml" }, { out: "${app}/lib-out" });`,
          "console.log(JSON.stringify({ ok: result.ok, diagnostics: result.diagnostics, files: result.files.length }));",
        ].join("\n"),
      );
      const lib = JSON.parse(run("node", [`lib${node}.js`], { cwd: project, node }).stdout) as {
        ok: boolean;
        diagnostics: unknown[];
        files: number;
      };
      expect(lib).toMatchObject({ ok: true, diagnostics: [] });
      expect(lib.files).toBeGreaterThan(8);
      expect(await readFile(join(project, app, "lib-out/openapi.yaml"), "utf8")).toMatch(/\n {8}color:\n/);
    },
    600_000,
  );

  it("the library's types: a strict TypeScript project type-checks against the declarations (a wrong use is an error)", async () => {
    await writeFile(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2023",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ["uses.ts"],
      }),
    );
    await writeFile(
      join(project, "uses.ts"),
      [
        'import { build, validate, type BuildResult, type Design, type Diagnostic } from "contractor-cli";',
        'const built: BuildResult = await build({ file: "design.yaml" }, { out: "out" });',
        "const first: Diagnostic | undefined = built.diagnostics[0];",
        'const checked = await validate({ text: "contractor: 1" });',
        'const title: Design["info"]["title"] = "t";',
        "// @ts-expect-error: ok is a boolean",
        "const wrong: number = checked.ok;",
        "export { first, title, wrong };",
      ].join("\n"),
    );
    const tsc = join(repoRoot, "node_modules/typescript/bin/tsc");
    const r = run("node", [tsc, "-p", "."], { cwd: project, node: "24", ok: false });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.code).toBe(0);
  }, 120_000);
});
