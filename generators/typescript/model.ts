/**
 * The TypeScript view of a normalised design: every API schema as a list of typed properties
 * and every endpoint as one record (parameters, body, response, errors). `types.ts` and
 * `client.ts` are both serialised from this model, so the two files cannot disagree.
 *
 * The type mapping mirrors generators/openapi (OpenAPI 3.0.3 → openapi-typescript) so that
 * our interfaces and `components["schemas"][X]` are mutually assignable; a test proves it.
 */
import { tsTypeOf } from "../../src/design/types.ts";
import type { NDesign, NEndpoint, NEntity, NField, NParameter } from "../../src/design/normalize.ts";
import { findEntity, shapeFields, shapeName, requiredOnCreate } from "../../src/design/normalize.ts";
import type { ArrayItems, Payload, Property, Shape, ScalarType } from "../../src/design/schema.ts";
import { pointer } from "../../src/design/diagnostics.ts";

/** The files emitted from the model. */
export const TYPES_FILE = "types.ts";
export const CLIENT_FILE = "client.ts";

/** Anything with a portable type: entity fields, payload properties, parameters, array items. */
export interface Typed {
  type: ScalarType | "enum" | "array" | "ref";
  enum?: string;
  ref?: string;
  items?: ArrayItems;
}

/** How a named type is spelled where it is used (`Item` in types.ts, `T.Item` in client.ts). */
export type Qualify = (name: string) => string;

/*
 * The mapping lives in the portable-type table (src/design/types.ts): decimal → string (exact
 * decimals travel as JSON strings, OpenAPI `format: decimal`); bigint → number (OpenAPI
 * `integer`/`int64`, what openapi-typescript emits); json → unknown (a schema with no type).
 */
/** The TypeScript type of a portable type (without `| null`). */
export function tsType(t: Typed, q: Qualify): string {
  return tsTypeOf(t, q);
}

/** The enum and schema names a type mentions. */
export function namedTypes(t: Typed): string[] {
  if (t.type === "enum" && t.enum) return [t.enum];
  if (t.type === "ref" && t.ref) return [t.ref];
  if (t.type === "array" && t.items) return namedTypes(t.items);
  return [];
}

/** The TypeScript type of a parameter, schema and enum names spelled by `q`. */
export function paramType(p: ParamModel, q: Qualify): string {
  return "text" in p.type ? p.type.text : tsType(p.type.typed, q);
}

export function withNull(type: string, nullable: boolean): string {
  return nullable && type !== "unknown" ? `${type} | null` : type;
}

export interface PropModel {
  name: string;
  /** Type text with unqualified schema names. */
  type: string;
  optional: boolean;
  doc?: string;
}

export interface SchemaModel {
  name: string;
  doc?: string;
  props: PropModel[];
  /** Enums and schemas its properties name (for reachability). */
  refs: string[];
  /** JSON pointer of what the schema came from, for diagnostics. */
  at: string;
}

export interface EnumModel {
  name: string;
  values: string[];
  doc?: string;
}

/**
 * A parameter's type as data (the model crosses to worker threads by structured clone): a portable
 * type, spelled with the names qualified where it is used, or fixed TypeScript text.
 */
type ParamType = { typed: Typed } | { text: string };

export interface ParamModel {
  name: string;
  in: "path" | "query" | "header";
  type: ParamType;
  required: boolean;
  doc?: string;
  /** Serialised as one comma-separated value (`fields=id,title`) instead of repeated keys. */
  commaSeparated: boolean;
}

