/**
 * OpenAPI Schema Objects (3.0 §4.7.24, 3.1 §4.8.24) → design types, payloads and enums. Local
 * `$ref`s are followed through swagger-parser's resolved `$Refs` (nothing remote is fetched); a
 * referenced object component becomes one named payload (created once, so recursive schemas
 * terminate), an inline object a payload named after where it appears. Every keyword the design
 * cannot hold is a loss with its pointer.
 */
import type { Diagnostic } from "../design/diagnostics.ts";
import { pointer } from "../design/diagnostics.ts";
import type { ArrayItems, EnumDef, Payload, Property, ScalarType } from "../design/schema.ts";
import { DEFAULT_DECIMAL, PATTERNS } from "../design/schema.ts";
import { camelCase, pascalCase } from "../design/names.ts";
import { importDiag } from "./codes.ts";
import type { Loss, LossClass } from "./loss.ts";

/** A JSON value of the source document, read without trusting its shape. */
export type Node = Record<string, unknown>;

export const isObject = (v: unknown): v is Node => typeof v === "object" && v !== null && !Array.isArray(v);

/** Type names the generated artifacts reserve (src/design/semantics.ts), avoided by imported names. */
const RESERVED = new Set(
  "Problem ProblemFieldError ErrorCode Endpoints Operations Client ApiError PageInfo Array Boolean Date Error Function Map Number Object Promise Record Set String Symbol Partial Required".split(
    " ",
  ),
);

/** What a schema maps to: a design type and the constraints it keeps. */
export interface Typed {
  type: Property["type"];
  maxLength?: number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  precision?: number;
  scale?: number;
  enum?: string;
  ref?: string;
  items?: ArrayItems;
  nullable?: boolean;
  description?: string;
  example?: string | number | boolean;
}

const MAX_BOUND = 1e21;
const MAX_LENGTH = 10_485_760;
const camelOk = (s: string) => new RegExp(PATTERNS.camel).test(s);
const enumValueOk = (s: unknown) => typeof s === "string" && /^[a-z][a-z0-9_-]{0,62}$/.test(s);

/** A PascalCase type name from any source name (`ListResponse_ApplicationOut_` → `ListResponseApplicationOut`). */
export function typeName(raw: string): string {
  const words = raw.replace(/[^A-Za-z0-9]+/g, " ").trim();
  let name = pascalCase(words.replace(/\s+/g, "_").replace(/([a-z0-9])([A-Z])/g, "$1_$2"));
  if (!name || !/^[A-Z]/.test(name)) name = `T${name}`;
  return name.slice(0, 120);
}

