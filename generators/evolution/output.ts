/**
 * What the evolution artifact writes for a build, from the migrations derived once for it:
 * `design.json` always, `CHANGES.md` when something changed since the last release (or kept as it
 * was when the design is rebuilt unchanged), and the report's findings.
 */
import type { ArtifactContext, GeneratedFile } from "../../src/core/artifact.ts";
import { diagnosticsFor, type Diagnostic } from "../../src/design/diagnostics.ts";
import type { Migrations } from "../migrations/derive.ts";
import { designFile, designModel, inputOf, previousDesign } from "../migrations/history.ts";
import { evolutionCodes } from "./codes.ts";
import { renderChanges, reportOf, type EvolutionReport } from "./report.ts";

const CHANGES_FILE = "CHANGES.md";
const diag = diagnosticsFor(evolutionCodes);

/**
 * The report of what changed since the last release (what a reviewer of the open migration wants
 * to see), or undefined when nothing is released yet or the design is the released one.
 */
export function evolutionReport(
  migrations: Migrations,
  options: Pick<ArtifactContext["options"], "allowDestructive">,
): EvolutionReport | undefined {
  const { change, next } = migrations;
  if (!change) return undefined;
  const report = reportOf(change.before, change.after, change.schema, { allowDestructive: options.allowDestructive });
  if (next) {
    report.migration = {
      name: next.name,
      files: next.files.map((f) => f.path),
      up: next.up.map((s) => `${s};`).join("\n"),
      down: next.down.map((s) => `${s};`).join("\n"),
      rollback: next.rollback,
    };
  }
  return report;
}

/** The evolution artifact's files and findings for `ctx`, given its migrations. */
export function evolutionFiles(
  ctx: ArtifactContext,
  migrations: Migrations,
): { files: GeneratedFile[]; diagnostics: Diagnostic[] } {
  const files: GeneratedFile[] = [designFile(inputOf(ctx))];
  const diagnostics: Diagnostic[] = [];
  const report = evolutionReport(migrations, ctx.options);
  if (report) {
    files.push({ path: CHANGES_FILE, contents: renderChanges(report) });
    diagnostics.push(...report.destructive, ...report.diagnostics);
    for (const c of report.api.filter((x) => x.breaking))
      diagnostics.push(diag("api-breaking-change", `${c.message} [${c.operations.join(", ")}]`, c.location));
  } else {
    // Rebuilt unchanged: the report of the last change stays as it was. Back to the released
    // design, there is nothing since the release to report.
    const kept = ctx.previous?.files.get(CHANGES_FILE);
    const before = previousDesign(ctx.previous);
    if (kept !== undefined && before?.design && before.model === designModel(ctx.design))
      files.push({ path: CHANGES_FILE, contents: kept });
  }
  return { files, diagnostics };
}
