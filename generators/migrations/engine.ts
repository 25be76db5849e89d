/**
 * The PostgreSQL engines the migrations are checked on (round-trip.ts, chain.ts): a throw-away
 * schema of a shared embedded PGlite (started once per process, from a cached initialised data
 * dir when one exists), or a server (`--database-url`) with a throw-away database — or, without
 * the CREATEDB privilege, a throw-away schema — that is dropped afterwards, also on
 * SIGINT/SIGTERM. A script is applied in one round trip to the engine, its failing statement
 * located by a replay.
 */
import { randomBytes } from "node:crypto";
import { readFile, writeFile, rename, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { isMainThread } from "node:worker_threads";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import type { Engine } from "./catalog.ts";
import type { ScriptRef } from "./format.ts";
import { migrationDiag } from "./codes.ts";
import {
  applicationName,
  dropDatabase,
  dropStale,
  guardServer,
  haltIfInterrupted,
  markSql,
  throwawayName,
} from "./throwaway.ts";

export type { Engine } from "./catalog.ts";

// ---- PGlite: one per process, reused ----

type PGliteInstance = import("@electric-sql/pglite").PGlite;
let shared: Promise<PGliteInstance> | undefined;
let queue: Promise<unknown> = Promise.resolve();
let schemaCounter = 0;

function pgliteVersion(): string {
  // The package's exports hide package.json: walk up from its entry point.
  let dir = dirname(fileURLToPath(import.meta.resolve("@electric-sql/pglite")));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "@electric-sql/pglite" && pkg.version) return pkg.version;
    } catch {
      // keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return "unknown";
    dir = parent;
  }
}

/** Where the initialised PGlite data dir is cached (keyed by the PGlite version). */
export function pgliteCacheFile(): string {
  return join(tmpdir(), `contractor-pglite-${pgliteVersion()}.tar`);
}

/**
 * The tar of a data dir without the files of the databases other than `keep` (template0 and
 * template1: a third of the dump each, never opened by the checks, which work in schemas of the
 * one database PGlite connects to). Their directories stay, empty. Tar entries are 512-byte
 * headers (name at 0, octal size at 124, ustar prefix at 345) followed by padded data.
 */
function dropOtherDatabases(tar: Uint8Array, keepOid: number, databaseOids: readonly number[]): Uint8Array {
  const drop = databaseOids.filter((oid) => oid !== keepOid).map((oid) => `base/${oid}/`);
  const text = (from: number, length: number) => {
    const bytes = tar.subarray(from, from + length);
    const end = bytes.indexOf(0);
    return new TextDecoder().decode(end >= 0 ? bytes.subarray(0, end) : bytes);
  };
  const kept: Uint8Array[] = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const name = text(at, 100);
    if (name === "") {
      kept.push(tar.subarray(at));
      break;
    }
    const prefix = text(at + 345, 155);
    const path = `${prefix}${prefix ? "/" : ""}${name}`.replace(/^\/+/, "");
    const size = parseInt(text(at + 124, 12).trim() || "0", 8);
    const next = at + 512 + Math.ceil(size / 512) * 512;
    const isFile = tar[at + 156] === 0x30 || tar[at + 156] === 0;
    if (!(isFile && drop.some((d) => path.startsWith(d)))) kept.push(tar.subarray(at, next));
    at = next;
  }
  return Buffer.concat(kept);
}

async function startPglite(): Promise<PGliteInstance> {
  const { PGlite } = await import("@electric-sql/pglite");
  // A whole schema created and dropped in one transaction takes a lock per object; the default
  // (64 per connection slot) runs out of shared memory around 1,000 tables. A 32 MB buffer pool
  // (not the default 128 MB) starts faster; a check's working set is far smaller.
  const startParams = [
    ...PGlite.defaultStartParams,
    "-c",
    "max_locks_per_transaction=4096",
    "-c",
    "shared_buffers=32MB",
  ];
  const cache = pgliteCacheFile();
  const cached = await readFile(cache).catch(() => undefined);
  if (cached) {
    try {
      return await PGlite.create({ loadDataDir: new Blob([cached]), startParams });
    } catch {
      await rm(cache, { force: true });
    }
  }
  const db = await PGlite.create({ startParams });
  // initdb is most of a cold start; later processes load this snapshot instead. Kept as a plain
  // tar (reading beats gunzipping), without template0 and template1, which no check opens.
  try {
    const databases = await db.query<{ oid: number; current: boolean }>(
      "SELECT oid::int AS oid, datname = current_database() AS current FROM pg_database",
    );
    const keep = databases.rows.find((r) => r.current)!.oid;
    const dump = new Uint8Array(await (await db.dumpDataDir("none")).arrayBuffer());
    const tmp = `${cache}.${process.pid}.${randomBytes(4).toString("hex")}`;
    await writeFile(
      tmp,
      dropOtherDatabases(
        dump,
        keep,
        databases.rows.map((r) => r.oid),
      ),
    );
    await rename(tmp, cache);
  } catch {
    // The cache is an optimisation only.
  }
  return db;
}

