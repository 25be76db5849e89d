/**
 * The schema diff of two normalised designs: enums, entities, fields, keys, uniques, checks,
 * foreign keys and indexes added, removed, renamed or changed. Renames come only from
 * `renamedFrom` on entities, fields and enums (declared, never guessed, so a CI build needs no prompt).
 *
 * Everything of the old design is first translated into the new design's names (entity and
 * field renames applied), then compared by identity: an index or constraint whose definition
 * only changed because a field it covers was renamed is unchanged, since Postgres carries
 * indexes and constraints across a column rename.
 */
import type { NDesign, NEntity, NField, NForeignKey } from "../../src/design/normalize.ts";
import { resolveDefaults } from "../../src/design/normalize.ts";
import { hasLength } from "../../src/design/types.ts";
import type { EnumDef, Index } from "../../src/design/schema.ts";
import { pointer, type Diagnostic } from "../../src/design/diagnostics.ts";
import { migrationDiag } from "./codes.ts";

type Unique = NEntity["uniques"][number];
type Check = NEntity["checks"][number];

interface FieldChange {
  before: NField;
  after: NField;
  /** JSON pointer of the field in the new design. */
  path: string;
  /** The field name changed (`renamedFrom`). */
  renamed: boolean;
  /** The column name changed. */
  column: boolean;
  /** The stored type changed (type, length, precision, scale, enum, array items). */
  type: boolean;
  nullable: boolean;
  default: boolean;
  /** The single-column `unique` flag changed. */
  unique: boolean;
  description: boolean;
}

interface Added<T> {
  item: T;
  path: string;
}

interface SetDiff<T> {
  added: T[];
  removed: T[];
}

export interface EntityChange {
  before: NEntity;
  after: NEntity;
  /** JSON pointer of the entity in the new design. */
  path: string;
  renamed: boolean;
  /** The table name changed (entity rename or `table` override). */
  table: boolean;
  description: boolean;
  fields: { added: Added<NField>[]; removed: NField[]; changed: FieldChange[] };
  primaryKey: boolean;
  uniques: SetDiff<Unique>;
  indexes: SetDiff<Index>;
  checks: SetDiff<Check>;
  foreignKeys: SetDiff<NForeignKey>;
}

interface EnumChange {
  before: EnumDef;
  after: EnumDef;
  /** The enum name changed (`renamedFrom`): the Postgres type is renamed. */
  renamed: boolean;
  added: string[];
  removed: string[];
  /** Values kept but in another order (Postgres sorts enums by declaration order). */
  reordered: boolean;
  description: boolean;
}

export interface SchemaDiff {
  enums: { added: EnumDef[]; removed: EnumDef[]; changed: EnumChange[] };
  entities: { added: Added<NEntity>[]; removed: NEntity[]; changed: EntityChange[] };
  /** Ignored `renamedFrom` declarations. */
  diagnostics: Diagnostic[];
}

/** Canonical JSON of a value (object keys sorted), for structural equality. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortDeep((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/**
 * The stored type of a field as the database sees it: its resolved type without what only the
 * API checks (minLength, bounds, pattern). Normalisation resolved lengths and precision, so an
 * implicit default and the same value stated explicitly are one type.
 */
export function storedType(f: Pick<NField, "type" | "maxLength" | "precision" | "scale" | "enum" | "items">): unknown {
  return {
    type: f.type,
    ...(hasLength(f.type) ? { maxLength: f.maxLength } : {}),
    ...(f.type === "decimal" ? { precision: f.precision, scale: f.scale } : {}),
    ...(f.type === "enum" ? { enum: f.enum } : {}),
    ...(f.type === "array" && f.items
      ? { items: storedType({ ...f.items, type: f.items.type as NField["type"] }) }
      : {}),
  };
}

/**
 * Pairs each new item with its old self: by name, else by `renamedFrom` when the old name
 * exists in the old list and is no longer used in the new one. Returns new → old.
 */
function pairByName<T extends { name: string; renamedFrom?: string }>(
  before: readonly T[],
  after: readonly T[],
  at: (i: number) => string,
  what: string,
  out: Diagnostic[],
): Map<T, T> {
  const old = new Map(before.map((x) => [x.name, x] as const));
  const newNames = new Set(after.map((x) => x.name));
  const pairs = new Map<T, T>();
  const claimed = new Set<string>();
  after.forEach((x) => {
    const o = old.get(x.name);
    if (o) {
      pairs.set(x, o);
      claimed.add(x.name);
    }
  });
  after.forEach((x, i) => {
    if (pairs.has(x) || !x.renamedFrom) return;
    const o = old.get(x.renamedFrom);
    if (!o || newNames.has(x.renamedFrom) || claimed.has(x.renamedFrom)) {
      out.push(
        migrationDiag(
          "stale-renamed-from",
          `${what} ${x.name}: renamedFrom ${x.renamedFrom} ${!o ? "did not exist in the previous design" : "is still in use"}; ignored`,
          at(i) + "/renamedFrom",
        ),
      );
      return;
    }
    pairs.set(x, o);
    claimed.add(x.renamedFrom);
  });
  return pairs;
}

