/**
 * Design evolution as an artifact: `design.json` (the design of this build as written, with the
 * format and contractor version, what the next build diffs against) and `CHANGES.md` (the PR-ready
 * report of the change since the last release). The migrations, the lock and their checks are the
 * SQL artifact's (generators/migrations); the report reads the change and the open migration from
 * the one value that module derives per build, so nothing here plans a migration.
 */
import type { Artifact, ArtifactContext, GeneratedFile } from "../../src/pipeline/artifact.ts";
import { diagnosticsFor, type Diagnostic } from "../../src/design/diagnostics.ts";
import { migrationsOf, type Migrations } from "../migrations/derive.ts";
import { DESIGN_FILE, designFile, designModel, inputOf, previousDesign } from "../migrations/history.ts";
import { evolutionCodes } from "./codes.ts";
import { renderChanges, reportOf, type EvolutionReport } from "./report.ts";

export const CHANGES_FILE = "CHANGES.md";
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

export const evolutionArtifact: Artifact = {
  name: "evolution",
  generate(ctx) {
    const files: GeneratedFile[] = [designFile(inputOf(ctx))];
    const diagnostics: Diagnostic[] = [];
    const report = evolutionReport(migrationsOf(ctx), ctx.options);
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
  },
};

export { DESIGN_FILE };
