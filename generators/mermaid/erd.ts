/**
 * Entity-relationship diagrams (Mermaid `erDiagram`, https://mermaid.js.org/syntax/entityRelationshipDiagram.html):
 * every entity with its columns, types and PK/FK/UK markers, and one relationship per foreign
 * key, its cardinality read from nullability (parent side) and uniqueness (child side).
 * A model is built first (`ErModel`) and serialised in one place (`serializeErd`).
 */
import type { NDesign, NEntity, NField, NForeignKey } from "../../src/design/normalize.ts";
import { sqlType } from "../../src/design/types.ts";
import { generatedHeader } from "../../src/core/artifact.ts";
import { diagram, quoted } from "./text.ts";

type Key = "PK" | "FK" | "UK";
interface ErAttribute {
  type: string;
  name: string;
  keys: Key[];
  comment?: string;
}
interface ErEntity {
  name: string;
  attributes: ErAttribute[];
  /** Owned by another service: drawn as a bare box labelled with its owner. */
  externalOwner?: string;
}
interface ErRelation {
  parent: string;
  child: string;
  /** Parent side: exactly one (`||`) or, for nullable foreign keys, zero or one (`|o`). */
  parentCardinality: "||" | "|o";
  /** Child side: zero or more (`o{`), or zero or one (`o|`) when the key columns are unique. */
  childCardinality: "o{" | "o|";
  /** The key columns are part of the child's primary key (drawn `--` rather than `..`). */
  identifying: boolean;
  label: string;
}
interface ErModel {
  entities: ErEntity[];
  relations: ErRelation[];
}

/** Words the erDiagram lexer reads as keywords wherever an entity name stands (case-insensitive). */
const ER_KEYWORDS = new Set([
  "erdiagram",
  "style",
  "classdef",
  "class",
  "subgraph",
  "end",
  "one",
  "many",
  "only",
  "to",
  "optionally",
  "zero",
  "direction",
  "u",
]);

/** The diagram id of an entity: its name, or `entity_<Name>` when Mermaid would read the name as a keyword. */
export function entityId(name: string): string {
  return ER_KEYWORDS.has(name.toLowerCase()) ? `entity_${name}` : name;
}

/** A column name as an erDiagram attribute word; anything else is aliased and the real name kept in the comment. */
function attributeName(column: string): { name: string; aliased: boolean } {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(column) && !/^(PK|FK|UK)$/i.test(column)) return { name: column, aliased: false };
  const safe = column.replace(/[^A-Za-z0-9_]/g, "_");
  return { name: /^[A-Za-z_]/.test(safe) ? `${safe}_` : `_${safe}`, aliased: true };
}

// An enum shows its own name; one named like a key marker (Pk, FK…) would be read as one: aliased.
const ERD_NAMES = { enumType: (name: string) => (/^(pk|fk|uk)$/i.test(name) ? `enum_${name}` : name) };