/**
 * On the main thread the shared engine is closed after an idle spell: a PGlite started from a data
 * dir (the tar above) keeps the Node process from ending by itself, so a script that calls the
 * library's `build()` would never exit. Builds that follow each other keep it warm; a worker thread
 * keeps its engine until its pool ends the thread.
 */
const IDLE_AFTER_USE_MS = 2_000;
/** Started but never used (a build whose checks never ran): closed later, after generation had its time. */
const IDLE_UNUSED_MS = 60_000;
let idleClose: NodeJS.Timeout | undefined;
let users = 0;

function closeWhenIdle(ms: number): void {
  if (!isMainThread) return;
  clearTimeout(idleClose);
  idleClose = setTimeout(() => {
    if (users === 0) void closeSharedPglite().catch(() => undefined);
  }, ms).unref();
}

/** The process-wide PGlite, started on first use. */
export function sharedPglite(): Promise<PGliteInstance> {
  clearTimeout(idleClose);
  if (users === 0) closeWhenIdle(IDLE_UNUSED_MS);
  if (!shared) {
    const started = startPglite();
    shared = started;
    // A failed start is not cached: the next check tries again.
    started.catch(() => {
      if (shared === started) shared = undefined;
    });
  }
  return shared;
}

/** Closes the shared PGlite (tests, benchmarks); the next check starts a new one. */
export async function closeSharedPglite(): Promise<void> {
  const db = shared;
  shared = undefined;
  if (db) await (await db).close();
}

function pgliteEngine(db: PGliteInstance): Engine {
  return {
    exec: async (sql) => void (await db.exec(sql)),
    query: async <R>(sql: string, params?: unknown[]) => (await db.query<R>(sql, params)).rows,
  };
}

