/**
 * Design types → OpenAPI 3.0.3 Schema Objects (§4.7.24), one function per portable type in a
 * typed table, plus the named component schemas: entity shapes (`X`, `XCreate`, `XUpdate`),
 * payloads, enums, `<X>Page` envelopes, `ErrorCode`, `Problem` (RFC 9457) and `ProblemFieldError`.
 *
 * Decisions (documented here because clients depend on them):
 * - Read shape `X`: every read-visible field is `required` — the server always sends it, `null`
 *   when nullable — so Swift/Kotlin models get non-optional properties. (With a `fields`
 *   selection, unselected properties are omitted; see the parameter's description.)
 * - `XCreate`: required = create-visible fields that are non-nullable and have no default.
 * - `XUpdate`: nothing required (PATCH semantics: absent = unchanged, `null` clears a nullable field).
 * - `decimal` is a string with a pattern bounded by precision/scale (`format: decimal`), so money
 *   never passes through a binary float; bounds travel as `x-minimum` / `x-maximum`.
 * - `nullable` the 3.0 way; a nullable `$ref` becomes `{ type, nullable: true, allOf: [$ref] }`.
 */
import type { OpenAPIV3 } from "openapi-types";
import type { NDesign, NEntity, NField } from "../../src/design/normalize.ts";
import { shapeFields, shapeName, requiredOnCreate, findEntity } from "../../src/design/normalize.ts";
import type { Payload, Property, Shape, Parameter } from "../../src/design/schema.ts";
import { openapiValueSchema, scaleOf, type TypeSpec } from "../../src/design/types.ts";
import { assert } from "../../src/design/diagnostics.ts";

export type Schema = OpenAPIV3.SchemaObject;
export type Ref = OpenAPIV3.ReferenceObject;
export type SchemaOrRef = Schema | Ref;
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export const ref = (kind: "schemas" | "parameters" | "headers" | "responses", name: string): Ref => ({
  $ref: `#/components/${kind}/${name}`,
});

export type { TypeSpec };

export interface SchemaContext {
  readonly design: NDesign;
  /** Component names of the design's enums, entities and payloads. */
  readonly enums: ReadonlySet<string>;
  readonly payloads: ReadonlyMap<string, Payload>;
}

export function schemaContext(design: NDesign): SchemaContext {
  return {
    design,
    enums: new Set(design.data.enums.map((e) => e.name)),
    payloads: new Map(design.schemas.map((p) => [p.name, p] as const)),
  };
}

/** The value schema of a scalar type, from the portable-type table. */
const scalar = (t: TypeSpec): Schema => {
  const s = openapiValueSchema(t);
  assert(s, `${t.type} has no scalar schema`);
  return s as Schema;
};

/** One schema builder per portable type (a missing type is a compile error). */
const TYPE_SCHEMAS: Record<TypeSpec["type"], (t: TypeSpec, ctx: SchemaContext) => SchemaOrRef> = {
  string: scalar,
  text: scalar,
  integer: scalar,
  bigint: scalar,
  decimal: scalar,
  boolean: scalar,
  uuid: scalar,
  email: scalar,
  url: scalar,
  date: scalar,
  timestamp: scalar,
  json: scalar,
  enum: (t) => {
    assert(t.enum, "enum type without an enum name passed semantic checks");
    return ref("schemas", t.enum);
  },
  ref: (t, ctx) => {
    assert(t.ref, "ref type without a target passed semantic checks");
    // An entity reference means its read shape, which carries the entity's own name.
    assert(ctx.payloads.has(t.ref) || findEntity(ctx.design, t.ref), `ref to unknown schema ${t.ref}`);
    return ref("schemas", t.ref);
  },
  array: (t, ctx) => {
    assert(t.items, "array type without items passed semantic checks");
    return { type: "array", items: typeSchema({ ...t.items }, ctx) };
  },
};

/** The schema of a type, without nullability or documentation. */
export function typeSchema(t: TypeSpec, ctx: SchemaContext): SchemaOrRef {
  return TYPE_SCHEMAS[t.type](t, ctx);
}

