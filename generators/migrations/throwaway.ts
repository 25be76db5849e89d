/**
 * The throw-away databases of `--database-url` runs: their names, their marker, dropping them on
 * SIGINT/SIGTERM from the main thread, and removing the ones an earlier, killed run left behind.
 *
 * A name is `contractor_check_<pid>_<host>_<created>_<random>`: the creating process, a key of the
 * place its pid means something (host name, boot and PID namespace), and the creation time in
 * seconds (base 36). Each database (or, without CREATEDB, schema) also carries the comment
 * `THROWAWAY_MARKER`. A later run removes a leftover only when it has the prefix, parses, carries
 * the marker and its creator is gone: same host key and that pid no longer alive, or another host
 * key and older than `FOREIGN_MAX_AGE_MS`.
 *
 * Signals reach only the main thread (a worker's `process.on("SIGINT")` never fires), and the
 * checks on a server usually run in a worker. So the main thread guards a server while any check
 * may use it (`guardServer`): on SIGINT/SIGTERM it stops the checks (`onInterrupt` hooks: the pool
 * terminates its workers), ends every connection of this process to the server (its own
 * `application_name`), drops every database and schema whose name starts with this process's
 * prefix, and only then lets the signal take its course (other listeners run after the drop).
 * A process that exits while a check still uses a server leaves the same drop to a detached process.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";
import { constants } from "node:os";
import { isMainThread, threadId } from "node:worker_threads";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const THROWAWAY_PREFIX = "contractor_check_";
export const THROWAWAY_MARKER = "contractor throw-away check database";
/** A leftover of another host (or an earlier boot) is removed once it is this old. */
export const FOREIGN_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** What a connection needs: `pg`'s Client fits. */
export interface SqlClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

function readOr(read: () => string): string {
  try {
    return read();
  } catch {
    return "";
  }
}

/** Where a pid names one process: the host, its boot, and (Linux) the PID namespace. */
export const HOST_KEY = createHash("sha256")
  .update(
    `${hostname()}\n${readOr(() => readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim())}\n${readOr(() => readlinkSync("/proc/self/ns/pid"))}`,
  )
  .digest("hex")
  .slice(0, 8);

/** The prefix of every database and schema this process creates. */
const ownPrefix = (pid = process.pid) => `${THROWAWAY_PREFIX}${pid}_${HOST_KEY}_`;

/** The `application_name` of this process's connections, so that an interrupt can end them. */
export const applicationName = () => `${ownPrefix()}t${threadId}`;

/** A fresh throw-away name of this process. */
export function throwawayName(now = Date.now()): string {
  return `${ownPrefix()}${Math.floor(now / 1000).toString(36)}_${randomBytes(4).toString("hex")}`;
}

export interface ThrowawayName {
  pid: number;
  host: string;
  createdMs: number;
}

/** The parts of a throw-away name, or undefined for any other name. */
export function parseThrowawayName(name: string): ThrowawayName | undefined {
  const m = /^contractor_check_(\d{1,10})_([0-9a-f]{8})_([0-9a-z]{1,11})_[0-9a-f]{8}$/.exec(name);
  if (!m) return undefined;
  return { pid: Number(m[1]), host: m[2]!, createdMs: parseInt(m[3]!, 36) * 1000 };
}