/** Old entity/field/enum names → new ones, so old definitions can be compared in new terms. */
interface Renames {
  entity: Map<string, string>;
  /** old enum name → new enum name */
  enums: Map<string, string>;
  /** old entity name → (old field name → new field name) */
  fields: Map<string, Map<string, string>>;
}

const mapField = (r: Renames, oldEntity: string, field: string) => r.fields.get(oldEntity)?.get(field) ?? field;

function translateIndex(ix: Index, r: Renames, entity: string): Index {
  return {
    ...ix,
    fields: ix.fields.map((f) => mapField(r, entity, f)),
    ...(ix.where
      ? {
          where: ix.where.map((p) => ({
            ...p,
            field: mapField(r, entity, p.field),
            ...(p.otherField ? { otherField: mapField(r, entity, p.otherField) } : {}),
          })),
        }
      : {}),
  };
}

function translateFk(fk: NForeignKey, r: Renames, entity: string): NForeignKey {
  const fields = fk.fields.map((f) => mapField(r, entity, f));
  return {
    ...fk,
    fields,
    entity: r.entity.get(fk.entity) ?? fk.entity,
    references: fk.references.map((f) => mapField(r, fk.entity, f)),
  };
}

/** What identifies a constraint or index across versions: its name, or the field of a `references`. */
const fkKey = (fk: NForeignKey) => (fk.fromField ? `field:${fk.fields[0]}` : `name:${fk.name}`);
const fkDefinition = (fk: NForeignKey) => ({
  fields: fk.fields,
  entity: fk.entity,
  references: fk.references,
  onDelete: fk.onDelete,
  onUpdate: fk.onUpdate,
  index: fk.index,
});
const ixDefinition = (ix: Index) => ({
  fields: ix.fields,
  unique: ix.unique ?? false,
  where: ix.where ?? [],
  method: ix.method ?? "btree",
});
const checkDefinition = (c: Check) => ({
  field: c.field,
  operator: c.operator,
  value: c.value,
  otherField: c.otherField,
});

function setDiff<T>(
  before: readonly T[],
  after: readonly T[],
  key: (x: T) => string,
  definition: (x: T) => unknown,
): SetDiff<T> {
  const old = new Map(before.map((x) => [key(x), x] as const));
  const now = new Map(after.map((x) => [key(x), x] as const));
  const added: T[] = [];
  const removed: T[] = [];
  for (const [k, x] of now) {
    const o = old.get(k);
    if (!o) added.push(x);
    else if (!same(definition(o), definition(x))) {
      removed.push(o);
      added.push(x);
    }
  }
  for (const [k, o] of old) if (!now.has(k)) removed.push(o);
  return { added, removed };
}

/** The old field with the enum it stores (or stores an array of) in new names. */
function renameEnumOf(f: NField, r: Renames): NField {
  const to = (name: string | undefined) => (name !== undefined ? (r.enums.get(name) ?? name) : undefined);
  return {
    ...f,
    ...(f.enum !== undefined ? { enum: to(f.enum)! } : {}),
    ...(f.items?.enum !== undefined ? { items: { ...f.items, enum: to(f.items.enum)! } } : {}),
  };
}

