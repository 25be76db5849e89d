#!/usr/bin/env -S node --liftoff-only
// --liftoff-only: PGlite's wasm runs on V8's baseline compiler only (contractor runs no other wasm),
// which is faster for all but large designs (see liftoff.js). V8 flags are fixed at start-up, so for
// a large design this process runs the command again without the flag and passes its exit code on.
// The installed package runs the compiled JavaScript in dist/: Node >= 22.12, the first 22 that
// loads ES modules through require() unflagged, which swagger-parser needs (its engines say so).
// A repository checkout (src/ present; the package ships no src/) runs its TypeScript sources
// directly, which needs Node >= 22.18 (type stripping).
import { existsSync } from "node:fs";

const fromSources = existsSync(new URL("../src/cli/main.ts", import.meta.url));
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < (fromSources ? 18 : 12))) {
  process.stderr.write(
    fromSources
      ? `contractor's sources need Node >= 22.18 (this is ${process.versions.node}). Run it through npm (npm start, npx contractor), ` +
          "which uses the Node 24 installed in node_modules, or install a current Node.\n"
      : `contractor needs Node >= 22.12 (this is ${process.versions.node}). Install a current Node (https://nodejs.org).\n`,
  );
  process.exit(2);
}

const { hasLargeDesign } = await import("./liftoff.js");

if (process.execArgv.includes("--liftoff-only") && hasLargeDesign(process.argv.slice(2))) {
  const { spawn } = await import("node:child_process");
  const { constants } = await import("node:os");
  const execArgv = process.execArgv.filter((a) => a !== "--liftoff-only");
  const child = spawn(process.execPath, [...execArgv, ...process.argv.slice(1)], { stdio: "inherit" });
  // Ctrl-C reaches the child from the terminal itself (same process group); a SIGTERM sent to this
  // process alone is passed on. Either way the child decides when to stop, and this process follows.
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
} else {
  // V8's compiled code for contractor and its dependencies (the TypeScript compiler, mermaid, PGlite's
  // glue: megabytes of JavaScript) is cached on disk, so a new process does not compile it again.
  // Node's own switch: NODE_DISABLE_COMPILE_CACHE=1 turns it off; NODE_COMPILE_CACHE=dir moves it.
  const { enableCompileCache } = await import("node:module");
  enableCompileCache?.();
  try {
    const { main } = await import(fromSources ? "../src/cli/main.ts" : "../dist/src/cli/main.js");
    process.exitCode = await main(process.argv.slice(2));
    // Check workers may still be warm; the command is done, so end the process with its code.
    process.exit(process.exitCode);
  } catch (error) {
    process.stderr.write(
      `contractor crashed — this is a bug in contractor, please report it:\n${error?.stack ?? error}\n`,
    );
    process.exitCode = 70;
  }
}
