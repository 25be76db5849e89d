/**
 * The portable types: their defaults and, in one exhaustive table, what each design type becomes
 * in every target — the PostgreSQL column type, the OpenAPI 3.0.3 Schema Object (§4.7.24) of its
 * value, the TypeScript type and the label the design document shows. Normalisation fills the
 * defaults (`resolveType`); every entry reads the resolved values, so a generator never decides a
 * length or a precision on its own.
 */
import { DEFAULT_DECIMAL, DEFAULT_MAX_LENGTH, type ArrayItems, type Property } from "./schema.ts";
import { assert } from "./diagnostics.ts";

/** Every type a field, property, parameter or array item can have. */
export type DesignType = Property["type"];

type Sized = keyof typeof DEFAULT_MAX_LENGTH;
const isSized = (t: DesignType): t is Sized => t in DEFAULT_MAX_LENGTH;
/** True for the varchar-backed types, whose length is part of the column type. */
export const hasLength = (t: DesignType): boolean => isSized(t);

/** What a field, property, parameter or array item says about its type. */
export interface TypeSpec {
  type: DesignType;
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
}

/** Array items as normalisation leaves them: lengths and precision filled like any scalar. */
export type ResolvedItems = ArrayItems & { precision?: number; scale?: number };

/**
 * The type part of a resolved field, parameter or property: the TS type states that a
 * string/email/url has its `maxLength` and a decimal its `precision` and `scale`, so narrowing on
 * `type` yields numbers, never a default to guess.
 */
export type Resolved =
  | { type: Sized; maxLength: number }
  | { type: "decimal"; precision: number; scale: number }
  | { type: Exclude<DesignType, Sized | "decimal"> };

/**
 * `t` with its defaults filled: `maxLength` of string/email/url, `precision`/`scale` of decimal,
 * and the same for array items. Idempotent; returns `t` itself when nothing was missing.
 */
export function resolveType<T extends Omit<TypeSpec, "items"> & { items?: ArrayItems }>(t: T): T & Resolved {
  let out = t;
  const set = (patch: Partial<TypeSpec>) => {
    out = { ...out, ...patch };
  };
  if (isSized(t.type) && t.maxLength === undefined) set({ maxLength: DEFAULT_MAX_LENGTH[t.type] });
  if (t.type === "decimal" && t.precision === undefined) set({ precision: DEFAULT_DECIMAL.precision });
  if (t.type === "decimal" && t.scale === undefined) set({ scale: DEFAULT_DECIMAL.scale });
  if (t.type === "array" && t.items) {
    const items = resolveType(t.items as ResolvedItems);
    if (items !== t.items) set({ items });
  }
  return out as T & Resolved;
}

/** True when `resolveType(t)` would change nothing. */
export function isResolved(t: TypeSpec): boolean {
  return resolveType(t) === t;
}

/** The OpenAPI schema of a value of a scalar type (the generator adds refs, nullability and docs). */
export interface ValueSchema {
  type?: "string" | "integer" | "boolean";
  format?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  "x-minimum"?: number;
  "x-maximum"?: number;
  description?: string;
}

/** How the SQL of a named enum type and of an array's element is written; the caller decides quoting. */
export interface SqlNames {
  enumType(enumName: string): string;
}

export interface PortableType {
  /** The PostgreSQL column type (`varchar(320)`, `numeric(12,2)`, `"member_role"[]`). */
  sql(t: TypeSpec, names: SqlNames): string;
  /** The OpenAPI schema of the value; undefined for enum, ref and array, which the generator builds from components. */
  openapi(t: TypeSpec): ValueSchema | undefined;
  /** The TypeScript type, given how a named type (enum, ref) is written. */
  ts(t: TypeSpec, named: (name: string) => string): string;
  /** The type as the design document shows it (`email(320)`, `decimal(10,3)`, `MemberRole[]`). */
  label(t: TypeSpec): string;
}

/** A resolved value the table reads; missing means normalisation was skipped (a bug of ours). */
function need(v: number | undefined, what: string, t: TypeSpec): number {
  assert(v !== undefined, `${what} of ${t.type} not resolved: the type did not pass through normalisation`);
  return v;
}
const len = (t: TypeSpec) => need(t.maxLength, "maxLength", t);
const precision = (t: TypeSpec) => need(t.precision, "precision", t);
const scale = (t: TypeSpec) => need(t.scale, "scale", t);
/** The resolved scale of a decimal. */
export const scaleOf = scale;

const lengths = (t: TypeSpec): ValueSchema => ({
  ...(t.minLength !== undefined ? { minLength: t.minLength } : {}),
  ...(t.maxLength !== undefined ? { maxLength: t.maxLength } : {}),
});
const bounds = (t: TypeSpec): ValueSchema => ({
  ...(t.minimum !== undefined ? { minimum: t.minimum } : {}),
  ...(t.maximum !== undefined ? { maximum: t.maximum } : {}),
});
const pattern = (t: TypeSpec): ValueSchema => (t.pattern ? { pattern: t.pattern } : {});

