/**
 * Migration files in the layout of each tool, written from statement values in one place, and
 * read back into statements (with file and line) for the checkers.
 *
 * - golang-migrate: `NNNN_slug.up.sql` + `NNNN_slug.down.sql`. It runs each file as is, with no
 *   transaction of its own, so each file carries `BEGIN;` … `COMMIT;`.
 * - dbmate: one `NNNN_slug.sql` with `-- migrate:up` and `-- migrate:down` sections. dbmate runs
 *   each section in a transaction unless told `transaction:false`, so the sections carry none
 *   (a COMMIT inside would end dbmate's own transaction before it records the version).
 * - flyway: `V<n>__slug.sql` + `U<n>__slug.sql` (undo migrations; a Flyway Teams feature).
 *   Flyway runs each PostgreSQL migration in a transaction by default, so no BEGIN/COMMIT.
 */
import type { GeneratedFile, MigrationFormat } from "../../src/core/artifact.ts";
import { generatedHeader } from "../../src/core/artifact.ts";
import { statementSql, type Statement } from "./statements.ts";
import { splitStatements, type SqlStatement } from "./sqltext.ts";

/** One migration as SQL text, format-independent. */
export interface MigrationText {
  version: number;
  slug: string;
  up: string[];
  down: string[];
}

/** A migration as files in the chosen format. */
export interface MigrationFiles {
  version: number;
  /** e.g. `0001_listly` — the golang-migrate stem, whatever the format. */
  name: string;
  files: GeneratedFile[];
}

/** Statement values → SQL statements (each without its semicolon). */
export function toSql(statements: readonly Statement[]): string[] {
  return statements.map(statementSql);
}

const MIGRATIONS_DIR = "migrations";
const pad4 = (n: number) => String(n).padStart(4, "0");

/** A migration's name, whatever the format: the golang-migrate stem (`0002_add_reminders`). */
export const migrationName = (version: number, slug: string) => `${pad4(version)}_${slug}`;

/** Statements one per line, a blank line before each table or type and between groups (indexes, foreign keys…). */
function body(statements: readonly string[]): string {
  let previous = "";
  return statements
    .map((s, i) => {
      const comment = s.startsWith("COMMENT ");
      const group = comment
        ? previous
        : s
            .replace(/^CREATE UNIQUE INDEX/, "CREATE INDEX")
            .split(" ", 2)
            .join(" ");
      const blank = i > 0 && !comment && (group !== previous || group === "CREATE TABLE" || group === "CREATE TYPE");
      previous = group;
      return `${blank ? "\n" : ""}${s};\n`;
    })
    .join("");
}

function transaction(statements: readonly string[]): string {
  return `BEGIN;\n\n${body(statements)}\nCOMMIT;\n`;
}

const header = generatedHeader("--");

/** The files of one migration in `format`. */
export function migrationFiles(m: MigrationText, format: MigrationFormat): GeneratedFile[] {
  switch (format) {
    case "golang-migrate": {
      const base = `${MIGRATIONS_DIR}/${migrationName(m.version, m.slug)}`;
      return [
        {
          path: `${base}.down.sql`,
          contents: `${header}-- Down: undoes ${migrationName(m.version, m.slug)}.up.sql exactly, in reverse dependency order.\n${transaction(m.down)}`,
        },
        { path: `${base}.up.sql`, contents: `${header}${transaction(m.up)}` },
      ];
    }
    case "dbmate":
      return [
        {
          path: `${MIGRATIONS_DIR}/${migrationName(m.version, m.slug)}.sql`,
          contents: `${header}-- dbmate runs each section in its own transaction.\n-- migrate:up\n${body(m.up)}\n-- migrate:down\n${body(m.down)}`,
        },
      ];
    case "flyway":
      return [
        {
          path: `${MIGRATIONS_DIR}/U${m.version}__${m.slug}.sql`,
          contents: `${header}-- Undo of V${m.version}__${m.slug}.sql. Flyway runs it in a transaction.\n${body(m.down)}`,
        },
        {
          path: `${MIGRATIONS_DIR}/V${m.version}__${m.slug}.sql`,
          contents: `${header}-- Flyway runs it in a transaction.\n${body(m.up)}`,
        },
      ];
  }
}

