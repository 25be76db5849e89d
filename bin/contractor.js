#!/usr/bin/env -S node --liftoff-only
// --liftoff-only: PGlite's wasm runs on V8's baseline compiler only; contractor runs no other wasm.
// A typical build runs the engine for a second or so, too short to win back what optimising its
// hot functions costs on a 2-core machine. Measured, fresh process: listly 3.3 s -> 2.8 s, 100
// entities 6.2 s -> 5.5 s; the cost shows from ~200 entities: 300 entities 11.9 s -> 12.8 s.
// contractor runs its TypeScript sources directly, which needs Node >= 22.18 (type stripping).
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `contractor needs Node >= 22.18 (this is ${process.versions.node}). Run it through npm (npm start, npx contractor), ` +
      "which uses the Node 24 installed in node_modules, or install a current Node.\n",
  );
  process.exit(2);
}
// V8's compiled code for contractor and its dependencies (the TypeScript compiler, mermaid, PGlite's
// glue: megabytes of JavaScript) is cached on disk, so a new process does not compile it again.
// Node's own switch: NODE_DISABLE_COMPILE_CACHE=1 turns it off; NODE_COMPILE_CACHE=dir moves it.
const { enableCompileCache } = await import("node:module");
enableCompileCache?.();
try {
  const { main } = await import("../src/cli/main.ts");
  process.exitCode = await main(process.argv.slice(2));
  // Check workers may still be warm; the command is done, so end the process with its code.
  process.exit(process.exitCode);
} catch (error) {
  process.stderr.write(`contractor crashed — this is a bug in contractor, please report it:\n${error?.stack ?? error}\n`);
  process.exitCode = 70;
}