function isRef(s: SchemaOrRef): s is Ref {
  return "$ref" in s;
}

/** The `type` of what a $ref names (for the `nullable` type sibling 3.0 tools expect). */
function refType(t: TypeSpec): OpenAPIV3.NonArraySchemaObjectType {
  return t.type === "enum" ? "string" : "object";
}

/** A property schema: type + nullable + description + extras, never a $ref with siblings. */
export function propertySchema(
  t: TypeSpec,
  ctx: SchemaContext,
  extra: { nullable?: boolean; description?: string; default?: Json; example?: Json },
): SchemaOrRef {
  const base = typeSchema(t, ctx);
  const doc: Record<string, unknown> = {
    ...(extra.description ? { description: extra.description } : {}),
    ...(extra.default !== undefined ? { default: extra.default } : {}),
    ...(extra.example !== undefined ? { example: extra.example } : {}),
  };
  if (isRef(base)) {
    if (!extra.nullable && Object.keys(doc).length === 0) return base;
    return { ...(extra.nullable ? { type: refType(t), nullable: true } : {}), allOf: [base], ...doc } as Schema;
  }
  // A type-less schema (json: any value) admits null already; `nullable` needs a `type` sibling.
  const nullable = extra.nullable && "type" in base;
  return { ...base, ...(nullable ? { nullable: true } : {}), ...doc } as Schema;
}

// ---- examples: deterministic, from design examples, literal defaults or the type ----

