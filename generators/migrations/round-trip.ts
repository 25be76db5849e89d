/**
 * The up/down/up round trip of a build's migrations on a real engine (engine.ts), one function
 * for a first build and for later ones. On an empty throw-away schema:
 *
 * 1. every up in order, with a catalog snapshot before the migrations this build wrote (`from`
 *    on: the open migration, or every migration on a first build) and one after all of them;
 * 2. the downs of the migrations this build wrote, newest first, each on tables holding seeded
 *    rows → the schema must equal the snapshot before them;
 * 3. the downs of the earlier migrations, newest first, on rows too → the schema must be empty again;
 * 4. every up again → the schema must equal the snapshot after the first ups.
 *
 * A difference names the object; a down that fails only on tables holding rows is
 * `sql-down-fails-with-rows`. The snapshot before the new migrations is compared without column
 * positions: a down that restores a dropped column adds it back at the end of the table, which no
 * query by name can tell apart. The other two compare schemas built by the same ups from empty,
 * positions included.
 */
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import { snapshotCatalog, diffCatalogs, type Catalog, type CatalogDifference } from "./catalog.ts";
import type { ReadMigration, ScriptRef } from "./format.ts";
import { migrationDiag } from "./codes.ts";
import { seedRows } from "./seed.ts";
import { applyScript, staleDropped, withPgliteSchema, withServer, type Engine } from "./engine.ts";

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The catalog of `schema` with column positions left out (see the module comment). */
export async function snapshot(engine: Engine, schema: string): Promise<Catalog> {
  return withoutPositions(await snapshotCatalog(engine, schema));
}