function diffEntity(before: NEntity, after: NEntity, path: string, r: Renames, out: Diagnostic[]): EntityChange {
  const fieldPairs = pairByName(before.fields, after.fields, (i) => `${path}/fields/${i}`, `field ${after.name}`, out);
  const pairedOld = new Set(fieldPairs.values());
  const added: Added<NField>[] = [];
  const changed: FieldChange[] = [];
  after.fields.forEach((f, i) => {
    const o = fieldPairs.get(f);
    const fpath = `${path}/fields/${i}`;
    if (!o) {
      added.push({ item: f, path: fpath });
      return;
    }
    const c: FieldChange = {
      before: o,
      after: f,
      path: fpath,
      renamed: o.name !== f.name,
      column: o.column !== f.column,
      type: !same(storedType(renameEnumOf(o, r)), storedType(f)),
      nullable: o.nullable !== f.nullable,
      default: !same(o.default, f.default),
      unique: (o.unique ?? false) !== (f.unique ?? false),
      description: (o.description ?? "") !== (f.description ?? ""),
    };
    if (c.renamed || c.column || c.type || c.nullable || c.default || c.unique || c.description) changed.push(c);
  });
  const removed = before.fields.filter((f) => !pairedOld.has(f));
  const oldName = before.name;
  return {
    before,
    after,
    path,
    renamed: before.name !== after.name,
    table: before.table !== after.table,
    description: (before.description ?? "") !== (after.description ?? ""),
    fields: { added, removed, changed },
    primaryKey: !same(
      before.primaryKey.map((f) => mapField(r, oldName, f)),
      after.primaryKey,
    ),
    uniques: setDiff(
      before.uniques.map((u) => ({ ...u, fields: u.fields.map((f) => mapField(r, oldName, f)) })),
      after.uniques,
      (u) => u.name,
      (u) => u.fields,
    ),
    indexes: setDiff(
      before.indexes.map((ix) => translateIndex(ix, r, oldName)),
      after.indexes,
      (ix) => ix.name,
      ixDefinition,
    ),
    checks: setDiff(
      before.checks.map((c) => ({
        ...c,
        field: mapField(r, oldName, c.field),
        ...(c.otherField ? { otherField: mapField(r, oldName, c.otherField) } : {}),
      })),
      after.checks,
      (c) => c.name,
      checkDefinition,
    ),
    foreignKeys: setDiff(
      before.foreignKeys.map((fk) => translateFk(fk, r, oldName)),
      after.foreignKeys,
      fkKey,
      fkDefinition,
    ),
  };
}

function hasChanges(c: EntityChange): boolean {
  return (
    c.renamed ||
    c.table ||
    c.description ||
    c.primaryKey ||
    c.fields.added.length + c.fields.removed.length + c.fields.changed.length > 0 ||
    [c.uniques, c.indexes, c.checks, c.foreignKeys].some((s) => s.added.length + s.removed.length > 0)
  );
}

/** The schema difference between two designs (either may be an older `design.json`: its type defaults are resolved first). */
export function diffSchemas(previous: NDesign, current: NDesign): SchemaDiff {
  const before = resolveDefaults(previous);
  const after = resolveDefaults(current);
  const out: Diagnostic[] = [];
  const entityPairs = pairByName(
    before.data.entities,
    after.data.entities,
    (i) => pointer("data", "entities", i),
    "entity",
    out,
  );
  const enumPairs = pairByName(before.data.enums, after.data.enums, (i) => pointer("data", "enums", i), "enum", out);
  const renames: Renames = {
    entity: new Map(),
    fields: new Map(),
    enums: new Map([...enumPairs].map(([now, old]) => [old.name, now.name])),
  };
  for (const [now, old] of entityPairs) {
    renames.entity.set(old.name, now.name);
    const fields = new Map<string, string>();
    // Field pairing is repeated in diffEntity (with diagnostics); here only the name map is needed.
    const scratch: Diagnostic[] = [];
    for (const [nf, of] of pairByName(old.fields, now.fields, () => "", "", scratch)) fields.set(of.name, nf.name);
    renames.fields.set(old.name, fields);
  }
  const pairedOld = new Set(entityPairs.values());
  const added: Added<NEntity>[] = [];
  const changed: EntityChange[] = [];
  after.data.entities.forEach((e, i) => {
    const o = entityPairs.get(e);
    const path = pointer("data", "entities", i);
    if (!o) added.push({ item: e, path });
    else {
      const c = diffEntity(o, e, path, renames, out);
      if (hasChanges(c)) changed.push(c);
    }
  });
  const removed = before.data.entities.filter((e) => !pairedOld.has(e));

  const pairedOldEnums = new Set(enumPairs.values());
  const enumChanges: EnumChange[] = [];
  for (const now of after.data.enums) {
    const old = enumPairs.get(now);
    if (!old) continue;
    const addedValues = now.values.filter((v) => !old.values.includes(v));
    const removedValues = old.values.filter((v) => !now.values.includes(v));
    const keptOld = old.values.filter((v) => now.values.includes(v));
    const keptNew = now.values.filter((v) => old.values.includes(v));
    const c: EnumChange = {
      before: old,
      after: now,
      renamed: old.name !== now.name,
      added: addedValues,
      removed: removedValues,
      reordered: !same(keptOld, keptNew),
      description: (old.description ?? "") !== (now.description ?? ""),
    };
    if (c.renamed || c.added.length || c.removed.length || c.reordered || c.description) enumChanges.push(c);
  }
  return {
    enums: {
      added: after.data.enums.filter((e) => !enumPairs.has(e)),
      removed: before.data.enums.filter((e) => !pairedOldEnums.has(e)),
      changed: enumChanges,
    },
    entities: { added, removed, changed },
    diagnostics: out,
  };
}

export function isEmptyDiff(d: SchemaDiff): boolean {
  return (
    d.enums.added.length + d.enums.removed.length + d.enums.changed.length === 0 &&
    d.entities.added.length + d.entities.removed.length + d.entities.changed.length === 0
  );
}
