/**
 * The destructive-change lint: findings of a schema diff that lose data, fail on existing rows,
 * or block writes on a live table. Errors unless `allowDestructive`, then warnings (still shown,
 * still in CHANGES.md). Each finding points at the design node that causes it.
 *
 * Rules (one function per change kind below):
 * - drop table / drop column: data loss.
 * - type narrowing: shorter varchar, text → varchar, bigint → integer, fewer decimal digits,
 *   timestamp → date, or any change between unrelated types (the USING cast may fail). Widening
 *   (longer, varchar → text, integer → bigint, anything → text) is safe.
 * - NOT NULL without default on an existing table: a new required column, or nullable → not
 *   null. (With a default, the migration backfills NULLs before SET NOT NULL, so it is safe.)
 * - unique added over existing data: a `unique` flag, a uniques entry, a unique index, or a new
 *   primary key on an existing table — except over new columns that are nullable without a
 *   default (every row NULL, and NULLs are distinct).
 * - enum value removed: the type is rebuilt; rows holding the value make it fail.
 * - index creation on an existing table (secondary indexes and foreign-key indexes): CREATE INDEX
 *   takes a SHARE lock for the whole build; suggest CONCURRENTLY, outside a transaction.
 */
import type { NEntity, NField } from "../../src/design/normalize.ts";
import { diagnosticsFor, type Diagnostic, type Severity } from "../../src/design/diagnostics.ts";
import { evolutionCodes } from "./codes.ts";
import { storedType, type EntityChange, type SchemaDiff } from "../migrations/schema-diff.ts";
import { hasLength, type DesignType } from "../../src/design/types.ts";

type TypeOf = Pick<NField, "type" | "maxLength" | "precision" | "scale" | "enum" | "items">;

const INT_DIGITS: Record<string, number> = { integer: 10, bigint: 19 };

/** True when every value of `before` fits `after` without loss or a failing cast. */
export function isWidening(before: TypeOf, after: TypeOf): boolean {
  const b = storedType(before) as {
    type: string;
    maxLength?: number;
    precision?: number;
    scale?: number;
    enum?: string;
    items?: TypeOf;
  };
  const a = storedType(after) as typeof b;
  if (JSON.stringify(b) === JSON.stringify(a)) return true;
  if (a.type === "text" && b.type !== "array" && b.type !== "json") return true;
  // Both lengths are resolved (storedType of a normalised field): a varchar widens when it does not shrink.
  if (hasLength(b.type as DesignType) && hasLength(a.type as DesignType)) return a.maxLength! >= b.maxLength!;
  if (b.type in INT_DIGITS && a.type in INT_DIGITS) return INT_DIGITS[a.type]! >= INT_DIGITS[b.type]!;
  if (b.type in INT_DIGITS && a.type === "decimal") return a.precision! - a.scale! >= INT_DIGITS[b.type]!;
  if (b.type === "decimal" && a.type === "decimal")
    return a.scale! >= b.scale! && a.precision! - a.scale! >= b.precision! - b.scale!;
  if (b.type === "date" && a.type === "timestamp") return true;
  if (b.type === "array" && a.type === "array") return isWidening(before.items as TypeOf, after.items as TypeOf);
  return false;
}

type Diag = (code: keyof typeof evolutionCodes, message: string, path: string) => Diagnostic;

function fieldsLabel(e: NEntity, names: readonly string[]): string {
  return names.map((n) => e.fields.find((f) => f.name === n)?.column ?? n).join(", ");
}

