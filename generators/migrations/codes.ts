import { defineCodes, diagnosticsFor } from "../../src/design/diagnostics.ts";

/**
 * Codes of the migrations (the SQL artifact): the initial and next plans, the parser and engine
 * checks, and the history (lock file, released design, chain).
 */
export const migrationCodes = defineCodes({
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
  // ---- the next migration ----
  "evolution-unsupported-change": {
    severity: "error",
    doc: "The design changes something contractor cannot migrate in place (an identity column turned on or off). Add a new field instead and drop the old one later.",
  },
  "enum-value-used-in-same-migration": {
    severity: "error",
    doc: "A value added to an enum is used (default, check or partial index) by the same migration; Postgres cannot use a value added by ALTER TYPE … ADD VALUE before its transaction commits. Add the value in one build and use it in the next.",
  },
  "stale-renamed-from": {
    severity: "warning",
    doc: "`renamedFrom` names something that did not exist in the previous design, or whose name is still in use; it is ignored. Remove it once the rename has shipped.",
  },
  // ---- history (lock file, released design) ----
  "migration-tampered": {
    severity: "error",
    doc: "An earlier migration differs from the checksum in migrations/contractor.lock.json. Migrations already written are never rewritten: restore the file (git checkout) and express the change in the design.",
  },
  "migration-missing": {
    severity: "error",
    doc: "A migration listed in migrations/contractor.lock.json is missing from the out dir. Restore it from version control; contractor never regenerates an earlier migration.",
  },
  "migration-lock-unreadable": {
    severity: "error",
    doc: "migrations/contractor.lock.json is not the JSON contractor wrote. Restore it from version control.",
  },
  "previous-design-unreadable": {
    severity: "error",
    doc: "design.json (the design of the previous build) or design.released.json (the design at the last release) is missing or not readable — not JSON contractor wrote, a newer format (written by a newer contractor: upgrade), or a design this contractor rejects — but migrations exist; the next migration cannot be computed. Restore it from version control.",
  },
  "migration-chain-differs": {
    severity: "error",
    doc: "Applied in order on the engine, the migrations of the out dir give a different schema than the design's own fresh migration: an earlier migration was edited (its lock hash updated with it, or it would be migration-tampered). The message names the first differing object; restore the migration from version control and express the change in the design.",
  },
  "migrations-format-changed": {
    severity: "error",
    doc: "--migrations-format differs from the format the existing migrations were written in (see the lock file). Keep the original format.",
  },
});

export const migrationDiag = diagnosticsFor(migrationCodes);
