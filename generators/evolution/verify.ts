/**
 * The new migration on a real engine (PGlite, embedded): apply every earlier up and snapshot the
 * catalog (A); apply the new up and snapshot (B); apply the new down → must equal A; apply the
 * new up again → must equal B. Any difference is a diagnostic naming the object.
 *
 * Columns are compared by name, not position: a down that restores a dropped column adds it
 * back at the end of the table, which no query by name can tell apart. NOT NULL constraints
 * (listed in pg_constraint from PostgreSQL 18, with names PostgreSQL picks) are part of the
 * column line instead.
 */
import type { GeneratedFile } from "../../src/pipeline/artifact.ts";
import type { CheckContext } from "../../src/pipeline/artifact.ts";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import { readMigrations, type ScriptRef } from "../sql/format.ts";
import { sqlDiag } from "../sql/codes.ts";

/** The minimal engine interface the check needs (PGlite's `exec`/`query`). */
export interface Engine {
  exec(sql: string): Promise<unknown>;
  query<T>(sql: string): Promise<{ rows: T[] }>;
  close(): Promise<void>;
}

export async function pgliteEngine(): Promise<Engine> {
  const { PGlite } = await import("@electric-sql/pglite");
  const db = new PGlite();
  await db.waitReady;
  return db as unknown as Engine;
}

export type Snapshot = Map<string, string>;

const CATALOG_QUERIES: Array<[string, string]> = [
  ["table", `SELECT c.relname AS k, coalesce(obj_description(c.oid, 'pg_class'), '') AS v FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'`],
  ["column", `SELECT c.relname || '.' || a.attname AS k, format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') || CASE WHEN a.attidentity <> '' THEN ' IDENTITY ' || a.attidentity::text ELSE '' END || coalesce(' -- ' || col_description(c.oid, a.attnum), '') AS v
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`],
  ["constraint", `SELECT c.relname || '.' || k.conname AS k, pg_get_constraintdef(k.oid) || coalesce(' -- ' || obj_description(k.oid, 'pg_constraint'), '') AS v FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND k.contype <> 'n'`],
  ["index", `SELECT i.relname AS k, pg_get_indexdef(i.oid) || coalesce(' -- ' || obj_description(i.oid, 'pg_class'), '') AS v FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace WHERE n.nspname = 'public'`],
  ["enum", `SELECT t.typname AS k, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) || coalesce(' -- ' || obj_description(t.oid, 'pg_type'), '') AS v FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' GROUP BY t.oid, t.typname`],
];

/** The public schema's catalog: `kind name` → definition (with comment). */
export async function snapshot(db: Engine): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const [kind, sql] of CATALOG_QUERIES) {
    for (const r of (await db.query<{ k: string; v: string }>(sql)).rows) out.set(`${kind} ${r.k}`, r.v);
  }
  return out;
}

/** Differences between two snapshots, one line per object, sorted. */
export function compareSnapshots(want: Snapshot, got: Snapshot): string[] {
  const out: string[] = [];
  for (const [k, v] of want) {
    if (!got.has(k)) out.push(`${k} is missing`);
    else if (got.get(k) !== v) out.push(`${k} differs: ${got.get(k)} ≠ ${v}`);
  }
  for (const k of got.keys()) if (!want.has(k)) out.push(`${k} is left over`);
  return out.sort();
}

export async function applyScript(db: Engine, script: ScriptRef): Promise<Diagnostic | undefined> {
  // The tool (dbmate, flyway) wraps scripts without their own transaction; so does this check.
  const sql = script.statements.map((s) => `${s.sql};`).join("\n");
  try {
    await db.exec(script.ownTransaction ? sql : `BEGIN;\n${sql}\nCOMMIT;`);
    return undefined;
  } catch (e) {
    await db.exec("ROLLBACK").catch(() => {});
    const message = e instanceof Error ? e.message : String(e);
    return sqlDiag("sql-engine-error", `PostgreSQL rejected ${script.file}: ${message}`, `${script.file}:1`);
  }
}

/** Runs the round trip of migration `version` on top of every earlier one. */
export async function verifyMigrationSequence(files: readonly GeneratedFile[], version: number, ctx: Pick<CheckContext, "options">, engine: () => Promise<Engine> = pgliteEngine): Promise<Diagnostic[]> {
  const migrations = readMigrations(files, ctx.options.migrationsFormat);
  const target = migrations.find((m) => m.version === version);
  if (!target?.down) return [sqlDiag("sql-engine-error", `migration ${version} has no down script`, `migrations:${version}`)];
  const db = await engine();
  try {
    for (const m of migrations.filter((x) => x.version < version)) {
      const err = await applyScript(db, m.up);
      if (err) return [err];
    }
    const before = await snapshot(db);
    let err = await applyScript(db, target.up);
    if (err) return [err];
    const after = await snapshot(db);
    err = await applyScript(db, target.down);
    if (err) return [err];
    const out: Diagnostic[] = compareSnapshots(before, await snapshot(db)).map((d) => sqlDiag("sql-rollback-mismatch", `after ${target.up.file} and its down: ${d}`, `${target.down!.file}:1`));
    err = await applyScript(db, target.up);
    if (err) return [...out, err];
    out.push(...compareSnapshots(after, await snapshot(db)).map((d) => sqlDiag("sql-reapply-mismatch", `applying ${target.up.file} again: ${d}`, `${target.up.file}:1`)));
    return out;
  } finally {
    await db.close();
  }
}
