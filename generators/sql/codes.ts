import { defineCodes, diagnosticsFor } from "../../src/design/diagnostics.ts";

/** Codes of the SQL migrations artifact (generator and its two checkers). */
export const sqlCodes = defineCodes({
  "sql-name-shortened": {
    severity: "info",
    doc: "A table, column, type, constraint or index name is longer than PostgreSQL's 63-byte limit; the migration uses a shortened name with a hash suffix. Pick a shorter `table`/`column` override to control the name.",
  },
  "sql-name-collision": {
    severity: "error",
    doc: "Two database objects of the design get the same name in one PostgreSQL namespace (relations and types share one; columns per table). Rename one (`table`, `column`, or the index/constraint name).",
  },
  "sql-invalid-text": {
    severity: "error",
    doc: "A description carries a NUL character, which PostgreSQL text cannot store. Remove it.",
  },
  "sql-parse-error": {
    severity: "error",
    doc: "node-sql-parser (postgresql) cannot parse a generated statement, and the statement shape is not in the documented allow-list (docs/sql-parser-gaps.md).",
  },
  "sql-engine-error": {
    severity: "error",
    doc: "The PostgreSQL engine rejected a migration statement; the path gives the file and line.",
  },
  "sql-rollback-mismatch": {
    severity: "error",
    doc: "After applying up then down, the catalog differs from the starting catalog: the down migration leaves an object behind, removes too much, or changes it.",
  },
  "sql-reapply-mismatch": {
    severity: "error",
    doc: "Applying up again after down gives a different catalog than the first up: the round trip is not repeatable.",
  },
  "sql-down-fails-with-rows": {
    severity: "error",
    doc: "A down migration runs on empty tables but fails once the tables hold rows (the round trip seeds generated rows, valid under every constraint, before each down); the path gives the file and line of the failing statement. A down must run on a live database: re-add a NOT NULL column as nullable, backfill, then SET NOT NULL.",
  },
  "sql-seed-incomplete": {
    severity: "info",
    doc: "The round trip could not generate valid rows for a table before a down (e.g. a cycle of NOT NULL foreign keys, or a check no generated value meets); that down was checked with the table empty. The message names the table and the reason.",
  },
  "sql-stale-database-dropped": {
    severity: "info",
    doc: "A throw-away check database (or schema) that an earlier contractor run on this machine created and could not drop (it was killed) was removed from the --database-url server. Only names with contractor's prefix and marker whose creating process is gone are removed.",
  },
  "sql-engine-unavailable": {
    severity: "error",
    doc: "The engine could not be started or the --database-url server could not be reached (or a throw-away database/schema could not be created).",
  },
});

export const sqlDiag = diagnosticsFor(sqlCodes);