/** A field's type as one erDiagram type word: the column type of the migration, the enum name for enums. */
export function columnType(field: NField): string {
  return sqlType(field, ERD_NAMES);
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** The key columns are unique in the child: its primary key, a unique constraint, a unique field, or a full unique index. */
function uniqueKey(entity: NEntity, fields: readonly string[]): boolean {
  if (sameSet(fields, entity.primaryKey)) return true;
  if (fields.length === 1 && entity.fields.some((f) => f.name === fields[0] && f.unique)) return true;
  if (entity.uniques.some((u) => sameSet(u.fields, fields))) return true;
  return entity.indexes.some((i) => i.unique && !i.where && sameSet(i.fields, fields));
}

function attributes(entity: NEntity): ErAttribute[] {
  const fkFields = new Set(entity.foreignKeys.flatMap((fk) => fk.fields));
  return entity.fields.map((f) => {
    const keys: Key[] = [];
    if (entity.primaryKey.includes(f.name)) keys.push("PK");
    if (fkFields.has(f.name)) keys.push("FK");
    if (!entity.primaryKey.includes(f.name) && uniqueKey(entity, [f.name])) keys.push("UK");
    const { name, aliased } = attributeName(f.column);
    const notes = [...(aliased ? [`column ${f.column}`] : []), ...(f.nullable ? ["nullable"] : [])];
    return { type: columnType(f), name, keys, ...(notes.length ? { comment: notes.join(", ") } : {}) };
  });
}

function relation(child: NEntity, fk: NForeignKey): ErRelation {
  const fields = fk.fields
    .map((n) => child.fields.find((f) => f.name === n))
    .filter((f): f is NField => f !== undefined);
  return {
    parent: fk.entity,
    child: child.name,
    parentCardinality: fields.length > 0 && fields.every((f) => f.nullable) ? "|o" : "||",
    childCardinality: uniqueKey(child, fk.fields) ? "o|" : "o{",
    identifying: fk.fields.every((n) => child.primaryKey.includes(n)),
    label: fk.relationship ?? fields.map((f) => f.column).join(", "),
  };
}

function serializeErd(model: ErModel): string {
  const out = ["erDiagram"];
  for (const e of model.entities) {
    const id = entityId(e.name);
    if (e.externalOwner !== undefined) {
      out.push(`  ${id}[${quoted(`${e.name} (${e.externalOwner})`)}]`);
      continue;
    }
    out.push(id === e.name ? `  ${id} {` : `  ${id}[${quoted(e.name)}] {`);
    for (const a of e.attributes) {
      const keys = a.keys.length ? ` ${a.keys.join(", ")}` : "";
      out.push(`    ${a.type} ${a.name}${keys}${a.comment ? ` ${quoted(a.comment)}` : ""}`);
    }
    out.push("  }");
  }
  for (const r of model.relations) {
    out.push(
      `  ${entityId(r.parent)} ${r.parentCardinality}${r.identifying ? "--" : ".."}${r.childCardinality} ${entityId(r.child)} : ${quoted(r.label)}`,
    );
  }
  const external = model.entities.filter((e) => e.externalOwner !== undefined);
  if (external.length > 0) {
    out.push("  classDef external fill:#f4f4f5,stroke:#a1a1aa,stroke-dasharray:4 4");
    out.push(`  class ${external.map((e) => entityId(e.name)).join(",")} external`);
  }
  return diagram(generatedHeader("%%"), out);
}

/**
 * The ERD of the whole design (`diagrams/erd.mmd`): every entity, every foreign key.
 * Pure and deterministic (declaration order); the Markdown generator embeds the same text.
 */
export function erdDiagram(design: NDesign): string {
  const entities = design.data.entities;
  return serializeErd({
    entities: entities.map((e) => ({ name: e.name, attributes: attributes(e) })),
    relations: entities.flatMap((e) => e.foreignKeys.map((fk) => relation(e, fk))),
  });
}

/** Services that own at least one entity, with their entity names, in architecture order. */
export function servicesWithEntities(design: NDesign): Array<{ name: string; entities: string[] }> {
  return (design.architecture?.services ?? [])
    .filter((s) => (s.entities ?? []).length > 0)
    .map((s) => ({ name: s.name, entities: [...s.entities!] }));
}

/**
 * The ERD of one service (`diagrams/erd-<service>.mmd`): the entities it owns, plus each
 * entity they reference that another service owns, drawn as a dashed box naming its owner.
 */
export function serviceErdDiagram(design: NDesign, serviceName: string): string {
  const services = design.architecture?.services ?? [];
  const owned = new Set(services.find((s) => s.name === serviceName)?.entities ?? []);
  const ownerOf = new Map(services.flatMap((s) => (s.entities ?? []).map((e) => [e, s.name] as const)));
  const mine = design.data.entities.filter((e) => owned.has(e.name));
  const relations = mine.flatMap((e) => e.foreignKeys.map((fk) => relation(e, fk)));
  const referenced = new Set(relations.map((r) => r.parent).filter((p) => !owned.has(p)));
  const external = design.data.entities.filter((e) => referenced.has(e.name));
  return serializeErd({
    entities: [
      ...mine.map((e) => ({ name: e.name, attributes: attributes(e) })),
      ...external.map((e) => ({
        name: e.name,
        attributes: [],
        externalOwner: ownerOf.has(e.name) ? `${ownerOf.get(e.name)} service` : "shared",
      })),
    ],
    relations,
  });
}
