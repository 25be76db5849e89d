/**
 * Files contractor ships beside its code (package.json, schemas/, templates/), found from this
 * module: it runs from the sources (`src/core/`) in the repository and compiled
 * (`dist/src/core/`) in an installed package, so the package root is the nearest folder above with a package.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/** The absolute path of the contractor package's root folder. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return (root = dir);
}

/** The absolute path of a file shipped in the package, e.g. `schemas/design.schema.json`. */
export function packageFile(path: string): string {
  return join(packageRoot(), path);
}

/** contractor's own version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(packageFile("package.json"), "utf8")) as { version: string }).version;
}