/** A camelCase identifier from any source name (`with_content` → `withContent`). */
export function memberName(raw: string): string {
  if (camelOk(raw)) return raw;
  let name = camelCase(raw.replace(/[^A-Za-z0-9]+/g, "_"));
  if (!/^[a-z]/.test(name)) name = `x${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  return name.slice(0, 120) || "value";
}

export class SchemaMapper {
  readonly losses: Loss[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly payloads: Payload[] = [];
  readonly enums: EnumDef[] = [];
  /** Component schema name → its payload or enum name (set before building, so cycles end). */
  private readonly components = new Map<string, string>();
  /** Every type name given out, lower-cased: the design's types share one namespace. */
  private readonly taken = new Set<string>();
  private readonly reportedRefs = new Set<string>();

  private readonly doc: Node;
  private readonly get: (ref: string) => unknown;

  constructor(doc: Node, get: (ref: string) => unknown) {
    this.doc = doc;
    this.get = get;
    // The placeholder entity's name and the shapes derived from it.
    for (const suffix of ["", "Create", "Update", "Page"]) this.taken.add(`importplaceholder${suffix}`.toLowerCase());
  }

  lose(at: string, cls: LossClass, lost: string, instead: string): void {
    this.losses.push({ pointer: at, lost, instead, class: cls });
  }

  /** Reserves a type name unique across payloads, enums and entities, case-insensitively. */
  claim(wanted: string): string {
    let name = typeName(wanted);
    if (RESERVED.has(name) || /(Create|Update|Page)$/.test(name)) name = `${name}Body`;
    let n = 2;
    let candidate = name;
    while (this.taken.has(candidate.toLowerCase())) candidate = `${name}${n++}`;
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }

  /** Component schema names reached so far (the rest are reported as unused). */
  usedComponents(): ReadonlySet<string> {
    return new Set(this.components.keys());
  }

  /**
   * Follows `$ref`s from `node` (at `at`) to the object they name. Remote and dangling references
   * are diagnostics; the result is undefined then.
   */
  deref(node: unknown, at: string): { node: Node; at: string; component?: string } | undefined {
    let current = node;
    let where = at;
    let component: string | undefined;
    const seen = new Set<string>();
    while (isObject(current) && typeof current.$ref === "string") {
      const ref = current.$ref;
      if (!ref.startsWith("#")) {
        if (!this.reportedRefs.has(`${where}`)) {
          this.reportedRefs.add(where);
          this.diagnostics.push(
            importDiag(
              "remote-ref-refused",
              `$ref "${ref}" points outside the document; nothing is fetched, so what it names is left out`,
              `${where}/$ref`,
            ),
          );
        }
        return undefined;
      }
      if (seen.has(ref)) return undefined;
      seen.add(ref);
      let target: unknown;
      try {
        target = this.get(ref);
      } catch {
        target = undefined;
      }
      if (target === undefined) {
        if (!this.reportedRefs.has(where)) {
          this.reportedRefs.add(where);
          this.diagnostics.push(
            importDiag("dangling-ref", `$ref "${ref}" names nothing in the document`, `${where}/$ref`),
          );
        }
        return undefined;
      }
      const m = /^#\/components\/schemas\/([^/]+)$/.exec(ref);
      component = m ? decodeURIComponent(m[1]!).replace(/~1/g, "/").replace(/~0/g, "~") : undefined;
      where = ref.slice(1);
      current = target;
    }
    if (!isObject(current)) return undefined;
    return { node: current, at: where, ...(component ? { component } : {}) };
  }

  /** The properties and required names of an object schema, with allOf parts merged. */
  private objectParts(
    node: Node,
    at: string,
  ): { properties: Array<[string, unknown, string]>; required: Set<string>; ok: boolean } | undefined {
    const properties: Array<[string, unknown, string]> = [];
    const required = new Set<string>();
    let ok = true;
    const visit = (n: Node, where: string, depth: number) => {
      if (depth > 32) return;
      if (isObject(n.properties))
        for (const [k, v] of Object.entries(n.properties)) properties.push([k, v, `${where}/properties/${escape(k)}`]);
      if (Array.isArray(n.required)) for (const r of n.required) if (typeof r === "string") required.add(r);
      if (Array.isArray(n.allOf))
        n.allOf.forEach((part, i) => {
          const r = this.deref(part, `${where}/allOf/${i}`);
          if (!r) return;
          if (isObjectLike(r.node)) visit(r.node, r.at, depth + 1);
          else {
            ok = false;
            this.lose(
              `${where}/allOf/${i}`,
              "composition",
              "an allOf part that is not an object",
              "the part is left out",
            );
          }
        });
    };
    visit(node, at, 0);
    return properties.length ? { properties, required, ok } : undefined;
  }

  /** The payload of an object schema (a component's, or an inline one's named after `hint`). */
  private payload(node: Node, at: string, hint: string, component?: string): string | undefined {
    if (component && this.components.has(component)) return this.components.get(component);
    const parts = this.objectParts(node, at);
    if (!parts) return undefined;
    const name = this.claim(component ?? hint);
    if (component) this.components.set(component, name);
    const payload: Payload = { name, properties: [] };
    if (typeof node.description === "string" && node.description) payload.description = node.description;
    this.payloads.push(payload);
    if (node.additionalProperties !== undefined && node.additionalProperties !== false)
      this.lose(
        `${at}/additionalProperties`,
        "map",
        "additional properties beside the declared ones",
        "only the declared properties",
      );
    if (node.discriminator !== undefined)
      this.lose(`${at}/discriminator`, "composition", "the discriminator", "a plain object");
    for (const k of ["minProperties", "maxProperties"])
      if (node[k] !== undefined) this.lose(`${at}/${k}`, "schema-keyword", k, "no bound");
    const names = new Set<string>();
    for (const [key, value, where] of parts.properties) {
      const pname = memberName(key);
      if (names.has(pname)) {
        this.lose(where, "property-name", `property "${key}" (a second one with the same camelCase name)`, "left out");
        continue;
      }
      names.add(pname);
      if (pname !== key)
        this.lose(where, "property-name", `wire name "${key}"`, `property "${pname}" (a different name on the wire)`);
      const t = this.typeOf(value, where, `${name}${typeName(key)}`, "property");
      const prop: Property = { name: pname, type: t.type };
      copyTyped(prop, t);
      if (!parts.required.has(key)) prop.required = false;
      if (t.nullable) prop.nullable = true;
      payload.properties.push(prop);
    }
    return name;
  }

  /** The payload name of a schema that is an object, or undefined (nothing is created then). */
  objectPayload(schema: unknown, at: string, hint: string): string | undefined {
    const r = this.deref(schema, at);
    if (!r || !isObjectLike(r.node)) return undefined;
    return this.payload(r.node, r.at, hint, r.component);
  }

  /** The enum named for `values`, or undefined when a value is not a design enum value (losses then). */
  private enumOf(
    values: unknown[],
    at: string,
    hint: string,
    component?: string,
    description?: string,
  ): string | undefined {
    if (component && this.components.has(component)) return this.components.get(component);
    if (values.length === 0 || !values.every(enumValueOk) || new Set(values).size !== values.length) {
      this.lose(
        `${at}/enum`,
        "enum-values",
        `enum values ${JSON.stringify(values.slice(0, 6))}${values.length > 6 ? "…" : ""}`,
        "any string (the values are not lowercase snake or kebab case)",
      );
      return undefined;
    }
    const name = this.claim(component ?? hint);
    if (component) this.components.set(component, name);
    this.enums.push({ name, values: values as string[], ...(description ? { description } : {}) });
    return name;
  }

  /**
   * The design type of a schema. `where` decides what is allowed: parameters take no json or ref,
   * properties no bare maps. Never fails: what cannot be said is a loss and a wider type.
   */
  typeOf(schema: unknown, at: string, hint: string, where: "property" | "param" | "item"): Typed {
    let t = this.typeOfInner(schema, at, hint, where);
    // Whatever path the mapping took, a parameter is never json or a ref.
    if (where === "param" && (t.type === "json" || t.type === "ref")) {
      if (t.type === "ref") this.lose(at, "param-type", "an object parameter", "text");
      t = { ...this.fit({ ...t, type: "json" }, where, at) };
      delete t.ref;
    }
    const r = this.deref(schema, at);
    const example = r?.node.example;
    if (isScalarExample(example) && where !== "item") {
      if (this.exampleFits(t, example)) t.example = example;
      else
        this.lose(
          `${r!.at}/example`,
          "example",
          `example ${JSON.stringify(example).slice(0, 60)}`,
          "no example (it does not fit the design type)",
        );
    }
    return t;
  }

  private exampleFits(t: Typed, v: string | number | boolean): boolean {
    const s = typeof v === "string" ? v : undefined;
    const len = s === undefined ? 0 : [...s].length;
    const lengthOk =
      s !== undefined &&
      len <= (t.maxLength ?? (t.type === "email" ? 320 : t.type === "url" ? 2048 : Infinity)) &&
      len >= (t.minLength ?? 0) &&
      (!t.pattern || new RegExp(t.pattern, "u").test(s));
    const n = typeof v === "number" ? v : undefined;
    const boundsOk =
      n !== undefined && Number.isInteger(n) && n >= (t.minimum ?? -Infinity) && n <= (t.maximum ?? Infinity);
    switch (t.type) {
      case "text":
      case "string":
        return lengthOk;
      case "email":
        return lengthOk && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s!);
      case "url":
        return lengthOk && /^https?:\/\/\S+$/.test(s!);
      case "uuid":
        return s !== undefined && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
      case "date":
        return s !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));
      case "timestamp":
        return s !== undefined && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s);
      case "integer":
        return boundsOk && Math.abs(n!) < 2 ** 31;
      case "bigint":
        return boundsOk && Number.isSafeInteger(n!);
      case "boolean":
        return typeof v === "boolean";
      case "enum":
        return s !== undefined && !!this.enums.find((e) => e.name === t.enum)?.values.includes(s);
      case "json":
        return true;
      default:
        return false;
    }
  }

  private typeOfInner(schema: unknown, at: string, hint: string, where: "property" | "param" | "item"): Typed {
    const isRef = isObject(schema) && typeof schema.$ref === "string";
    const r = this.deref(schema, at);
    if (!r) return { type: "json" };
    const node = r.node;
    const out: Typed = { type: "json" };
    // Siblings of a $ref (3.1; 3.0 tools also write them) still describe the use site.
    const site = isRef && isObject(schema) ? schema : node;
    const description = typeof site.description === "string" && site.description ? site.description : node.description;
    if (typeof description === "string" && description) out.description = description;
    if (site.nullable === true || node.nullable === true) out.nullable = true;
    this.keywordLosses(node, r.at);

    // OpenAPI 3.1: `type: [x, "null"]`.
    let type = node.type;
    if (Array.isArray(type)) {
      const nonNull = type.filter((t) => t !== "null");
      if (nonNull.length !== type.length) out.nullable = true;
      if (nonNull.length === 1) type = nonNull[0];
      else {
        this.lose(`${r.at}/type`, "composition", `a value of types ${JSON.stringify(type)}`, "any JSON value");
        return this.fit(out, where, r.at);
      }
    }
    for (const k of ["oneOf", "anyOf"] as const) {
      const alts = node[k];
      if (Array.isArray(alts)) {
        const nonNull = alts.filter((a) => !(isObject(a) && a.type === "null"));
        if (nonNull.length < alts.length) out.nullable = true;
        if (nonNull.length === 1)
          return { ...this.typeOf(nonNull[0], `${r.at}/${k}/${alts.indexOf(nonNull[0])}`, hint, where), ...pick(out) };
        this.lose(`${r.at}/${k}`, "composition", `${k} of ${alts.length} alternatives`, "any JSON value");
        return this.fit(out, where, r.at);
      }
    }
    if (node.not !== undefined) this.lose(`${r.at}/not`, "composition", "not", "no restriction");
    if (Array.isArray(node.allOf) && !isObject(node.properties) && node.allOf.length === 1) {
      // A sibling `type` that repeats the target's says nothing more (contractor writes
      // `type: string, nullable: true, allOf: [$ref]` for a nullable enum).
      const target = node.type === undefined ? undefined : this.deref(node.allOf[0], `${r.at}/allOf/0`);
      if (node.type === undefined || (target && target.node.type === node.type))
        return { ...this.typeOf(node.allOf[0], `${r.at}/allOf/0`, hint, where), ...pick(out) };
    }

    if (Array.isArray(node.enum) && type !== "string" && type !== undefined)
      this.lose(
        `${r.at}/enum`,
        "enum-values",
        `the ${String(type)} values ${JSON.stringify(node.enum.slice(0, 6))}`,
        `any ${String(type)}`,
      );
    if (node.example !== undefined && !isScalarExample(node.example))
      this.lose(`${r.at}/example`, "example", "a structured example", "no example");

    if (type === "object" || isObjectLike(node)) {
      if (where !== "param") {
        const payload = this.payload(node, r.at, hint, r.component);
        if (payload) return { ...out, type: "ref", ref: payload };
      }
      if (node.additionalProperties !== undefined && node.additionalProperties !== false)
        this.lose(
          r.at,
          "map",
          "a map (additionalProperties) and its value schema",
          where === "param" ? "text" : "any JSON value",
        );
      else if (where === "param") this.lose(r.at, "param-type", "an object parameter", "text");
      return where === "param" ? { ...out, type: "text" } : out;
    }
    if (type === "array") {
      if (where === "item") {
        this.lose(r.at, "nested-array", "an array of arrays", "any JSON value");
        return this.fit(out, where, r.at);
      }
      for (const k of ["minItems", "maxItems", "uniqueItems"])
        if (node[k] !== undefined) this.lose(`${r.at}/${k}`, "schema-keyword", k, "no bound");
      const item = this.typeOf(node.items ?? {}, `${r.at}/items`, `${hint}Item`, "item");
      const items: ArrayItems = { type: item.type === "array" ? "json" : (item.type as ArrayItems["type"]) };
      if (item.enum) items.enum = item.enum;
      if (item.ref) items.ref = item.ref;
      if (item.maxLength !== undefined && ["string", "email", "url", "text"].includes(item.type))
        items.maxLength = item.maxLength;
      const dropped = (["minLength", "minimum", "maximum", "pattern"] as const).filter((k) => item[k] !== undefined);
      if (dropped.length)
        this.lose(`${r.at}/items`, "nested-array", `item constraints ${dropped.join(", ")}`, "items without them");
      if (item.nullable) this.lose(`${r.at}/items`, "nested-array", "null items", "non-null items");
      if (where === "param" && (items.type === "ref" || items.type === "json")) {
        this.lose(`${r.at}/items`, "param-type", "structured array items in a parameter", "text items");
        return { ...out, type: "array", items: { type: "text" } };
      }
      return { ...out, type: "array", items };
    }
    if (type === "string") return this.stringType(node, r.at, hint, out, r.component);
    if (type === "integer") return this.integerType(node, r.at, out);
    if (type === "number") {
      this.bounds(node, r.at, out, where === "param");
      if (where === "param") {
        this.lose(r.at, "number-type", "a binary number", "decimal (a decimal string)");
        return { ...out, type: "decimal" };
      }
      this.lose(r.at, "number-type", "a binary number", "any JSON value");
      delete out.minimum;
      delete out.maximum;
      return out;
    }
    if (type === "boolean") return { ...out, type: "boolean" };
    if (type === "null") this.lose(r.at, "composition", "a value that is always null", "any JSON value");
    // No type: any value.
    return this.fit(out, where, r.at);
  }

  /** json where json may not go (parameters) becomes text. */
  private fit(t: Typed, where: "property" | "param" | "item", at: string): Typed {
    if (where === "param" && t.type === "json") {
      this.lose(at, "param-type", "a parameter of any JSON value", "text");
      return { ...t, type: "text" };
    }
    return t;
  }

  private stringType(node: Node, at: string, hint: string, out: Typed, component?: string): Typed {
    if (Array.isArray(node.enum)) {
      const e = this.enumOf(
        node.enum,
        at,
        hint,
        component,
        typeof node.description === "string" ? node.description : undefined,
      );
      if (e) {
        delete out.description;
        return { ...out, type: "enum", enum: e };
      }
    }
    if (node.format === "decimal") return this.decimalType(node, at, out);
    const formats: Record<string, ScalarType> = {
      uuid: "uuid",
      email: "email",
      uri: "url",
      url: "url",
      date: "date",
      "date-time": "timestamp",
    };
    const format = typeof node.format === "string" ? node.format : undefined;
    let type: ScalarType = format ? (formats[format] ?? "text") : "text";
    if (format && !formats[format]) this.lose(`${at}/format`, "string-format", `format "${format}"`, "text");
    const t: Typed = { ...out, type };
    const max = int(node.maxLength);
    const min = int(node.minLength);
    if (type === "email" || type === "url" || type === "text") {
      if (max !== undefined && max >= 1 && max <= MAX_LENGTH) t.maxLength = max;
      if (min !== undefined && min <= MAX_LENGTH && (max === undefined || min <= max)) t.minLength = min;
      if ((type === "email" || type === "url") && t.maxLength === undefined)
        this.lose(
          at,
          "string-format",
          `a ${format} of any length`,
          `at most ${type === "email" ? 320 : 2048} characters`,
        );
      if (typeof node.pattern === "string") {
        if (validRegex(node.pattern)) t.pattern = node.pattern;
        else
          this.lose(
            `${at}/pattern`,
            "schema-keyword",
            `pattern ${JSON.stringify(node.pattern)} (not an ECMAScript regular expression with the u flag)`,
            "no pattern",
          );
      }
    } else {
      for (const k of ["maxLength", "minLength", "pattern"])
        if (node[k] !== undefined) this.lose(`${at}/${k}`, "schema-keyword", `${k} on a ${format}`, "no bound");
    }
    if (type === "text" && t.maxLength !== undefined && t.maxLength <= MAX_LENGTH) type = "text";
    return t;
  }

  /**
   * A decimal string as contractor writes one: `format: decimal` with the pattern of at most
   * `precision` digits, `scale` after the point (`^-?\d{1,8}(\.\d{1,2})?$`), bounds as
   * `x-minimum` / `x-maximum`.
   */
  private decimalType(node: Node, at: string, out: Typed): Typed {
    const t: Typed = { ...out, type: "decimal" };
    const digits =
      typeof node.pattern === "string"
        ? /^\^-\?(?:\\d\{1,(\d+)\}|0)(?:\(\\\.\\d\{1,(\d+)\}\)\?)?\$$/.exec(node.pattern)
        : null;
    const scale = Number(digits?.[2] ?? 0);
    const precision = Number(digits?.[1] ?? 0) + scale;
    if (digits && precision >= 1 && precision <= 1000) {
      t.precision = precision;
      t.scale = scale;
    } else
      this.lose(
        typeof node.pattern === "string" ? `${at}/pattern` : at,
        "string-format",
        typeof node.pattern === "string"
          ? `decimal digits bounded by ${JSON.stringify(node.pattern)}`
          : "a decimal of any size",
        `decimal(${DEFAULT_DECIMAL.precision},${DEFAULT_DECIMAL.scale})`,
      );
    for (const [k, bound] of [
      ["minimum", node["x-minimum"]],
      ["maximum", node["x-maximum"]],
    ] as const)
      if (typeof bound === "number" && Number.isFinite(bound) && Math.abs(bound) <= MAX_BOUND) t[k] = bound;
    return t;
  }

  private integerType(node: Node, at: string, out: Typed): Typed {
    const format = typeof node.format === "string" ? node.format : undefined;
    const type = format === "int64" || format === "uint64" || format === "uint32" ? "bigint" : "integer";
    if (format && format !== "int32" && format !== "int64")
      this.lose(`${at}/format`, "integer-format", `format "${format}"`, type === "bigint" ? "int64" : "int32");
    const t: Typed = { ...out, type };
    this.bounds(node, at, t, false);
    return t;
  }

  private bounds(node: Node, at: string, t: Typed, keep: boolean): void {
    for (const k of ["minimum", "maximum"] as const) {
      const v = node[k];
      if (typeof v !== "number") continue;
      if (Math.abs(v) <= MAX_BOUND) t[k] = v;
      else this.lose(`${at}/${k}`, "schema-keyword", `${k} ${v} (beyond ±1e21)`, "no bound");
    }
    if (t.minimum !== undefined && t.maximum !== undefined && t.minimum > t.maximum) {
      delete t.minimum;
      delete t.maximum;
    }
    void keep;
  }

  /** Keywords no design type carries, reported once per schema. */
  private keywordLosses(node: Node, at: string): void {
    for (const k of [
      "default",
      "readOnly",
      "writeOnly",
      "const",
      "exclusiveMinimum",
      "exclusiveMaximum",
      "multipleOf",
      "deprecated",
      "xml",
    ]) {
      if (node[k] !== undefined && node[k] !== false)
        this.lose(`${at}/${k}`, "schema-keyword", `${k}: ${JSON.stringify(node[k]).slice(0, 80)}`, "nothing");
    }
  }

  /** Every component schema never reached from an operation. */
  reportUnused(): void {
    const schemas =
      isObject(this.doc.components) && isObject(this.doc.components.schemas) ? this.doc.components.schemas : {};
    const used = this.usedComponents();
    for (const name of Object.keys(schemas).sort())
      if (!used.has(name))
        this.lose(
          pointer("components", "schemas", name),
          "unused-component",
          `schema ${name}, which no imported operation uses (or only inline)`,
          "nothing",
        );
  }
}

function copyTyped(target: Property, t: Typed): void {
  for (const k of [
    "maxLength",
    "minLength",
    "minimum",
    "maximum",
    "pattern",
    "precision",
    "scale",
    "enum",
    "ref",
    "items",
    "description",
    "example",
  ] as const)
    if (t[k] !== undefined) (target as unknown as Record<string, unknown>)[k] = t[k];
}

const pick = (t: Typed): Partial<Typed> => ({
  ...(t.nullable ? { nullable: true } : {}),
  ...(t.description ? { description: t.description } : {}),
});

const escape = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");
const int = (v: unknown) => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined);
const isScalarExample = (v: unknown): v is string | number | boolean =>
  typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));

function isObjectLike(n: Node): boolean {
  return (
    n.type === "object" ||
    isObject(n.properties) ||
    (Array.isArray(n.allOf) && n.allOf.length > 1) ||
    (n.type === undefined && Array.isArray(n.allOf) && isObject(n.properties))
  );
}

function validRegex(p: string): boolean {
  try {
    new RegExp(p, "u");
    return true;
  } catch {
    return false;
  }
}

export { escape as escapePointer };