/** One direction of a migration as read from its file. */
export interface ScriptRef {
  file: string;
  statements: SqlStatement[];
  /** True when the script holds its own BEGIN/COMMIT; otherwise the tool wraps it in a transaction. */
  ownTransaction: boolean;
}

export interface ReadMigration {
  version: number;
  up: ScriptRef;
  down?: ScriptRef;
}

const hasOwnTransaction = (s: SqlStatement[]) =>
  /^BEGIN$/i.test(s[0]?.sql ?? "") && /^COMMIT$/i.test(s.at(-1)?.sql ?? "");

function script(file: string, text: string, lineOffset = 0): ScriptRef {
  const statements = splitStatements(text, lineOffset);
  return { file, statements, ownTransaction: hasOwnTransaction(statements) };
}

/** What a path is in the naming of `format`: a migration's version and direction (a dbmate file holds both), or undefined. */
export function migrationFileName(
  path: string,
  format: MigrationFormat,
): { version: number; direction: "up" | "down" | "both" } | undefined {
  if (!path.startsWith(`${MIGRATIONS_DIR}/`)) return undefined;
  const name = path.slice(MIGRATIONS_DIR.length + 1);
  let m: RegExpExecArray | null;
  switch (format) {
    case "golang-migrate":
      return (m = /^(\d+)_.+\.(up|down)\.sql$/.exec(name))
        ? { version: Number(m[1]), direction: m[2] as "up" | "down" }
        : undefined;
    case "flyway":
      return (m = /^([VU])(\d+)__.+\.sql$/.exec(name))
        ? { version: Number(m[2]), direction: m[1] === "V" ? "up" : "down" }
        : undefined;
    case "dbmate":
      return (m = /^(\d+)_.+\.sql$/.exec(name)) ? { version: Number(m[1]), direction: "both" } : undefined;
  }
}

/**
 * The newest migration among `files` by the naming of `format`: its version and the files holding
 * its up and its down (a dbmate file holds both and is `up`).
 */
export function newestMigration(
  files: readonly GeneratedFile[],
  format: MigrationFormat,
): { version: number; up: GeneratedFile; down?: GeneratedFile } | undefined {
  const byVersion = new Map<number, { up?: GeneratedFile; down?: GeneratedFile }>();
  for (const f of files) {
    const named = migrationFileName(f.path, format);
    if (!named) continue;
    const slot = byVersion.get(named.version) ?? {};
    slot[named.direction === "down" ? "down" : "up"] = f;
    byVersion.set(named.version, slot);
  }
  const [version, newest] =
    [...byVersion]
      .filter(([, s]) => s.up)
      .sort((a, b) => a[0] - b[0])
      .at(-1) ?? [];
  return version !== undefined && newest?.up
    ? { version, up: newest.up, ...(newest.down ? { down: newest.down } : {}) }
    : undefined;
}

/** Reads the migrations of `format` among `files`, in version order. */
export function readMigrations(files: readonly GeneratedFile[], format: MigrationFormat): ReadMigration[] {
  const byVersion = new Map<number, { up?: ScriptRef; down?: ScriptRef }>();
  const slot = (v: number) => byVersion.get(v) ?? (byVersion.set(v, {}), byVersion.get(v)!);
  for (const f of files) {
    const named = migrationFileName(f.path, format);
    if (!named) continue;
    if (named.direction !== "both") {
      slot(named.version)[named.direction] = script(f.path, f.contents);
    } else {
      const lines = f.contents.split("\n");
      const upAt = lines.findIndex((l) => l.trim() === "-- migrate:up");
      const downAt = lines.findIndex((l) => l.trim() === "-- migrate:down");
      if (upAt < 0) continue;
      const upEnd = downAt > upAt ? downAt : lines.length;
      const s = slot(named.version);
      s.up = script(f.path, lines.slice(upAt + 1, upEnd).join("\n"), upAt + 1);
      if (downAt > upAt) s.down = script(f.path, lines.slice(downAt + 1).join("\n"), downAt + 1);
    }
  }
  return [...byVersion.entries()]
    .filter((e): e is [number, { up: ScriptRef; down?: ScriptRef }] => e[1].up !== undefined)
    .sort((a, b) => a[0] - b[0])
    .map(([version, s]) => ({ version, up: s.up, ...(s.down ? { down: s.down } : {}) }));
}
