/**
 * Design evolution as an artifact: `design.json` (the design of this build as written, with the
 * format and contractor version, what the next build diffs against) and `CHANGES.md` (the PR-ready report of the change from the
 * previous build). The migration files and the lock are written by the SQL artifact through
 * `sqlMigrations` (history.ts), so every migration file has one owner and one checker.
 *
 * Check: the new migration on the real engine — every earlier up, snapshot; the new up,
 * snapshot; the new down → equals the earlier snapshot; up again → equals the later one. And the
 * whole chain against the design (chain.ts): applied in order, the migrations must give the
 * schema of the design's fresh migration.
 */
import type { Artifact, ArtifactContext, GeneratedFile } from "../../src/pipeline/artifact.ts";
import { diagnosticsFor, type Diagnostic } from "../../src/design/diagnostics.ts";
import { migrationFiles, toSql } from "../sql/format.ts";
import { sqlArtifactWith } from "../sql/index.ts";
import { evolutionCodes } from "./codes.ts";
import {
  DESIGN_FILE,
  designFile,
  designModel,
  inputOf,
  migrationHistory,
  previousDesign,
  readHistory,
  releasedBase,
  type MigrationFiles,
  type PlanNext,
} from "./history.ts";
import { planNextMigration } from "./plan.ts";
import { compareDesigns, renderChanges, rollbackNotes, type EvolutionReport } from "./report.ts";
import { verifyMigrationSequence } from "./verify.ts";
import { verifyChain } from "./chain.ts";

export const CHANGES_FILE = "CHANGES.md";
const diag = diagnosticsFor(evolutionCodes);
const pad4 = (n: number) => String(n).padStart(4, "0");

export interface PlannedMigration extends MigrationFiles {
  up: string[];
  down: string[];
  /** What the down does to data (report.ts `rollbackNotes`). */
  rollback: string[];
}

/** The next migration's files (undefined when the schema did not change), with the planner's findings. */
export function nextMigration(
  before: ArtifactContext["design"],
  after: ArtifactContext["design"],
  version: number,
  options: Omit<ArtifactContext["options"], "release">,
): { migration?: PlannedMigration; diagnostics: Diagnostic[] } {
  const plan = planNextMigration(before, after);
  const diagnostics = [...plan.diagnostics];
  if (plan.up.length === 0) return { diagnostics };
  const up = toSql(plan.up);
  const down = toSql(plan.down);
  const files = migrationFiles({ version, slug: plan.slug, up, down }, options.migrationsFormat);
  const name = `${pad4(version)}_${plan.slug}`;
  return { migration: { version, name, files, up, down, rollback: rollbackNotes(name, plan.up) }, diagnostics };
}

const planNext: PlanNext = (before, after, version, ctx) => nextMigration(before, after, version, ctx.options);

/**
 * The seam for the SQL artifact's `generate`: the migration files of this build (earlier ones
 * copied byte for byte, plus the next one when the schema changed) and the lock file, or the
 * initial migration when the out dir has no history. History findings (a tampered or missing
 * migration) and the planner's come with them; the destructive lint is the evolution artifact's.
 */
export function sqlMigrations(
  ctx: ArtifactContext,
  initial: () => MigrationFiles,
): { files: GeneratedFile[]; diagnostics: Diagnostic[] } {
  return migrationHistory(ctx, initial, planNext);
}

/** The SQL artifact with the out dir's migration history (evolution depends on sql, not the reverse). */
export const sqlArtifact: Artifact = sqlArtifactWith(sqlMigrations);

/**
 * What changed since the last release (what a reviewer of the open migration wants to see), or
 * undefined when nothing is released yet (the open migration is the design's initial one) or the
 * design is the released one. Without a migration history (no SQL artifact) the base is the
 * previous build's design and there is no migration.
 */
export function evolutionOf(
  ctx: ArtifactContext,
): { report: EvolutionReport; migration?: PlannedMigration } | undefined {
  const current = designModel(ctx.design);
  const history = readHistory(ctx.previous, ctx.options.migrationsFormat);
  if (!history) {
    const before = previousDesign(ctx.previous);
    if (!before?.design || before.model === current) return undefined;
    return { report: compareDesigns(before.design, ctx.design, { allowDestructive: ctx.options.allowDestructive }) };
  }
  const base = releasedBase(ctx.previous, history);
  if (!base.design || base.model === current) return undefined;
  const report = compareDesigns(base.design, ctx.design, { allowDestructive: ctx.options.allowDestructive });
  const next = nextMigration(base.design, ctx.design, base.version + 1, ctx.options);
  if (next.migration) {
    report.migration = {
      name: next.migration.name,
      files: next.migration.files.map((f) => f.path),
      up: next.migration.up.map((s) => `${s};`).join("\n"),
      down: next.migration.down.map((s) => `${s};`).join("\n"),
      rollback: next.migration.rollback,
    };
  }
  return { report, ...(next.migration ? { migration: next.migration } : {}) };
}

export const evolutionArtifact: Artifact = {
  name: "evolution",
  checkNeeds: "all",
  affinity: "engine",
  generate(ctx) {
    const files: GeneratedFile[] = [designFile(inputOf(ctx))];
    const diagnostics: Diagnostic[] = [];
    const evo = evolutionOf(ctx);
    if (evo) {
      files.push({ path: CHANGES_FILE, contents: renderChanges(evo.report) });
      diagnostics.push(...evo.report.destructive, ...evo.report.diagnostics);
      for (const c of evo.report.api.filter((x) => x.breaking))
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
  async check(_own, ctx) {
    if (!ctx.options.engine) return [];
    const evo = evolutionOf(ctx);
    const engine = ctx.options.databaseUrl ? "PostgreSQL" : "PGlite";
    const [round, chain] = await Promise.all([
      evo?.migration ? verifyMigrationSequence(ctx.files, evo.migration.version, ctx) : Promise.resolve(undefined),
      verifyChain(ctx.files, ctx),
    ]);
    if (evo?.migration) ctx.note(`migration ${evo.migration.name} round trip on ${engine}`);
    if (chain.ran) ctx.note(`migration chain = design on ${engine}`);
    return [...(round ?? []), ...chain.diagnostics];
  },
};

export { DESIGN_FILE };
