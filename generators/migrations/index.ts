/**
 * The SQL artifact: the design's PostgreSQL migrations with their exact rollbacks, in the layout
 * of golang-migrate, dbmate or flyway — the initial migration, then one open migration per design
 * change since the last release (derive.ts) — and the lock file. Checked by node-sql-parser and
 * by a real engine: the up/down/up round trip, and the chain of migrations against the design.
 */
import type { Artifact, ArtifactContext, GeneratedFile, CheckContext } from "../../src/core/artifact.ts";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import { readMigrations } from "./format.ts";
import { parseCheck, sqlParser } from "./parse-check.ts";
import { sharedPglite } from "./engine.ts";
import { engineCheck } from "./round-trip.ts";
import { chainComparison } from "./chain.ts";
import { firstUnsealed } from "./history.ts";
import { deriveMigrations } from "./derive.ts";
import type { ModelContext } from "../model.ts";

export { planInitialMigration, enumTypeName, scalarSqlType, literalSql, type MigrationPlan } from "./initial-plan.ts";
export { statementSql, inverse, downOf, type Statement, type StatementKind } from "./statements.ts";
export {
  toSql,
  migrationFiles,
  migrationFileName,
  newestMigration,
  readMigrations,
  type MigrationFiles,
  type MigrationText,
  type ReadMigration,
} from "./format.ts";
export { snapshotCatalog, diffCatalogs, type Catalog, type CatalogDifference } from "./catalog.ts";
export { sharedPglite, closeSharedPglite, type Engine } from "./engine.ts";
export { roundTrip, engineCheck } from "./round-trip.ts";
export { parseCheck, parseStatement, PARSER_GAPS } from "./parse-check.ts";
export { pgName, quoteIdent, quoteLiteral } from "./ident.ts";
export { migrationCodes } from "./codes.ts";
export {
  deriveMigrations,
  nextMigration,
  type Migrations,
  type PlannedMigration,
  type DesignChange,
  type NewestMigration,
} from "./derive.ts";

/**
 * The SQL artifact's files of a design outside a build (pure): its migrations and lock, with their
 * findings. A build reads them from its model instead, derived once.
 */
export function generateSql(ctx: ArtifactContext): { files: GeneratedFile[]; diagnostics: Diagnostic[] } {
  const { files, diagnostics } = deriveMigrations(ctx);
  return { files, diagnostics };
}

/**
 * Both checks over the artifact's own files: the parser per statement, then on the engine the
 * round trip of the migrations this build wrote on top of the earlier ones, and the chain of
 * migrations against the design.
 */
export async function checkSql(own: readonly GeneratedFile[], ctx: CheckContext): Promise<Diagnostic[]> {
  const migrations = readMigrations(own, ctx.options.migrationsFormat);
  // Start the embedded engine first: its wasm compiles in the background while the parser runs.
  if (ctx.options.engine && !ctx.options.databaseUrl) void sharedPglite().catch(() => undefined);
  const parsed = parseCheck(migrations);
  const allowed = Object.entries(parsed.allowListed).sort(([a], [b]) => (a < b ? -1 : 1));
  const allowedCount = allowed.reduce((n, [, c]) => n + c, 0);
  ctx.note(
    `parser: ${parsed.statements} statements, ${allowedCount} via allow-list${allowed.length ? ` (${allowed.map(([id, c]) => `${id} ${c}`).join(", ")})` : ""}`,
  );
  if (!ctx.options.engine) {
    ctx.note("engine check skipped");
    return parsed.diagnostics;
  }
  const started = performance.now();
  const chain = chainComparison(own, ctx);
  const engine = await engineCheck(migrations, {
    ...(ctx.options.databaseUrl ? { databaseUrl: ctx.options.databaseUrl } : {}),
    from: firstUnsealed(ctx.previous),
    ...(chain ? { after: chain } : {}),
  });
  const where = ctx.options.databaseUrl ? "postgres server" : "pglite";
  const ok = engine.diagnostics.length === 0;
  ctx.note(
    `engine (${where}) up/down/up round trip ${ok ? "ok" : "failed"}${chain && ok ? ", migration chain = design" : ""} in ${Math.round(performance.now() - started)} ms`,
  );
  return [...parsed.diagnostics, ...engine.diagnostics];
}

export const sqlArtifact: Artifact<ModelContext> = {
  name: "sql",
  generate: ({ model }) => ({ files: model.migrations.files, diagnostics: model.migrations.diagnostics }),
  check: checkSql,
  checkNeeds: "own",
  affinity: "engine",
  // PGlite's start (wasm compile, data dir load, postgres boot) is most of a first engine check;
  // the parser loads while PGlite's wasm compiles in the background.
  warm: async (options) => {
    const engine = options.engine && !options.databaseUrl ? sharedPglite() : undefined;
    sqlParser();
    await engine;
  },
};
