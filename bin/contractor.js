#!/usr/bin/env node
// contractor runs its TypeScript sources directly, which needs Node >= 22.18 (type stripping).
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `contractor needs Node >= 22.18 (this is ${process.versions.node}). Run it through npm (npm start, npx contractor), ` +
      "which uses the Node 24 installed in node_modules, or install a current Node.\n",
  );
  process.exit(2);
}
try {
  const { main } = await import("../src/cli/main.ts");
  process.exitCode = await main(process.argv.slice(2));
  // Check workers may still be warm; the command is done, so end the process with its code.
  process.exit(process.exitCode);
} catch (error) {
  process.stderr.write(`contractor crashed — this is a bug in contractor, please report it:\n${error?.stack ?? error}\n`);
  process.exitCode = 70;
}