function lintEntity(c: EntityChange, d: Diag): Diagnostic[] {
  const out: Diagnostic[] = [];
  const t = c.after.table;
  const newFields = new Map(c.fields.added.map((a) => [a.item.name, a.item] as const));
  /** A unique over only new, nullable, default-less columns cannot meet a duplicate. */
  const safeUnique = (names: readonly string[]) =>
    names.every((n) => {
      const f = newFields.get(n);
      return f !== undefined && f.nullable && f.default === undefined;
    });

  for (const f of c.fields.removed) {
    out.push(
      d(
        "destructive-drop-column",
        `column ${t}.${f.column} (field ${c.before.name}.${f.name}) is dropped with its data; declare renamedFrom on the new field if it was renamed`,
        c.path,
      ),
    );
  }
  for (const { item: f, path } of c.fields.added) {
    if (!f.nullable && f.default === undefined) {
      out.push(
        d(
          "destructive-not-null-without-default",
          `new column ${t}.${f.column} is NOT NULL without a default: existing rows of ${t} have no value; add a default or make it nullable`,
          path,
        ),
      );
    }
    if (f.unique && !safeUnique([f.name]))
      out.push(
        d(
          "destructive-unique-added",
          `new column ${t}.${f.column} is unique but existing rows all get the same value`,
          path,
        ),
      );
  }
  for (const fc of c.fields.changed) {
    const col = `${t}.${fc.after.column}`;
    if (fc.type && !isWidening(fc.before, fc.after)) {
      out.push(
        d(
          "destructive-type-narrowing",
          `column ${col} changes from ${describe(fc.before)} to ${describe(fc.after)}: existing values may not fit`,
          fc.path,
        ),
      );
    }
    if (fc.nullable && !fc.after.nullable && fc.after.default === undefined) {
      out.push(
        d(
          "destructive-not-null-without-default",
          `column ${col} becomes NOT NULL without a default: existing NULLs make the migration fail; add a default (NULLs are then backfilled) or backfill first`,
          fc.path,
        ),
      );
    }
    if (fc.unique && fc.after.unique)
      out.push(
        d(
          "destructive-unique-added",
          `column ${col} becomes unique: existing duplicates make the migration fail`,
          fc.path,
        ),
      );
  }
  if (c.primaryKey && c.after.primaryKey.length > 0 && !safeUnique(c.after.primaryKey)) {
    out.push(
      d(
        "destructive-unique-added",
        `the primary key of ${t} changes to (${fieldsLabel(c.after, c.after.primaryKey)}): existing duplicates or NULLs make the migration fail`,
        `${c.path}/primaryKey`,
      ),
    );
  }
  for (const u of c.uniques.added) {
    if (!safeUnique(u.fields))
      out.push(
        d(
          "destructive-unique-added",
          `unique ${u.name} on ${t} (${fieldsLabel(c.after, u.fields)}) is added over existing rows: duplicates make the migration fail`,
          uniquePath(c, "uniques", u.name),
        ),
      );
  }
  for (const ix of c.indexes.added) {
    const path = uniquePath(c, "indexes", ix.name);
    if (ix.unique && !safeUnique(ix.fields))
      out.push(
        d(
          "destructive-unique-added",
          `unique index ${ix.name} on ${t} is built over existing rows: duplicates make the migration fail`,
          path,
        ),
      );
    out.push(
      d(
        "locking-index-creation",
        `CREATE INDEX ${ix.name} on existing table ${t} blocks writes while it builds; on a large table create it with CREATE INDEX CONCURRENTLY outside a transaction before deploying`,
        path,
      ),
    );
  }
  for (const fk of c.foreignKeys.added) {
    if (!fk.index) continue;
    const before = c.foreignKeys.removed.find((o) => o.index && JSON.stringify(o.fields) === JSON.stringify(fk.fields));
    if (before) continue; // same columns were already indexed
    const path = fk.fromField
      ? (c.fields.added.find((a) => a.item.name === fk.fields[0])?.path ??
        c.fields.changed.find((x) => x.after.name === fk.fields[0])?.path ??
        c.path)
      : uniquePath(c, "foreignKeys", fk.name);
    out.push(
      d(
        "locking-index-creation",
        `the index on foreign key ${t}(${fieldsLabel(c.after, fk.fields)}) is built on an existing table and blocks writes while it builds; on a large table create it CONCURRENTLY outside a transaction first`,
        path,
      ),
    );
  }
  return out;
}

function uniquePath(c: EntityChange, key: "uniques" | "indexes" | "foreignKeys", name: string): string {
  const declared = ((c.after as unknown as Record<string, Array<{ name: string }>>)[key] ?? []).findIndex(
    (x) => x.name === name,
  );
  return declared >= 0 ? `${c.path}/${key}/${declared}` : c.path;
}

function describe(f: TypeOf): string {
  const s = storedType(f) as { type: string; maxLength?: number; precision?: number; scale?: number; enum?: string };
  if (s.maxLength !== undefined) return `${s.type}(${s.maxLength})`;
  if (s.type === "decimal") return `decimal(${s.precision},${s.scale})`;
  if (s.enum) return `enum ${s.enum}`;
  return s.type;
}

/** Destructive findings of a schema diff; `allowDestructive` downgrades them to warnings. */
export function lintDestructive(diff: SchemaDiff, allowDestructive: boolean): Diagnostic[] {
  const make = diagnosticsFor(evolutionCodes);
  const severity: Severity = allowDestructive ? "warning" : "error";
  const d: Diag = (code, message, path) => make(code, message, path, severity);
  const out: Diagnostic[] = [];
  for (const e of diff.entities.removed) {
    out.push(
      d(
        "destructive-drop-table",
        `entity ${e.name} is removed: DROP TABLE ${e.table} deletes every row; declare renamedFrom on its successor if it was renamed`,
        "/data/entities",
      ),
    );
  }
  for (const c of diff.entities.changed) out.push(...lintEntity(c, d));
  for (const c of diff.enums.changed) {
    for (const v of c.removed)
      out.push(
        d(
          "destructive-enum-value-removed",
          `value ${v} is removed from enum ${c.after.name}: the type is rebuilt and rows holding ${v} make the migration fail; migrate them first`,
          "/data/enums",
        ),
      );
  }
  return out;
}
