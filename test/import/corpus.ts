/**
 * Where the public third-party corpus is: `../shared/corpus/` beside the repository (or beside
 * the folder of worktrees that holds it), or `CONTRACTOR_CORPUS`. Undefined when absent.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export function corpusFolder(kind: "openapi" | "sql"): string {
  const candidates = [
    ...(process.env.CONTRACTOR_CORPUS ? [process.env.CONTRACTOR_CORPUS] : []),
    resolve(repoRoot, "../shared/corpus"),
    resolve(repoRoot, "../../shared/corpus"),
  ];
  const found = candidates.find((c) => existsSync(join(c, kind)));
  return join(found ?? candidates[0]!, kind);
}
