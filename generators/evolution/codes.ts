import { defineCodes } from "../../src/design/diagnostics.ts";

/**
 * Codes of design evolution: the destructive-change lint (errors unless `--allow-destructive`,
 * then warnings), the migration history (lock file, tampering) and the API change report.
 */
export const evolutionCodes = defineCodes({
  // ---- destructive-change lint ----
  "destructive-drop-table": {
    severity: "error",
    doc: "The next migration drops a table and every row in it. Keep the entity (or declare `renamedFrom` if it was renamed), or pass --allow-destructive once the data is migrated or expendable.",
  },
  "destructive-drop-column": {
    severity: "error",
    doc: "The next migration drops a column and its data. Declare `renamedFrom` on the new field if it was renamed, or pass --allow-destructive once readers no longer use it.",
  },
  "destructive-type-narrowing": {
    severity: "error",
    doc: "A column type narrows (shorter varchar, smaller integer, fewer decimal digits, or an incompatible type): existing values may not fit and the ALTER fails or truncates. Widen instead, or backfill and pass --allow-destructive.",
  },
  "destructive-not-null-without-default": {
    severity: "error",
    doc: "A NOT NULL column without a default is added to (or made NOT NULL on) an existing table: existing rows have no value and the migration fails. Give the field a default, make it nullable, or backfill and pass --allow-destructive.",
  },
  "destructive-unique-added": {
    severity: "error",
    doc: "A unique constraint or unique index is added over existing data: duplicates make the migration fail. Deduplicate first, then pass --allow-destructive.",
  },
  "destructive-enum-value-removed": {
    severity: "error",
    doc: "An enum value is removed: Postgres cannot drop an enum value, so the type is rebuilt and rows holding the value make the migration fail. Migrate those rows first, then pass --allow-destructive.",
  },
  "locking-index-creation": {
    severity: "error",
    doc: "CREATE INDEX on an existing table blocks writes to it for the whole build of the index. For a large table run `CREATE INDEX CONCURRENTLY` by hand outside a transaction before deploying; pass --allow-destructive when the table is small.",
  },
  "enum-value-used-in-same-migration": {
    severity: "error",
    doc: "A value added to an enum is used (default, check or partial index) by the same migration; Postgres cannot use a value added by ALTER TYPE … ADD VALUE before its transaction commits. Add the value in one build and use it in the next.",
  },
  "evolution-unsupported-change": {
    severity: "error",
    doc: "The design changes something contractor cannot migrate in place (an identity column turned on or off). Add a new field instead and drop the old one later.",
  },
  "stale-renamed-from": {
    severity: "warning",
    doc: "`renamedFrom` names something that did not exist in the previous design, or whose name is still in use; it is ignored. Remove it once the rename has shipped.",
  },
  // ---- history ----
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
  // ---- API changes ----
  "api-breaking-change": {
    severity: "warning",
    doc: "The new OpenAPI document breaks existing clients (removed operation or response property, new required input, narrowed type, changed auth, removed status). `contractor diff` fails on it unless --allow-breaking; consider a new API version.",
  },
});

export type EvolutionCode = keyof typeof evolutionCodes;