/** Runs `fn` on a PGlite of its own (started like the shared one), closed afterwards: nothing it creates outlives it. */
export async function withOwnPglite<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
  const db = await startPglite();
  try {
    return await fn(pgliteEngine(db));
  } finally {
    await db.close();
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Runs `fn` in a fresh schema of the shared PGlite; the schema is dropped afterwards. One at a time. */
export async function withPgliteSchema<T>(fn: (engine: Engine, schema: string) => Promise<T>): Promise<T> {
  users++;
  const run = queue.then(async () => {
    const engine = pgliteEngine(await sharedPglite());
    const schema = `contractor_check_${++schemaCounter}`;
    await engine.exec(`CREATE SCHEMA ${quote(schema)}`);
    await engine.exec(`SET search_path TO ${quote(schema)}`);
    try {
      return await fn(engine, schema);
    } finally {
      await engine.exec("ROLLBACK").catch(() => undefined);
      await engine.exec("RESET search_path");
      await engine.exec(`DROP SCHEMA ${quote(schema)} CASCADE`);
    }
  });
  queue = run.catch(() => undefined);
  try {
    return await run;
  } finally {
    if (--users === 0) closeWhenIdle(IDLE_AFTER_USE_MS);
  }
}

// ---- a PostgreSQL server through `pg` ----

type PgClient = import("pg").Client;

function pgEngine(client: PgClient): Engine {
  return {
    exec: async (sql) => void (await client.query(sql)),
    query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
  };
}

const sweeps = new Map<string, Promise<string[]>>();
const sweepsReported = new Set<string>();

/**
 * Runs `fn` on the server at `url`, inside a throw-away database (or, when the role may not create
 * databases, a throw-away schema) named and marked as throwaway.ts describes, removed afterwards.
 * The main thread guards the server meanwhile (dropped on SIGINT/SIGTERM); the first use of a
 * server in a thread first removes the leftovers of earlier, killed runs.
 */
export async function withServer<T>(url: string, fn: (engine: Engine, schema: string) => Promise<T>): Promise<T> {
  const release = guardServer(url);
  try {
    const { default: pg } = await import("pg");
    const application_name = applicationName();
    const admin = new pg.Client({ connectionString: url, application_name });
    // A session ended by the server (an interrupt's cleanup, a restart) is reported by the query
    // that fails; between queries pg would raise it as an unhandled 'error' event.
    admin.on("error", () => undefined);
    await admin.connect();
    try {
      let sweep = sweeps.get(url);
      if (!sweep) {
        sweep = dropStale(admin).catch(() => []);
        sweeps.set(url, sweep);
        await sweep;
      }
      const name = throwawayName();
      const target = new URL(url);
      target.pathname = `/${name}`;
      const client = new pg.Client({ connectionString: target.toString(), application_name });
      client.on("error", () => undefined);
      let ownDatabase = true;
      const drop = async () => {
        if (ownDatabase) {
          await client.end().catch(() => undefined);
          await dropDatabase(admin, name);
        } else {
          await admin.query("ROLLBACK").catch(() => undefined);
          await admin.query(`DROP SCHEMA IF EXISTS ${quote(name)} CASCADE`);
        }
      };
      try {
        try {
          await admin.query(`CREATE DATABASE ${quote(name)}`);
          await admin.query(markSql("DATABASE", name));
        } catch (e) {
          // Without the CREATEDB privilege: a throw-away schema in the given database.
          if ((e as { code?: string }).code !== "42501") throw e;
          ownDatabase = false;
        }
        if (ownDatabase) await client.connect();
        const engine = pgEngine(ownDatabase ? client : admin);
        // Schema and marker in one transaction: no unmarked schema is ever visible.
        await engine.exec(`BEGIN; CREATE SCHEMA ${quote(name)}; ${markSql("SCHEMA", name)}; COMMIT`);
        await engine.exec(`SET search_path TO ${quote(name)}`);
        return await fn(engine, name);
      } finally {
        await drop();
      }
    } finally {
      await admin.end().catch(() => undefined);
    }
  } finally {
    // Interrupted: the main thread is dropping this process's databases and then ends it; the
    // check does not finish meanwhile (its result would race the drop to the exit).
    await haltIfInterrupted();
    release();
  }
}

/** The leftovers of earlier runs that this thread removed from the server at `url`, once. */
export async function staleDropped(url: string): Promise<string[]> {
  const sweep = sweeps.get(url);
  if (!sweep || sweepsReported.has(url)) return [];
  sweepsReported.add(url);
  return sweep;
}

// ---- applying a script ----

/** The line of an engine error inside a statement, from the error's 1-based character `position`. */
function errorLine(sql: string, startLine: number, error: unknown): number {
  const position = Number((error as { position?: string | number }).position);
  if (!Number.isFinite(position) || position < 1) return startLine;
  return startLine + (sql.slice(0, position - 1).match(/\n/g)?.length ?? 0);
}

/**
 * Applies a script. Fast path: the whole script as one simple-protocol query (one round trip
 * to the engine). When that fails, the transaction is rolled back and the statements are
 * replayed one by one inside a transaction that is rolled back too, to find the failing
 * statement and its line.
 */
export async function applyScript(engine: Engine, script: ScriptRef, out: Diagnostic[]): Promise<boolean> {
  const body = script.statements.map((st) => `${st.sql};\n`).join("");
  try {
    await engine.exec(script.ownTransaction ? body : `BEGIN;\n${body}COMMIT;\n`);
    return true;
  } catch (whole) {
    await engine.exec("ROLLBACK").catch(() => undefined);
    const failure = await locateFailure(engine, script);
    await engine.exec("ROLLBACK").catch(() => undefined);
    const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
    out.push(
      failure
        ? migrationDiag(
            "sql-engine-error",
            `PostgreSQL rejected the statement: ${message(failure.error)}`,
            `${script.file}:${errorLine(failure.sql, failure.line, failure.error)}`,
          )
        : migrationDiag("sql-engine-error", `PostgreSQL rejected the script: ${message(whole)}`, `${script.file}:1`),
    );
    return false;
  }
}

async function locateFailure(
  engine: Engine,
  script: ScriptRef,
): Promise<{ sql: string; line: number; error: unknown } | undefined> {
  if (!script.ownTransaction) await engine.exec("BEGIN");
  for (const st of script.statements) {
    // Never commit while replaying: the replay only looks for the failing statement.
    if (/^COMMIT$/i.test(st.sql)) continue;
    try {
      await engine.exec(st.sql);
    } catch (error) {
      return { sql: st.sql, line: st.line, error };
    }
  }
  return undefined;
}
