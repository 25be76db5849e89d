/**
 * `writeBaseline`: starts an out dir's migration history from an imported database (see
 * generators/migrations/baseline.ts). The out dir is opened and written like a build's (lock,
 * recovery, crash-safe write, manifest), so the next `contractor build --out <dir>` owns the
 * files and plans `0002_…` from them. A directory that already has a history is refused.
 */
import type { GeneratedFile, MigrationFormat } from "../core/artifact.ts";
import { hasErrors, type Diagnostic } from "../design/diagnostics.ts";
import { normalizeDesign } from "../design/normalize.ts";
import type { Design } from "../design/schema.ts";
import { validateDesign } from "../design/validate.ts";
import { importDiag } from "../import/codes.ts";
import { baselineHistory } from "../../generators/migrations/baseline.ts";
import { LOCK_FILE } from "../../generators/migrations/history.ts";
import { fsDiagnostic } from "./fs-errors.ts";
import { openOutDir, type OpenOutDir } from "./out-dir.ts";
import { readPrevious, writeOutDir } from "./write.ts";

export interface BaselineResult {
  ok: boolean;
  /** The files written (empty when nothing was). */
  files: GeneratedFile[];
  diagnostics: Diagnostic[];
}

/** Writes the baseline history of `input` into `out` (see the module comment). */
export async function writeBaseline(
  input: Design,
  out: string,
  options: { migrationsFormat: MigrationFormat },
): Promise<BaselineResult> {
  const checked = validateDesign(JSON.parse(JSON.stringify(input)));
  if (!checked.design || hasErrors(checked.diagnostics))
    return { ok: false, files: [], diagnostics: checked.diagnostics };
  const history = baselineHistory(normalizeDesign(checked.design), input, options.migrationsFormat);
  if (hasErrors(history.diagnostics)) return { ok: false, files: [], diagnostics: history.diagnostics };
  let dir: OpenOutDir | undefined;
  try {
    dir = await openOutDir(out);
    const previous = await readPrevious(dir.dir);
    const held = [LOCK_FILE, "design.json"].filter((p) => previous?.files.has(p));
    if (held.length > 0)
      return {
        ok: false,
        files: [],
        diagnostics: [
          ...dir.diagnostics,
          importDiag(
            "baseline-over-history",
            `${out} already holds a migration history (${held.join(", ")}); a baseline starts one: choose a new directory`,
            out,
          ),
        ],
      };
    await writeOutDir(dir.dir, history.files);
    return { ok: true, files: history.files, diagnostics: [...dir.diagnostics, ...history.diagnostics] };
  } catch (error) {
    const found = fsDiagnostic(error);
    if (!found) throw error;
    return { ok: false, files: [], diagnostics: [...(dir?.diagnostics ?? []), found] };
  } finally {
    await dir?.release();
  }
}