const withoutPositions = (c: Catalog): Catalog =>
  new Map([...c].map(([k, v]) => [k, k.startsWith("column ") ? v.replace(/^#\d+ /, "") : v] as const));

/** One line per differing object, sorted: `want` is the expected catalog, `got` the one found. */
export function compareSnapshots(want: Catalog, got: Catalog): string[] {
  const line = (d: CatalogDifference) =>
    d.change === "differs"
      ? `${d.object} differs: ${d.after} ≠ ${d.before}`
      : d.change === "missing"
        ? `${d.object} is missing`
        : `${d.object} is left over`;
  return diffCatalogs(want, got).map(line);
}

/** Runs `fn` on a throw-away schema: of the shared PGlite, or of the server at `databaseUrl`. */
export function onEngine<T>(
  databaseUrl: string | undefined,
  fn: (engine: Engine, schema: string) => Promise<T>,
): Promise<T> {
  return databaseUrl ? withServer(databaseUrl, fn) : withPgliteSchema(fn);
}

function describe(d: CatalogDifference, phase: string): string {
  switch (d.change) {
    case "leftover":
      return `leftover ${d.object} ${phase}`;
    case "missing":
      return `${d.object} missing ${phase}`;
    case "differs":
      return `${d.object} differs ${phase}: ${d.before} → ${d.after}`;
  }
}

export interface RoundTripResult {
  diagnostics: Diagnostic[];
  /** The catalog after the first ups (for later diffs and tests). */
  applied?: Catalog;
}

/** Rows per table generated before each down. */
const SEED_ROWS = 3;

/** Where the rows of a round trip stand: the next row number, and the seeding gaps already reported. */
export interface SeedState {
  next: number;
  reported: Set<string>;
}

export const newSeedState = (): SeedState => ({ next: 0, reported: new Set() });

/** Removes every row of every table of `schema`; false when the engine refuses. */
async function emptyTables(engine: Engine, schema: string): Promise<boolean> {
  const tables = await engine.query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1`,
    [schema],
  );
  if (tables.length === 0) return true;
  return engine.exec(`TRUNCATE ${tables.map((t) => quote(t.relname)).join(", ")} CASCADE`).then(
    () => true,
    () => false,
  );
}

/**
 * Runs a down on tables holding rows: SEED_ROWS generated rows per table first (seed.ts), valid
 * under every constraint. A down that fails is tried again on emptied tables; when it passes there,
 * the failure is reported as `sql-down-fails-with-rows` (the statement's file and line, prefixed
 * with the migration). Rows that could not be generated are reported once each, as info in `notes`.
 */
export async function downWithRows(
  engine: Engine,
  schema: string,
  version: number,
  down: ScriptRef,
  state: SeedState,
  out: Diagnostic[],
  notes: Diagnostic[],
): Promise<boolean> {
  const seeded = await seedRows(engine, schema, { rows: SEED_ROWS, start: state.next });
  state.next = seeded.next;
  for (const s of seeded.skipped) {
    const message = `rows of table ${s.table} could not be generated before a down (${s.reason}); downs ran with that table short of rows`;
    if (state.reported.has(message)) continue;
    state.reported.add(message);
    notes.push(migrationDiag("sql-seed-incomplete", message, down.file));
  }
  const failed: Diagnostic[] = [];
  if (await applyScript(engine, down, failed)) return true;
  if ((await emptyTables(engine, schema)) && (await applyScript(engine, down, []))) {
    out.push(
      ...failed.map((d) =>
        migrationDiag(
          "sql-down-fails-with-rows",
          `the down of migration ${version} fails on tables holding rows: ${d.message}`,
          d.path,
        ),
      ),
    );
  } else out.push(...failed);
  return false;
}

/**
 * The round trip of `migrations` (in version order) on `engine` in the empty `schema`; the ones
 * from version `from` on are this build's (see the module comment). Stops at the first phase that
 * finds something.
 */
export async function roundTrip(
  engine: Engine,
  schema: string,
  migrations: readonly ReadMigration[],
  from: number = migrations[0]?.version ?? 1,
): Promise<RoundTripResult> {
  const out: Diagnostic[] = [];
  const notes: Diagnostic[] = [];
  const done = (applied?: Catalog): RoundTripResult => ({
    diagnostics: [...out, ...notes],
    ...(applied ? { applied } : {}),
  });
  const earlier = migrations.filter((m) => m.version < from);
  const written = migrations.filter((m) => m.version >= from);
  const seeds = newSeedState();
  /** The downs of `list`, newest first, each on seeded rows; false at the first that fails. */
  const downs = async (list: readonly ReadMigration[]): Promise<boolean> => {
    for (const m of [...list].reverse()) {
      if (!m.down) {
        out.push(migrationDiag("sql-rollback-mismatch", `migration ${m.version} has no down migration`, m.up.file));
        return false;
      }
      if (!(await downWithRows(engine, schema, m.version, m.down, seeds, out, notes))) return false;
    }
    return true;
  };

  const start = await snapshotCatalog(engine, schema);
  for (const m of earlier) if (!(await applyScript(engine, m.up, out))) return done();
  const beforeWritten = earlier.length > 0 && written.length > 0 ? await snapshot(engine, schema) : undefined;
  for (const m of written) if (!(await applyScript(engine, m.up, out))) return done();
  const applied = await snapshotCatalog(engine, schema);

  if (!(await downs(written))) return done(applied);
  if (beforeWritten) {
    const newest = written.at(-1)!;
    for (const d of diffCatalogs(beforeWritten, await snapshot(engine, schema)))
      out.push(
        migrationDiag(
          "sql-rollback-mismatch",
          describe(d, `after ${newest.up.file} and its down`),
          newest.down?.file ?? newest.up.file,
        ),
      );
    if (out.length > 0) return done(applied);
  }
  if (!(await downs(earlier))) return done(applied);
  const downFile = migrations.at(-1)?.down?.file ?? "migrations";
  for (const d of diffCatalogs(start, await snapshotCatalog(engine, schema)))
    out.push(migrationDiag("sql-rollback-mismatch", describe(d, "after down"), downFile));
  if (out.length > 0) return done(applied);

  for (const m of migrations) if (!(await applyScript(engine, m.up, out))) return done(applied);
  const upFile = migrations.at(-1)?.up.file ?? "migrations";
  for (const d of diffCatalogs(applied, await snapshotCatalog(engine, schema)))
    out.push(migrationDiag("sql-reapply-mismatch", describe(d, "after up, down, up"), upFile));
  return done(applied);
}

/** What else the engine session of a check runs after a clean round trip (chain.ts passes its comparison). */
export type AfterRoundTrip = (engine: Engine, schema: string) => Promise<Diagnostic[]>;

/**
 * The engine check of a build's migrations: the round trip (`from` as in `roundTrip`), then, when
 * it found no error, `after` in the same session (the schema then holds every migration applied
 * in order). PGlite by default, or the server at `databaseUrl`.
 */
export async function engineCheck(
  migrations: readonly ReadMigration[],
  options: { databaseUrl?: string; from?: number; after?: AfterRoundTrip } = {},
): Promise<RoundTripResult> {
  const { databaseUrl, from, after } = options;
  const session = async (engine: Engine, schema: string): Promise<RoundTripResult> => {
    const result = await roundTrip(engine, schema, migrations, from);
    if (!after || result.diagnostics.some((d) => d.severity === "error")) return result;
    return { ...result, diagnostics: [...result.diagnostics, ...(await after(engine, schema))] };
  };
  try {
    if (!databaseUrl) return await withPgliteSchema(session);
    const result = await withServer(databaseUrl, session);
    const stale = (await staleDropped(databaseUrl)).map((what) =>
      migrationDiag(
        "sql-stale-database-dropped",
        `removed ${what} from ${redact(databaseUrl)}: a throw-away left behind by a contractor run that was killed`,
        "migrations",
      ),
    );
    return stale.length ? { ...result, diagnostics: [...stale, ...result.diagnostics] } : result;
  } catch (e) {
    const what = databaseUrl ? `the PostgreSQL server at ${redact(databaseUrl)}` : "the embedded PGlite engine";
    return {
      diagnostics: [
        migrationDiag(
          "sql-engine-unavailable",
          `could not run the round trip on ${what}: ${e instanceof Error ? e.message : String(e)}`,
          "migrations",
        ),
      ],
    };
  }
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}
