/**
 * node-sql-parser gaps of the statements later migrations add (ALTER … RENAME, ALTER TYPE … ADD
 * VALUE, enum-typed ALTER COLUMN … TYPE; planned in generators/evolution/plan.ts). Appended to the
 * SQL checker's documented allow-list (parse-check.ts); like those, each rewrite replaces only the
 * piece the grammar lacks, so the rest of the statement is still parsed, and the engine check
 * still runs them. Kept beside the checker so the SQL module does not import evolution.
 */
import { tokenize } from "./sqltext.ts";

/** One documented shape node-sql-parser rejects although PostgreSQL accepts it. */
export interface ParserGap {
  id: string;
  /** Why the statement is valid PostgreSQL although node-sql-parser rejects it. */
  reason: string;
  applies(sql: string): boolean;
  /** The statement with the unsupported piece replaced by an equivalent the grammar knows. */
  rewrite(sql: string): string;
}

const IDENT = String.raw`"(?:[^"]|"")*"`;
const LIT = String.raw`'(?:[^']|'')*'`;

export const EVOLUTION_PARSER_GAPS: readonly ParserGap[] = [
  {
    id: "rename-column",
    reason:
      "ALTER TABLE … RENAME COLUMN a TO b is valid (docs: ALTER TABLE); the grammar knows only RENAME TO for the table. Parsed as a table rename to the new column name.",
    applies: (sql) => new RegExp(`^ALTER TABLE ${IDENT} RENAME COLUMN ${IDENT} TO ${IDENT}$`, "s").test(sql),
    rewrite: (sql) =>
      sql.replace(new RegExp(`^(ALTER TABLE ${IDENT} RENAME) COLUMN ${IDENT} (TO ${IDENT})$`, "s"), "$1 $2"),
  },
  {
    id: "rename-constraint",
    reason:
      "ALTER TABLE … RENAME CONSTRAINT a TO b is valid (docs: ALTER TABLE); the grammar lacks it. Parsed as a table rename to the new constraint name.",
    applies: (sql) => new RegExp(`^ALTER TABLE ${IDENT} RENAME CONSTRAINT ${IDENT} TO ${IDENT}$`, "s").test(sql),
    rewrite: (sql) =>
      sql.replace(new RegExp(`^(ALTER TABLE ${IDENT} RENAME) CONSTRAINT ${IDENT} (TO ${IDENT})$`, "s"), "$1 $2"),
  },
  {
    id: "alter-index-rename",
    reason:
      "ALTER INDEX a RENAME TO b is valid (docs: ALTER INDEX); the grammar has no ALTER INDEX. Parsed as the same rename on a table.",
    applies: (sql) => new RegExp(`^ALTER INDEX ${IDENT} RENAME TO ${IDENT}$`, "s").test(sql),
    rewrite: (sql) => sql.replace(/^ALTER INDEX /, "ALTER TABLE "),
  },
  {
    id: "enum-add-value",
    reason:
      "ALTER TYPE t ADD VALUE 'v' [BEFORE|AFTER 'w'] is valid (docs: ALTER TYPE); the grammar's ALTER TYPE knows only OWNER, RENAME and SET. Parsed as a rename of the same type.",
    applies: (sql) => new RegExp(`^ALTER TYPE ${IDENT} ADD VALUE ${LIT}( (BEFORE|AFTER) ${LIT})?$`, "s").test(sql),
    rewrite: (sql) =>
      sql.replace(new RegExp(`^(ALTER TYPE ${IDENT}) ADD VALUE .*$`, "s"), '$1 RENAME TO "added_value"'),
  },
  {
    id: "alter-column-enum-type",
    reason:
      'ALTER COLUMN … TYPE "enum_type" USING c::text::"enum_type" is valid (docs: ALTER TABLE); the grammar accepts only built-in type names there. The quoted type becomes text.',
    applies: (sql) =>
      /^ALTER TABLE /.test(sql) &&
      tokenize(sql).some((t, i, all) => t.kind === "ident" && /(\bTYPE |::)$/.test(all[i - 1]?.text ?? "")),
    rewrite: (sql) => {
      const tokens = tokenize(sql);
      return tokens
        .map((t, i) => (t.kind === "ident" && /(\bTYPE |::)$/.test(tokens[i - 1]?.text ?? "") ? "text" : t.text))
        .join("");
    },
  },
];
