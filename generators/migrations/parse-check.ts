/**
 * Check 1: node-sql-parser (postgresql grammar) parses every statement on its own. Its grammar
 * lacks a few shapes PostgreSQL 15 accepts; those are listed below (and in
 * docs/sql-parser-gaps.md) with the reason. A statement that fails as written is retried with
 * the rewrites of the gaps it shows — each replacing only the unsupported piece with one the
 * grammar knows, so the rest of the statement is still parsed — and is counted as allow-listed.
 * Nothing is skipped: a statement that still fails is an error, and allow-listed statements
 * still go through the engine check.
 */
import { createRequire } from "node:module";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import { tokenize } from "./sqltext.ts";
import { migrationDiag } from "./codes.ts";
import type { ReadMigration } from "./format.ts";
import { EVOLUTION_PARSER_GAPS, type ParserGap } from "./parser-gaps.ts";

export type { ParserGap } from "./parser-gaps.ts";

const IDENT = String.raw`"(?:[^"]|"")*"`;
const ARRAY_TYPES = /\b(boolean|uuid|date|timestamptz|jsonb)\[\]/g;
const HAS_ARRAY_TYPE = /\b(boolean|uuid|date|timestamptz|jsonb)\[\]/;

/** Rewrites only outside string literals and quoted identifiers. */
function mapCode(sql: string, f: (code: string) => string): string {
  return tokenize(sql)
    .map((t) => (t.kind === "other" ? f(t.text) : t.text))
    .join("");
}

/** The documented allow-list (docs/sql-parser-gaps.md), found empirically against node-sql-parser 5.x. */
export const PARSER_GAPS: readonly ParserGap[] = [
  {
    id: "escaped-quote-in-identifier",
    reason:
      'A quoted identifier may contain a double quote written twice (PostgreSQL docs §4.1.1); the grammar rejects `""` inside identifiers in most positions (CREATE INDEX … ON, ALTER TABLE, DROP INDEX/TYPE, COMMENT ON COLUMN, CREATE TYPE).',
    applies: (sql) => tokenize(sql).some((t) => t.kind === "ident" && t.text.slice(1, -1).includes('""')),
    rewrite: (sql) =>
      tokenize(sql)
        .map((t) =>
          t.kind === "ident" ? t.text.slice(0, 1) + t.text.slice(1, -1).replace(/""/g, "_") + t.text.slice(-1) : t.text,
        )
        .join(""),
  },
  {
    id: "backslash-in-string",
    reason:
      "With standard_conforming_strings on (the default since PostgreSQL 9.1, docs §4.1.2.1) a backslash in '…' is an ordinary character; the grammar treats it as an escape (MySQL style), so `'a\\'` or `'\\''…'` end the literal elsewhere. Parsed with each backslash inside string literals replaced by `/`.",
    applies: (sql) => tokenize(sql).some((t) => t.kind === "string" && t.text.includes("\\")),
    rewrite: (sql) =>
      tokenize(sql)
        .map((t) => (t.kind === "string" ? t.text.replace(/\\/g, "/") : t.text))
        .join(""),
  },
  {
    id: "array-element-type",
    reason:
      'Arrays of boolean, uuid, date, timestamptz, jsonb and of enum types (`"item_priority"[]`) are valid column types (docs §8.15); the grammar only knows arrays of a few built-in types (text, varchar, integer, bigint, numeric).',
    applies: (sql) =>
      tokenize(sql).some(
        (t, i, all) =>
          (t.kind === "other" && HAS_ARRAY_TYPE.test(t.text)) ||
          (t.kind === "ident" && all[i + 1]?.text.startsWith("[]") === true),
      ),
    rewrite: (sql) => {
      const tokens = tokenize(sql);
      return tokens
        .map((t, i) => {
          if (t.kind === "ident" && tokens[i + 1]?.text.startsWith("[]")) return "text";
          return t.kind === "other" ? t.text.replace(ARRAY_TYPES, "text[]") : t.text;
        })
        .join("");
    },
  },
  {
    id: "brin-index",
    reason:
      "BRIN is a built-in index access method (docs §71); the grammar's USING clause knows only btree, hash, gist and gin.",
    applies: (sql) => tokenize(sql).some((t) => t.kind === "other" && /\bUSING brin\b/.test(t.text)),
    rewrite: (sql) => mapCode(sql, (c) => c.replace(/\bUSING brin\b/g, "USING btree")),
  },
  {
    id: "comment-on-type",
    reason:
      "COMMENT ON TYPE is valid (docs: COMMENT); the grammar's COMMENT ON lacks TYPE. Parsed as the same statement on a DOMAIN, which it knows.",
    applies: (sql) => sql.startsWith("COMMENT ON TYPE "),
    rewrite: (sql) => sql.replace(/^COMMENT ON TYPE /, "COMMENT ON DOMAIN "),
  },
  {
    id: "comment-on-constraint",
    reason:
      "COMMENT ON CONSTRAINT name ON table is valid (docs: COMMENT); the grammar's COMMENT ON lacks CONSTRAINT. Parsed as a COMMENT ON COLUMN table.name with the same literal.",
    applies: (sql) => new RegExp(`^COMMENT ON CONSTRAINT ${IDENT} ON ${IDENT} IS `, "s").test(sql),
    rewrite: (sql) =>
      sql.replace(
        new RegExp(`^COMMENT ON CONSTRAINT (${IDENT}) ON (${IDENT}) IS `, "s"),
        "COMMENT ON COLUMN $2.$1 IS ",
      ),
  },
  // Later migrations' ALTER shapes (design evolution), in parser-gaps.ts.
  ...EVOLUTION_PARSER_GAPS,
];