/** Whether process `pid` of this host still runs (a zombie does not: it only waits to be reaped). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  const stat = readOr(() => readFileSync(`/proc/${pid}/stat`, "utf8"));
  // Field 3, after the parenthesised command name (which may hold spaces and parentheses).
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
}

/** Whether a database or schema `name` with comment `comment` is a leftover a later run may remove. */
export function isStale(name: string, comment: string | null, now = Date.now(), alive = pidAlive): boolean {
  const parsed = parseThrowawayName(name);
  if (!parsed || comment !== THROWAWAY_MARKER) return false;
  if (parsed.host !== HOST_KEY) return now - parsed.createdMs > FOREIGN_MAX_AGE_MS;
  return parsed.pid !== process.pid && !alive(parsed.pid);
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Drops database `name`, ending the sessions still connected to it: `WITH (FORCE)` on
 * PostgreSQL 13 and later; before that, by ending them first (retried while one lingers).
 */
export async function dropDatabase(admin: SqlClient, name: string): Promise<void> {
  const version = Number((await admin.query("SELECT current_setting('server_version_num') AS v")).rows[0]?.v ?? 0);
  if (version >= 130000) {
    await admin.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`);
    return;
  }
  for (let attempt = 0; ; attempt++) {
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [name],
    );
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${quote(name)}`);
      return;
    } catch (e) {
      // 55006: still being accessed (an ended session takes a moment to go away).
      if ((e as { code?: string }).code !== "55006" || attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Marks a fresh throw-away database or schema as contractor's. */
export function markSql(kind: "DATABASE" | "SCHEMA", name: string): string {
  return `COMMENT ON ${kind} ${quote(name)} IS '${THROWAWAY_MARKER}'`;
}

/**
 * Removes the leftovers of earlier runs on the server `admin` is connected to: throw-away
 * databases, and throw-away schemas in the connected database. Returns what was dropped;
 * a leftover that cannot be dropped (another role's) is left alone.
 */
export async function dropStale(admin: SqlClient, now = Date.now()): Promise<string[]> {
  const kinds = [
    {
      kind: "database",
      list: "SELECT datname AS name, shobj_description(oid, 'pg_database') AS comment FROM pg_database",
      column: "datname",
      drop: (name: string) => dropDatabase(admin, name),
    },
    {
      kind: "schema",
      list: "SELECT nspname AS name, obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace",
      column: "nspname",
      drop: (name: string) => admin.query(`DROP SCHEMA IF EXISTS ${quote(name)} CASCADE`),
    },
  ];
  const dropped: string[] = [];
  for (const { kind, list, column, drop } of kinds) {
    const rows = await admin.query(`${list} WHERE left(${column}, length($1)) = $1 ORDER BY ${column}`, [
      THROWAWAY_PREFIX,
    ]);
    for (const row of rows.rows) {
      const name = String(row.name);
      if (!isStale(name, row.comment as string | null, now)) continue;
      try {
        await drop(name);
        dropped.push(`${kind} ${name}`);
      } catch {
        // not ours to drop (owner, privileges) or gone meanwhile
      }
    }
  }
  return dropped;
}

// ---- the main thread's guard ----

const guarded = new Map<string, number>();
const hooks = new Set<() => Promise<void>>();
let interrupting = false;
let never: Promise<never> | undefined;

/** Runs before the drop on an interrupt, in the main thread (stops whatever still uses the server). */
export function onInterrupt(hook: () => Promise<void>): void {
  hooks.add(hook);
}

/** True once an interrupt is being handled: the process ends as soon as its databases are dropped. */
function interrupted(): boolean {
  return interrupting;
}

/** A promise that never settles, for work that must not finish once an interrupt is handled. */
export function haltIfInterrupted(): Promise<void> {
  if (!interrupting) return Promise.resolve();
  never ??= new Promise<never>(() => undefined);
  return never;
}

/**
 * Guards the server at `url` until the returned release is called (guards nest). While any server
 * is guarded, SIGINT and SIGTERM drop this process's throw-away databases first. Outside the main
 * thread it does nothing: the main thread guards the servers its workers use.
 */
export function guardServer(url: string): () => void {
  if (!isMainThread) return () => undefined;
  guarded.set(url, (guarded.get(url) ?? 0) + 1);
  if (guarded.size === 1 && guarded.get(url) === 1) {
    // First in line: the databases are gone before any other listener (a browser's, --watch's) reacts.
    process.prependListener("SIGINT", onSignal);
    process.prependListener("SIGTERM", onSignal);
    process.on("exit", onExit);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const n = (guarded.get(url) ?? 1) - 1;
    if (n > 0) guarded.set(url, n);
    else guarded.delete(url);
    if (guarded.size === 0 && !interrupting) {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      process.off("exit", onExit);
    }
  };
}

/**
 * The process exits while a check may still use a server (`process.exit` with a check in flight:
 * its worker stops mid-check). An exit handler cannot wait, so a detached process drops what this
 * one created, with the same steps as on a signal. The URLs go through the environment, not the
 * command line, which other users can read.
 */
function onExit(): void {
  if (guarded.size === 0 || interrupting) return;
  const entry = fileURLToPath(
    new URL(import.meta.url.endsWith(".ts") ? "./throwaway-exit.ts" : "./throwaway-exit.js", import.meta.url),
  );
  try {
    spawn(process.execPath, [entry], {
      detached: true,
      stdio: "ignore",
      env: {
        ...process.env,
        CONTRACTOR_THROWAWAY_CLEANUP: JSON.stringify({ prefix: ownPrefix(), urls: [...guarded.keys()] }),
      },
    }).unref();
  } catch {
    // The next run against the server removes them (dropStale).
  }
}

/** Ends the process by `signal` the way it would have ended without a listener. */
function die(signal: NodeJS.Signals): void {
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  else process.exit(128 + (constants.signals[signal] ?? 0));
}

function onSignal(signal: NodeJS.Signals): void {
  // A second signal while dropping: stop waiting.
  if (interrupting) return die(signal);
  interrupting = true;
  const others = process.listeners(signal).filter((l) => l !== onSignal) as Array<(s: NodeJS.Signals) => void>;
  for (const l of others) process.off(signal, l);
  const within = (ms: number, work: Promise<unknown>) =>
    Promise.race([work, new Promise((r) => setTimeout(r, ms).unref())]);
  void within(15_000, dropOwn([...guarded.keys()]))
    .catch(() => undefined)
    .finally(() => {
      for (const l of others) {
        try {
          l(signal);
        } catch {
          // their failure does not keep the process alive
        }
      }
      die(signal);
    });
}

/**
 * Stops the checks, ends the sessions of the process with `prefix` (this one by default) on each
 * server and drops its throw-away objects.
 */
export async function dropOwn(urls: readonly string[], prefix = ownPrefix()): Promise<void> {
  await Promise.allSettled([...hooks].map((h) => h()));
  const { default: pg } = await import("pg");
  await Promise.allSettled(
    urls.map(async (url) => {
      const admin = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: 5_000,
        application_name: "contractor_cleanup",
      });
      admin.on("error", () => undefined);
      await admin.connect();
      try {
        const own = [prefix];
        // Every session of this process (a CREATE DATABASE in flight included) ends before the drop,
        // so nothing is created after it.
        const ours =
          "SELECT pid FROM pg_stat_activity WHERE left(application_name, length($1)) = $1 AND pid <> pg_backend_pid()";
        await admin.query(`SELECT pg_terminate_backend(pid) FROM (${ours}) s`, own);
        for (let i = 0; i < 50 && (await admin.query(ours, own)).rows.length > 0; i++)
          await new Promise((r) => setTimeout(r, 50));
        const databases = await admin.query(
          "SELECT datname AS name FROM pg_database WHERE left(datname, length($1)) = $1",
          own,
        );
        for (const row of databases.rows) await dropDatabase(admin, String(row.name)).catch(() => undefined);
        const schemas = await admin.query(
          "SELECT nspname AS name FROM pg_namespace WHERE left(nspname, length($1)) = $1",
          own,
        );
        for (const row of schemas.rows)
          await admin.query(`DROP SCHEMA IF EXISTS ${quote(String(row.name))} CASCADE`).catch(() => undefined);
      } finally {
        await admin.end().catch(() => undefined);
      }
    }),
  );
}