export interface EndpointModel {
  operationId: string;
  method: NEndpoint["method"];
  path: string;
  summary: string;
  description?: string;
  deprecated?: NEndpoint["deprecated"];
  params: ParamModel[];
  /** Schema name of the request body. */
  body?: string;
  /** The response schema as the design names it (the item of a paginated list); undefined for 204. */
  response?: string;
  /** The type of the success body: `response`, or its `<X>Page` envelope when paginated. */
  responseType?: string;
  status: number;
  errors: string[];
  paginated: boolean;
  idempotencyKey: boolean;
  ifMatch: boolean;
  etag: boolean;
  /** A cached GET with an ETag: the client can revalidate with If-None-Match and get 304. */
  ifNoneMatch: boolean;
  /** Credentials the operation accepts, by kind. Empty for public operations. */
  auth: Array<"bearer" | "apiKey" | "session">;
  at: string;
}

export interface TsModel {
  enums: EnumModel[];
  schemas: SchemaModel[];
  errors: Array<{ code: string; status: number; title: string; doc?: string }>;
  endpoints: EndpointModel[];
  versionedBasePath: string;
  /** Servers by name, URL with the versioned base path (as OpenAPI `servers`). */
  servers: Array<{ name: string; url: string }>;
  /** Where an api-key credential travels, when the design declares an api-key scheme. */
  apiKey?: { in: "header" | "query"; name: string };
}

