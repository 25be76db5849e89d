/**
 * The SQL artifact: the design's initial PostgreSQL migration with its exact rollback, in the
 * layout of golang-migrate, dbmate or flyway, checked by node-sql-parser and by a real engine.
 * Public pieces for later migrations (design evolution) are exported here.
 */
import type { Artifact, ArtifactContext, GeneratedFile, CheckContext } from "../../src/pipeline/artifact.ts";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import { planInitialMigration } from "./plan.ts";
import { migrationFiles, readMigrations, toSql, type MigrationFiles } from "./format.ts";
import { parseCheck, sqlParser } from "./parse-check.ts";
import { engineCheck, sharedPglite } from "./engine.ts";

export { planInitialMigration, enumTypeName, scalarSqlType, literalSql, type MigrationPlan } from "./plan.ts";
export { statementSql, inverse, downOf, type Statement, type StatementKind } from "./statements.ts";
export {
  toSql,
  migrationFiles,
  readMigrations,
  type MigrationFiles,
  type MigrationText,
  type ReadMigration,
} from "./format.ts";
export { snapshotCatalog, diffCatalogs, type Catalog, type CatalogDifference } from "./catalog.ts";
export { roundTrip, engineCheck, sharedPglite, closeSharedPglite, type Engine } from "./engine.ts";
export { parseCheck, parseStatement, PARSER_GAPS } from "./parse-check.ts";
export { pgName, quoteIdent, quoteLiteral } from "./ident.ts";
export { sqlCodes } from "./codes.ts";

/**
 * Where a build's migration files come from, given the design's initial migration: the out dir's
 * history kept byte for byte plus the next migration when the schema changed, and the lock file
 * (design evolution's `sqlMigrations`). Passed in — generators/index.ts wires it — because
 * evolution plans its migrations with this module's statements; this module does not import it.
 */
export type MigrationSource = (
  ctx: ArtifactContext,
  initial: () => MigrationFiles,
) => { files: GeneratedFile[]; diagnostics: Diagnostic[] };

/** The migration files of a design (pure): the initial migration on a first build, otherwise what `migrations` makes of the out dir's history. */
export function generateSql(
  ctx: ArtifactContext,
  migrations: MigrationSource,
): { files: GeneratedFile[]; diagnostics: Diagnostic[] } {
  const plan = planInitialMigration(ctx.design);
  const slug = ctx.design.info.name;
  const history = migrations(ctx, () => ({
    version: 1,
    name: `0001_${slug}`,
    files: migrationFiles(
      { version: 1, slug, up: toSql(plan.up), down: toSql(plan.down) },
      ctx.options.migrationsFormat,
    ),
  }));
  return { files: history.files, diagnostics: [...plan.diagnostics, ...history.diagnostics] };
}

/** Both checks over the artifact's own files: the parser per statement, then the engine round trip. */
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
  const engine = await engineCheck(migrations, ctx.options.databaseUrl);
  const where = ctx.options.databaseUrl ? "postgres server" : "pglite";
  ctx.note(
    `engine (${where}) up/down/up round trip ${engine.diagnostics.length === 0 ? "ok" : "failed"} in ${Math.round(performance.now() - started)} ms`,
  );
  return [...parsed.diagnostics, ...engine.diagnostics];
}

/** The SQL artifact, its migration history supplied by `migrations` (see MigrationSource). */
export const sqlArtifactWith = (migrations: MigrationSource): Artifact => ({
  name: "sql",
  checkNeeds: "own",
  affinity: "engine",
  generate: (ctx) => generateSql(ctx, migrations),
  check: checkSql,
  // PGlite's start (wasm compile, data dir load, postgres boot) is most of a first engine check;
  // the parser loads while PGlite's wasm compiles in the background.
  warm: async (options) => {
    const engine = options.engine && !options.databaseUrl ? sharedPglite() : undefined;
    sqlParser();
    await engine;
  },
});
