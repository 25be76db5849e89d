import { defineCodes } from "../../src/design/diagnostics.ts";

/**
 * Codes of the evolution report: the destructive-change lint (errors unless `--allow-destructive`,
 * then warnings) and the API change report.
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
  // ---- API changes ----
  "api-breaking-change": {
    severity: "warning",
    doc: "The new OpenAPI document breaks existing clients (removed operation or response property, new required input, narrowed type, changed auth, removed status). `contractor diff` fails on it unless --allow-breaking; consider a new API version.",
  },
});

export type EvolutionCode = keyof typeof evolutionCodes;