/** Property name as written in TypeScript: bare when an identifier, quoted otherwise. */
export function propName(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/**
 * Design prose for a `/** … *\/` block. `*\/` would close the block, and `/*` makes ts-morph's
 * writer believe a nested comment opened (it then closes the block before the tags); an `@` after
 * whitespace or `{` would be read as a JSDoc tag (TypeScript takes `a @deprecated` as one, and
 * `{@link}`). Each gets a backslash, which TSDoc and editors' Markdown hovers read as the literal
 * character.
 */
export function docText(...parts: Array<string | undefined>): string | undefined {
  const text = parts.filter((p): p is string => !!p && p.trim() !== "").join("\n\n");
  if (!text) return undefined;
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/\*\//g, "*\\/")
    .replace(/\/\*/g, "/\\*")
    .replace(/(^|[\s{])@/g, "$1\\@");
}

/** One of the generator's own JSDoc tags (`@example …`), its value escaped as prose. */
export function docTag(name: "example" | "deprecated", value: string): string {
  return `@${name} ${docText(value) ?? ""}`.trimEnd();
}

/** Escaped prose followed by the generator's own tags, blank-line separated. */
export function docWithTags(prose: string | undefined, ...tags: Array<string | undefined>): string | undefined {
  const parts = [prose, ...tags].filter((p): p is string => Boolean(p));
  return parts.length ? parts.join("\n\n") : undefined;
}

function fieldDoc(f: NField | Property): string | undefined {
  return docWithTags(
    docText(f.description),
    f.example !== undefined ? docTag("example", JSON.stringify(f.example)) : undefined,
  );
}

const SHAPE_DOC: Record<Shape, (e: NEntity) => string> = {
  read: (e) => e.description ?? `A ${e.name}.`,
  create: (e) => `The fields of a ${e.name} accepted on create.`,
  update: (e) => `The fields of a ${e.name} accepted on update; send only those that change.`,
};
const SHAPE_OPTIONAL: Record<Shape, (f: NField) => boolean> = {
  read: () => false,
  create: (f) => !requiredOnCreate(f),
  update: () => true,
};

function entityShape(e: NEntity, index: number, shape: Shape): SchemaModel {
  const props = shapeFields(e, shape).map((f): PropModel => {
    const doc = fieldDoc(f);
    return {
      name: f.name,
      type: withNull(
        tsType(f, (n) => n),
        f.nullable,
      ),
      optional: SHAPE_OPTIONAL[shape](f),
      ...(doc ? { doc } : {}),
    };
  });
  const doc = docText(SHAPE_DOC[shape](e));
  return {
    name: shapeName(e.name, shape),
    props,
    refs: shapeFields(e, shape).flatMap(namedTypes),
    at: pointer("data", "entities", index),
    ...(doc ? { doc } : {}),
  };
}

function payloadSchema(p: Payload, index: number): SchemaModel {
  const props = p.properties.map((prop): PropModel => {
    const doc = fieldDoc(prop);
    return {
      name: prop.name,
      type: withNull(
        tsType(prop, (n) => n),
        prop.nullable ?? false,
      ),
      optional: !(prop.required ?? true),
      ...(doc ? { doc } : {}),
    };
  });
  const doc = docText(p.description);
  return {
    name: p.name,
    props,
    refs: p.properties.flatMap(namedTypes),
    at: pointer("schemas", index),
    ...(doc ? { doc } : {}),
  };
}

/** `<X>Page`: the cursor pagination envelope of a paginated response. */
function pageName(schema: string): string {
  return `${schema}Page`;
}

function pageSchema(item: string, at: string): SchemaModel {
  return {
    name: pageName(item),
    doc: `A page of ${item} items. Pass \`nextCursor\` as \`cursor\` to fetch the next page.`,
    at,
    props: [
      { name: "items", type: `${item}[]`, optional: false, doc: "The items of this page, in order." },
      {
        name: "nextCursor",
        type: "string | null",
        optional: false,
        doc: "Cursor of the next page; null on the last page.",
      },
      { name: "hasMore", type: "boolean", optional: false, doc: "True when another page follows." },
    ],
    refs: [item],
  };
}

function responseSchemaName(e: NEndpoint): string | undefined {
  if (!e.response.schema) return undefined;
  return e.response.paginated ? pageName(e.response.schema) : e.response.schema;
}

function bodySchemaName(design: NDesign, e: NEndpoint): string | undefined {
  if (!e.body) return undefined;
  const entity = findEntity(design, e.body.schema);
  return entity ? shapeName(entity.name, e.body.shape ?? "create") : e.body.schema;
}

/** The read fields a sparse-fields request may select. */
function selectableFields(design: NDesign, schema: string | undefined): string[] {
  if (!schema) return [];
  const entity = findEntity(design, schema);
  if (entity) return shapeFields(entity, "read").map((f) => f.name);
  return design.schemas.find((s) => s.name === schema)?.properties.map((p) => p.name) ?? [];
}

function paramModel(p: NParameter): ParamModel {
  const doc = docText(p.description);
  return {
    name: p.name,
    in: p.in,
    type: {
      typed: {
        type: p.type,
        ...(p.enum !== undefined ? { enum: p.enum } : {}),
        ...(p.items !== undefined ? { items: p.items } : {}),
      },
    },
    required: p.required,
    commaSeparated: false,
    ...(doc ? { doc } : {}),
  };
}

const AUTH_KIND = { jwt: "bearer", oauth2: "bearer", "api-key": "apiKey", session: "session" } as const;

function endpointModel(design: NDesign, e: NEndpoint, index: number): EndpointModel {
  const params = e.params.map(paramModel);
  // Pagination and sparse-field parameters, unless the design declares its own (as OpenAPI does).
  const add = (p: ParamModel) => {
    if (!params.some((q) => q.in === p.in && q.name.toLowerCase() === p.name.toLowerCase())) params.push(p);
  };
  if (e.response.paginated) {
    add({
      name: "cursor",
      in: "query",
      type: { text: "string" },
      required: false,
      commaSeparated: false,
      doc: "Cursor from the previous page's `nextCursor`; omit for the first page.",
    });
    add({
      name: "limit",
      in: "query",
      type: { text: "number" },
      required: false,
      commaSeparated: false,
      doc: `Page size (default ${design.api.pagination.defaultLimit}, at most ${design.api.pagination.maxLimit}).`,
    });
  }
  if (e.sparseFields && e.response.schema) {
    const names = selectableFields(design, e.response.schema);
    const item = names.length > 0 ? names.map((n) => JSON.stringify(n)).join(" | ") : "string";
    add({
      name: "fields",
      in: "query",
      type: { text: `(${item})[]` },
      required: false,
      commaSeparated: true,
      doc: "Only these properties are returned (sparse fieldset); all when absent.",
    });
  }
  const schemes = e.auth.schemes
    .map((s) => design.auth.schemes.find((d) => d.name === s)?.type)
    .filter((t) => t !== undefined);
  const auth = [...new Set(schemes.map((t) => AUTH_KIND[t]))].sort();
  const body = bodySchemaName(design, e);
  const responseType = responseSchemaName(e);
  return {
    operationId: e.operationId,
    method: e.method,
    path: e.path,
    summary: e.summary,
    ...(e.description ? { description: e.description } : {}),
    ...(e.deprecated ? { deprecated: e.deprecated } : {}),
    params,
    ...(body ? { body } : {}),
    ...(e.response.schema ? { response: e.response.schema } : {}),
    ...(responseType ? { responseType } : {}),
    status: e.response.status,
    errors: [...e.errors],
    paginated: e.response.paginated ?? false,
    idempotencyKey: e.idempotencyKey ?? false,
    ifMatch: e.ifMatch ?? false,
    etag: (e.caching?.etag ?? false) || (e.ifMatch ?? false),
    ifNoneMatch: e.method === "GET" && (e.caching?.etag ?? false),
    auth,
    at: pointer("api", "endpoints", index),
  };
}

/**
 * The API's schemas: what operations send and receive (bodies, responses, pages, parameter
 * enums) and everything those name, transitively — the same set the OpenAPI document keeps.
 */
function reachableNames(design: NDesign, schemas: readonly SchemaModel[]): Set<string> {
  const byName = new Map(schemas.map((s) => [s.name, s] as const));
  const queue: string[] = [];
  for (const e of design.api.endpoints) {
    const body = bodySchemaName(design, e);
    const response = responseSchemaName(e);
    if (body) queue.push(body);
    if (response) queue.push(response);
    for (const p of e.params) queue.push(...namedTypes(p));
  }
  const seen = new Set<string>();
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...(byName.get(name)?.refs ?? []));
  }
  return seen;
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Builds the model: every schema (entity shapes with fields, payloads, pages) sorted by name. */
export function buildModel(design: NDesign): TsModel {
  const schemas: SchemaModel[] = [];
  design.data.entities.forEach((e, i) => {
    for (const shape of ["read", "create", "update"] as const) schemas.push(entityShape(e, i, shape));
  });
  design.schemas.forEach((p, i) => schemas.push(payloadSchema(p, i)));
  const pages = new Map<string, string>();
  design.api.endpoints.forEach((e, i) => {
    if (e.response.paginated && e.response.schema && !pages.has(e.response.schema))
      pages.set(e.response.schema, pointer("api", "endpoints", i, "response"));
  });
  for (const [item, at] of pages) schemas.push(pageSchema(item, at));
  const reachable = reachableNames(design, schemas);
  const apiKeyScheme = design.auth.schemes.find((s) => s.type === "api-key" && s.apiKey);
  return {
    enums: design.data.enums
      .filter((e) => reachable.has(e.name))
      .map((e) => {
        const doc = docText(e.description);
        return { name: e.name, values: [...e.values], ...(doc ? { doc } : {}) };
      }),
    schemas: schemas.filter((s) => reachable.has(s.name)).sort(byName),
    errors: design.errors.map((e) => {
      const doc = docText(e.title, e.description);
      return { code: e.code, status: e.status, title: e.title, ...(doc ? { doc } : {}) };
    }),
    endpoints: design.api.endpoints.map((e, i) => endpointModel(design, e, i)),
    versionedBasePath: design.api.versionedBasePath,
    servers: design.api.servers.map((s) => ({
      name: s.name,
      url: s.url.replace(/\/+$/, "") + design.api.versionedBasePath,
    })),
    ...(apiKeyScheme?.apiKey ? { apiKey: { in: apiKeyScheme.apiKey.in, name: apiKeyScheme.apiKey.name } } : {}),
  };
}