/** The regular expression of a decimal string with at most `precision` digits, `scale` after the point. */
function decimalPattern(p: number, s: number): string {
  const whole = p - s;
  const frac = s > 0 ? `(\\.\\d{1,${s}})?` : "";
  return whole > 0 ? `^-?\\d{1,${whole}}${frac}$` : `^-?0${frac}$`;
}

const item = (t: TypeSpec): TypeSpec => {
  assert(t.items, "array type without items passed semantic checks");
  return t.items as TypeSpec;
};
const named = (t: TypeSpec, key: "enum" | "ref"): string => {
  const n = t[key];
  assert(n, `${t.type} type without a name passed semantic checks`);
  return n;
};

const sized = (sqlLabel: string, format?: string): PortableType => ({
  sql: (t) => `varchar(${len(t)})`,
  openapi: (t) => ({
    type: "string",
    ...(format ? { format } : {}),
    ...lengths({ ...t, maxLength: len(t) }),
    ...pattern(t),
  }),
  ts: () => "string",
  label: (t) => `${sqlLabel}(${len(t)})`,
});
const fixed = (sql: string, schema: ValueSchema | undefined, ts: string, label: string): PortableType => ({
  sql: () => sql,
  openapi: () => schema && { ...schema },
  ts: () => ts,
  label: () => label,
});

/**
 * One entry per design type: a type added to the design format without an entry here is a
 * compile error. `text` with a maxLength stays `text` (the length is a CHECK constraint).
 */
const PORTABLE_TYPES = {
  string: sized("string"),
  email: sized("email", "email"),
  url: sized("url", "uri"),
  text: {
    sql: () => "text",
    openapi: (t) => ({ type: "string", ...lengths(t), ...pattern(t) }),
    ts: () => "string",
    label: () => "text",
  },
  integer: {
    sql: () => "integer",
    openapi: (t) => ({ type: "integer", format: "int32", ...bounds(t) }),
    ts: () => "number",
    label: () => "integer",
  },
  bigint: {
    sql: () => "bigint",
    openapi: (t) => ({ type: "integer", format: "int64", ...bounds(t) }),
    ts: () => "number",
    label: () => "bigint",
  },
  decimal: {
    // Exact decimals travel as strings so money never passes through a binary float; bounds as x-minimum/x-maximum.
    sql: (t) => `numeric(${precision(t)},${scale(t)})`,
    openapi: (t) => ({
      type: "string",
      format: "decimal",
      pattern: decimalPattern(precision(t), scale(t)),
      ...(t.minimum !== undefined ? { "x-minimum": t.minimum } : {}),
      ...(t.maximum !== undefined ? { "x-maximum": t.maximum } : {}),
    }),
    ts: () => "string",
    label: (t) => `decimal(${precision(t)},${scale(t)})`,
  },
  boolean: fixed("boolean", { type: "boolean" }, "boolean", "boolean"),
  uuid: fixed("uuid", { type: "string", format: "uuid" }, "string", "uuid"),
  date: fixed("date", { type: "string", format: "date" }, "string", "date"),
  timestamp: fixed("timestamptz", { type: "string", format: "date-time" }, "string", "timestamp"),
  json: fixed("jsonb", { description: "Any JSON value (null included)." }, "unknown", "json"),
  enum: {
    sql: (t, n) => n.enumType(named(t, "enum")),
    openapi: () => undefined,
    ts: (t, q) => q(named(t, "enum")),
    label: (t) => named(t, "enum"),
  },
  // A stored reference (an array item of type ref) is kept as jsonb.
  ref: {
    sql: () => "jsonb",
    openapi: () => undefined,
    ts: (t, q) => q(named(t, "ref")),
    label: (t) => named(t, "ref"),
  },
  array: {
    sql: (t, n) => `${sqlType(item(t), n)}[]`,
    openapi: () => undefined,
    ts: (t, q) => {
      const inner = tsTypeOf(item(t), q);
      return /^[A-Za-z0-9_.]+$/.test(inner) ? `${inner}[]` : `(${inner})[]`;
    },
    label: (t) => `${typeLabel(item(t))}[]`,
  },
} as const satisfies Record<DesignType, PortableType>;

const entry = (t: TypeSpec): PortableType => PORTABLE_TYPES[t.type];

/** The PostgreSQL type of a resolved type. */
export const sqlType = (t: TypeSpec, names: SqlNames): string => entry(t).sql(t, names);
/** The OpenAPI value schema of a resolved scalar type (undefined for enum, ref, array). */
export const openapiValueSchema = (t: TypeSpec): ValueSchema | undefined => entry(t).openapi(t);
/** The TypeScript type of a resolved type. */
export const tsTypeOf = (t: TypeSpec, q: (name: string) => string): string => entry(t).ts(t, q);
/** The design document's label of a resolved type. */
export const typeLabel = (t: TypeSpec): string => entry(t).label(t);
