/**
 * The new migration on a real engine, with the SQL artifact's engine helpers (a throw-away
 * schema of the shared PGlite, or of the `--database-url` server) and its catalog snapshots:
 * apply every earlier up and snapshot (A); apply the new up and snapshot (B); seed rows into every
 * table and apply the new down → must run on them and give A; empty the tables and apply the new
 * up again → must equal B. A difference names the object; a down that fails only on tables holding rows is
 * `sql-down-fails-with-rows`.
 *
 * Columns are compared without their position: a down that restores a dropped column adds it
 * back at the end of the table, which no query by name can tell apart.
 */
import type { GeneratedFile, CheckContext } from "../../src/pipeline/artifact.ts";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import { readMigrations } from "../sql/format.ts";
import { snapshotCatalog, diffCatalogs, type Catalog, type CatalogDifference } from "../sql/catalog.ts";
import {
  withPgliteSchema,
  withServer,
  applyScript,
  downWithRows,
  emptyTables,
  newSeedState,
  type Engine,
} from "../sql/engine.ts";
import { sqlDiag } from "../sql/codes.ts";

/** The catalog of `schema` with column positions left out (see the module comment). */
export async function snapshot(engine: Engine, schema: string): Promise<Catalog> {
  const c = await snapshotCatalog(engine, schema);
  return new Map([...c].map(([k, v]) => [k, k.startsWith("column ") ? v.replace(/^#\d+ /, "") : v] as const));
}

/** One line per differing object, sorted. */
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

/** Runs the round trip of migration `version` on top of every earlier one. */
export async function verifyMigrationSequence(
  files: readonly GeneratedFile[],
  version: number,
  ctx: Pick<CheckContext, "options">,
): Promise<Diagnostic[]> {
  const migrations = readMigrations(files, ctx.options.migrationsFormat);
  const target = migrations.find((m) => m.version === version);
  if (!target?.down)
    return [
      sqlDiag("sql-rollback-mismatch", `migration ${version} has no down migration`, target?.up.file ?? "migrations"),
    ];
  const down = target.down;
  try {
    return await onEngine(ctx.options.databaseUrl, async (engine, schema) => {
      const out: Diagnostic[] = [];
      const notes: Diagnostic[] = [];
      for (const m of migrations.filter((x) => x.version < version))
        if (!(await applyScript(engine, m.up, out))) return out;
      const before = await snapshot(engine, schema);
      if (!(await applyScript(engine, target.up, out))) return out;
      const after = await snapshot(engine, schema);
      if (!(await downWithRows(engine, schema, version, down, newSeedState(), out, notes))) return [...out, ...notes];
      out.push(
        ...compareSnapshots(before, await snapshot(engine, schema)).map((d) =>
          sqlDiag("sql-rollback-mismatch", `after ${target.up.file} and its down: ${d}`, down.file),
        ),
      );
      // The up again on empty tables: it is compared as DDL; rows the down left may not fit a narrowing up.
      await emptyTables(engine, schema);
      if (!(await applyScript(engine, target.up, out))) return out;
      out.push(
        ...compareSnapshots(after, await snapshot(engine, schema)).map((d) =>
          sqlDiag("sql-reapply-mismatch", `after ${target.up.file}, its down and up again: ${d}`, target.up.file),
        ),
      );
      return [...out, ...notes];
    });
  } catch (e) {
    return [
      sqlDiag(
        "sql-engine-unavailable",
        `could not run the migration round trip: ${e instanceof Error ? e.message : String(e)}`,
        "migrations",
      ),
    ];
  }
}