type SqlParser = InstanceType<typeof import("node-sql-parser").Parser>;
let parser: SqlParser | undefined;

/**
 * node-sql-parser (a large module), loaded on first use: a build's main thread imports this
 * module to generate SQL, while the check itself runs in the engine's worker.
 */
export function sqlParser(): SqlParser {
  parser ??= new (createRequire(import.meta.url)("node-sql-parser") as typeof import("node-sql-parser")).Parser();
  return parser;
}

function parses(sql: string): string | undefined {
  try {
    sqlParser().astify(sql, { database: "postgresql" });
    return undefined;
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).split("\n")[0]!.slice(0, 300);
  }
}

export interface ParseReport {
  diagnostics: Diagnostic[];
  statements: number;
  /** Statements that parsed only after an allow-listed rewrite, by gap id. */
  allowListed: Record<string, number>;
}

/** Parses one statement; returns the gaps it needed, or the parser's error. */
export function parseStatement(sql: string): { ok: true; gaps: string[] } | { ok: false; error: string } {
  const error = parses(sql);
  if (error === undefined) return { ok: true, gaps: [] };
  const gaps = PARSER_GAPS.filter((g) => g.applies(sql));
  if (gaps.length === 0) return { ok: false, error };
  const rewritten = gaps.reduce((s, g) => g.rewrite(s), sql);
  return parses(rewritten) === undefined ? { ok: true, gaps: gaps.map((g) => g.id) } : { ok: false, error };
}

/** Check 1 over every statement of every migration script. */
export function parseCheck(migrations: readonly ReadMigration[]): ParseReport {
  const report: ParseReport = { diagnostics: [], statements: 0, allowListed: {} };
  for (const m of migrations) {
    for (const script of [m.up, m.down]) {
      if (!script) continue;
      for (const st of script.statements) {
        report.statements++;
        const r = parseStatement(st.sql);
        if (!r.ok)
          report.diagnostics.push(
            migrationDiag(
              "sql-parse-error",
              `node-sql-parser cannot parse: ${r.error} — in: ${st.sql.slice(0, 120)}`,
              `${script.file}:${st.line}`,
            ),
          );
        else for (const g of r.gaps) report.allowListed[g] = (report.allowListed[g] ?? 0) + 1;
      }
    }
  }
  return report;
}