/** FNV-1a, for stable example UUIDs that differ per name. */
function hashHex(text: string): string {
  let out = "";
  for (let round = 0; round < 4; round++) {
    let h = 0x811c9dc5 ^ round;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out;
}
const exampleUuid = (seed: string) => {
  const h = hashHex(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const clampNumber = (t: TypeSpec, v: number) => Math.min(t.maximum ?? Infinity, Math.max(t.minimum ?? -Infinity, v));
const fitString = (t: TypeSpec, base: string) => {
  let s = base || "x";
  while (s.length < (t.minLength ?? 0)) s += base || "x";
  return s.slice(0, t.maxLength ?? s.length);
};

const TYPE_EXAMPLES: Record<TypeSpec["type"], (t: TypeSpec, name: string, ex: Examples) => Json> = {
  string: (t, name) => fitString(t, name),
  text: (t, name) => fitString(t, `Some ${name}.`),
  integer: (t) => Math.round(clampNumber(t, 1)),
  bigint: (t) => Math.round(clampNumber(t, 1)),
  decimal: (t) => clampNumber(t, 1).toFixed(scaleOf(t)),
  boolean: () => true,
  uuid: (_t, name) => exampleUuid(name),
  email: (t) => fitString(t, "ada@example.com"),
  url: (_t, name) => `https://example.com/${name.toLowerCase()}`,
  date: () => "2026-01-15",
  timestamp: () => "2026-01-15T09:30:00Z",
  json: () => ({}),
  enum: (t, _name, ex) => ex.schema(t.enum!),
  ref: (t, _name, ex) => ex.schema(t.ref!),
  array: (t, name, ex) => [ex.value({ ...t.items! }, name, undefined)],
};

/** Converts a design example or literal default to the JSON the schema expects. */
function coerce(t: TypeSpec, v: string | number | boolean): Json {
  if (t.type === "decimal") return typeof v === "number" ? v.toFixed(scaleOf(t)) : String(v);
  if ((t.type === "integer" || t.type === "bigint") && typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
  if (["string", "text", "uuid", "email", "url", "date", "timestamp", "enum"].includes(t.type) && typeof v !== "string")
    return String(v);
  return v;
}

/** Memoised examples of component schemas, with a guard against reference cycles. */
export class Examples {
  private readonly memo = new Map<string, Json>();
  private readonly active = new Set<string>();
  private readonly build: (name: string) => Json;
  constructor(build: (name: string) => Json) {
    this.build = build;
  }
  schema(name: string): Json {
    const hit = this.memo.get(name);
    if (hit !== undefined) return hit;
    if (this.active.has(name)) return null; // a cycle: cut it (only reachable through nullable / optional data in sane designs)
    this.active.add(name);
    const value = this.build(name);
    this.active.delete(name);
    this.memo.set(name, value);
    return value;
  }
  value(t: TypeSpec, name: string, given: string | number | boolean | undefined): Json {
    return given !== undefined ? coerce(t, given) : TYPE_EXAMPLES[t.type](t, name, this);
  }
}

const literal = (f: { default?: { kind: string; value?: string | number | boolean } }) =>
  f.default?.kind === "literal" ? f.default.value : undefined;

function fieldExample(f: NField, ex: Examples): Json {
  // Generated nullable columns (the deletedAt tombstone) are null on a live row.
  if (f.generated && f.nullable && f.example === undefined) return null;
  return ex.value(f, f.name, f.example ?? literal(f));
}

// ---- component schemas ----

/** An entity's visibility shape as a named object schema. */
export function entityShapeSchema(entity: NEntity, shape: Shape, ctx: SchemaContext, ex: Examples): Schema {
  const fields = shapeFields(entity, shape);
  const properties: Record<string, SchemaOrRef> = {};
  const example: Record<string, Json> = {};
  for (const f of fields) {
    const lit = literal(f);
    properties[f.name] = propertySchema(f, ctx, {
      nullable: f.nullable,
      ...(f.description ? { description: f.description } : {}),
      ...(shape === "create" && lit !== undefined ? { default: coerce(f, lit) } : {}),
    });
    example[f.name] = fieldExample(f, ex);
  }
  const required =
    shape === "read"
      ? fields.map((f) => f.name)
      : shape === "create"
        ? fields.filter(requiredOnCreate).map((f) => f.name)
        : [];
  const what = {
    read: "as returned by the API",
    create: "fields accepted when creating",
    update: "fields accepted when updating (PATCH: absent = unchanged, null clears)",
  }[shape];
  return {
    type: "object",
    description: `${entity.description ?? entity.name} (${shapeName(entity.name, shape)}: ${what}).`,
    ...(required.length ? { required } : {}),
    properties,
    example,
  };
}

export function entityExample(entity: NEntity, ex: Examples): Json {
  return Object.fromEntries(shapeFields(entity, "read").map((f) => [f.name, fieldExample(f, ex)]));
}

export function payloadSchema(p: Payload, ctx: SchemaContext, ex: Examples): Schema {
  const properties: Record<string, SchemaOrRef> = {};
  for (const prop of p.properties) {
    properties[prop.name] = propertySchema(prop, ctx, {
      nullable: prop.nullable ?? false,
      ...(prop.description ? { description: prop.description } : {}),
    });
  }
  const required = p.properties.filter((prop) => prop.required ?? true).map((prop) => prop.name);
  return {
    type: "object",
    ...(p.description ? { description: p.description } : {}),
    ...(required.length ? { required } : {}),
    properties,
    example: ex.schema(p.name),
  };
}

export function payloadExample(p: Payload, ex: Examples): Json {
  return Object.fromEntries(p.properties.map((prop: Property) => [prop.name, ex.value(prop, prop.name, prop.example)]));
}

/** The cursor-pagination envelope `<X>Page`: items, nextCursor (null on the last page), hasMore. */
export function pageSchema(item: string, ex: Examples): Schema {
  return {
    type: "object",
    description: `A page of ${item}. Pass \`nextCursor\` as \`cursor\` to fetch the next page.`,
    required: ["items", "nextCursor", "hasMore"],
    properties: {
      items: { type: "array", items: ref("schemas", item) },
      nextCursor: {
        type: "string",
        maxLength: 512,
        nullable: true,
        description: "Opaque cursor of the next page; null on the last page.",
      },
      hasMore: { type: "boolean", description: "True when another page follows." },
    },
    example: { items: [ex.schema(item)], nextCursor: "eyJpZCI6IjEwMCJ9", hasMore: true },
  };
}

/** Example of a parameter (design example, else by type). */
export function parameterExample(p: Parameter, ex: Examples): Json {
  return ex.value(p, p.name, p.example);
}
