/**
 * Every free-text field of a design, found from the design schema itself (so a field added to
 * `src/design/schema.ts` is covered without touching the tests): a string with no pattern, enum or
 * format, or a string example / literal default / predicate value. `saturate` fills each absent
 * optional free-text property of a fixture so the slots cover the whole schema, and `withText`
 * writes chosen text into every slot; a slot is kept only when the design stays schema- and
 * semantically valid with text there (a literal default of a date column is not free text).
 */
import { DesignSchema, type Design } from "../../src/design/schema.ts";
import { validateDesign } from "../../src/design/validate.ts";
import { hasErrors } from "../../src/design/diagnostics.ts";

type Json = unknown;
interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  pattern?: string;
  enum?: unknown[];
  format?: string;
  maxLength?: number;
}

export interface Slot {
  /** JSON pointer segments from the design root. */
  path: Array<string | number>;
  /** The schema's maxLength, when it caps the text. */
  maxLength?: number;
  /** A prose property (`description`, `summary`…) or a value (`example`, `default.value`, predicate `value`). */
  kind: "prose" | "value";
}

const isProse = (s: SchemaNode) =>
  s.type === "string" && s.pattern === undefined && s.enum === undefined && s.format === undefined;
const isValue = (s: SchemaNode) => Array.isArray(s.anyOf) && s.anyOf.some((b) => b.type === "string");

function walk(
  schema: SchemaNode,
  value: Json,
  path: Array<string | number>,
  visit: (schema: SchemaNode, value: Json, path: Array<string | number>, parent?: Record<string, Json>) => void,
): void {
  if (schema.type === "object" && value && typeof value === "object" && !Array.isArray(value)) {
    const o = value as Record<string, Json>;
    for (const [k, sub] of Object.entries(schema.properties ?? {})) {
      visit(sub, o[k], [...path, k], o);
      if (o[k] !== undefined) walk(sub, o[k], [...path, k], visit);
    }
  } else if (schema.type === "array" && Array.isArray(value) && schema.items) {
    value.forEach((v, i) => {
      visit(schema.items!, v, [...path, i]);
      walk(schema.items!, v, [...path, i], visit);
    });
  }
}

/** A copy of the design with every absent optional prose property set to `filler` (where that stays valid). */
export function saturate(design: Design, filler = "Filled."): Design {
  const out = structuredClone(design) as Design;
  const absent: Array<{ parent: Record<string, Json>; key: string }> = [];
  walk(DesignSchema as unknown as SchemaNode, out, [], (schema, value, path, parent) => {
    const key = path[path.length - 1];
    if (parent && typeof key === "string" && value === undefined && isProse(schema) && key !== "$schema")
      absent.push({ parent, key });
  });
  for (const { parent, key } of absent) {
    parent[key] = filler;
    if (!valid(out)) delete parent[key];
  }
  return out;
}

function valid(design: Design): boolean {
  const v = validateDesign(design);
  return Boolean(v.design) && !hasErrors(v.diagnostics);
}

function setAt(design: Design, path: ReadonlyArray<string | number>, text: string): void {
  let cur = design as unknown as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, Json>;
  cur[path[path.length - 1]!] = text;
}

/** Free-text slots of the design whose text can be replaced by `probe` with the design still valid. */
export function freeTextSlots(design: Design, probe: string): Slot[] {
  const candidates: Slot[] = [];
  walk(DesignSchema as unknown as SchemaNode, design, [], (schema, value, path) => {
    if (typeof value !== "string" || path[0] === "$schema") return;
    if (isProse(schema))
      candidates.push({ path, kind: "prose", ...(schema.maxLength ? { maxLength: schema.maxLength } : {}) });
    else if (isValue(schema)) candidates.push({ path, kind: "value" });
  });
  return candidates.filter((slot) => valid(withText(design, [slot], () => probe)));
}

/**
 * Values (examples, defaults, predicate values) are cut to this many UTF-16 units: the column
 * they belong to may be a `string(n)`, and the probe that admitted the slot was longer.
 */
const VALUE_LENGTH = 16;

/** The longest prefix of `t` of at most `n` UTF-16 units that does not split a surrogate pair. */
function cutUnits(t: string, n: number): string {
  let out = "";
  for (const c of t) {
    if (out.length + c.length > n) break;
    out += c;
  }
  return out;
}

/** A copy of the design with `text(slot, i)` (cut to the slot's maxLength) written into each slot. */
export function withText(design: Design, slots: readonly Slot[], text: (slot: Slot, i: number) => string): Design {
  const out = structuredClone(design) as Design;
  slots.forEach((slot, i) => {
    const t = text(slot, i);
    setAt(
      out,
      slot.path,
      slot.kind === "value" ? cutUnits(t, VALUE_LENGTH) : slot.maxLength ? [...t].slice(0, slot.maxLength).join("") : t,
    );
  });
  return out;
}

export const pointer = (slot: Slot) => `/${slot.path.join("/")}`;

/**
 * A copy of the design whose first entity also has a `text` column with a string literal default,
 * a partial index and a check comparing it with a string, and a deprecated endpoint: the string
 * values (`default.value`, `where[].value`, check `value`, `deprecated.since`) the fixtures lack.
 */
export function withValueFields(design: Design): Design {
  const out = structuredClone(design) as Design;
  const entity = out.data.entities[0]!;
  entity.fields.push({
    name: "freeNote",
    type: "text",
    nullable: true,
    default: { kind: "literal", value: "note" },
    example: "note",
  });
  (entity.indexes ??= []).push({
    name: "free_note_partial",
    fields: ["freeNote"],
    where: [{ field: "freeNote", operator: "<>", value: "note" }],
  });
  (entity.checks ??= []).push({ name: "free_note_check", field: "freeNote", operator: "<>", value: "forbidden" });
  const endpoint = out.api.endpoints.find((e) => !e.deprecated);
  if (endpoint) endpoint.deprecated = { since: "2026-01", reason: "Replaced." };
  return out;
}
