/**
 * The OpenAPI 3.0.3 document of a normalised design, as a plain `OpenAPIV3.Document` value.
 * Serialisation happens elsewhere (`serialize.ts`), once.
 *
 * HTTP conventions chosen (and why):
 * - Rate limits use the IETF draft header trio `RateLimit-Limit` / `RateLimit-Remaining` /
 *   `RateLimit-Reset` (draft-ietf-httpapi-ratelimit-headers-07, what most gateways emit today)
 *   on success responses, and a 429 with `Retry-After` (RFC 9110 §10.2.3) per tier; the tier's
 *   numbers travel in `x-rate-limit` on the operation and in the 429's description.
 * - Caching: `Cache-Control` on the success response; `ETag` + `If-None-Match` → 304 (RFC 9110
 *   §13.1.2) where `caching.etag`; `If-Match` required → 412 (RFC 9110 §13.1.1) where `ifMatch`.
 * - `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header) as an optional header.
 * - Deprecation: `deprecated: true` plus `Deprecation` (RFC 9745) and `Sunset` (RFC 8594) headers.
 * - Pagination: `cursor` + `limit` query parameters and a `<X>Page` envelope.
 * - Security: jwt → http bearer (JWT); oauth2 → authorizationCode (PKCE in the description and
 *   `x-pkce`); api-key → apiKey in header/query; session → apiKey in cookie. OpenAPI 3.0.3
 *   §4.7.30 allows scopes only for oauth2 requirements, so other schemes list required scopes
 *   in `x-required-scopes` and the description.
 * Only components reachable from `paths` are kept, so nothing is declared and unused.
 */
import type { OpenAPIV3 } from "openapi-types";
import type { NDesign, NEndpoint } from "../../src/design/normalize.ts";
import { findEntity, shapeFields, shapeName } from "../../src/design/normalize.ts";
import type { AuthScheme, ErrorDef, RateLimit } from "../../src/design/schema.ts";
import { assert } from "../../src/design/diagnostics.ts";
import {
  Examples,
  entityExample,
  entityShapeSchema,
  pageSchema,
  parameterExample,
  payloadExample,
  payloadSchema,
  propertySchema,
  ref,
  schemaContext,
  type Json,
  type Ref,
  type Schema,
  type SchemaContext,
} from "./schemas.ts";
import { errorResponse, errorResponseName, problemSchemas } from "./problems.ts";

type Doc = OpenAPIV3.Document;
type Parameter = OpenAPIV3.ParameterObject;
type Header = OpenAPIV3.HeaderObject;
type Response = OpenAPIV3.ResponseObject;

const METHOD_ORDER = ["get", "put", "post", "patch", "delete"] as const;
const SHAPES = ["read", "create", "update"] as const;

interface Built {
  ctx: SchemaContext;
  ex: Examples;
  schemas: Record<string, Schema>;
  responses: Record<string, Response>;
  tiers: ReadonlyMap<string, RateLimit>;
  errors: ReadonlyMap<string, ErrorDef>;
  schemes: ReadonlyMap<string, AuthScheme>;
}

const sortKeys = <T>(obj: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

// ---- reusable pieces: components/headers and components/parameters ----

const HEADERS: Record<string, Header> = {
  RateLimitLimit: {
    description: "Requests allowed in the current window of this operation's tier (see `x-rate-limit`).",
    schema: { type: "integer", format: "int32", minimum: 0 },
    example: 600,
  },
  RateLimitRemaining: {
    description: "Requests left in the current window.",
    schema: { type: "integer", format: "int32", minimum: 0 },
    example: 599,
  },
  RateLimitReset: {
    description: "Seconds until the window resets.",
    schema: { type: "integer", format: "int32", minimum: 0 },
    example: 42,
  },
  RetryAfter: {
    description: "Seconds to wait before retrying (RFC 9110 §10.2.3).",
    schema: { type: "integer", format: "int32", minimum: 0 },
    example: 30,
  },
  ETag: {
    description: "Entity tag of the returned representation (its version); send it back in If-None-Match or If-Match.",
    schema: { type: "string", maxLength: 128 },
    example: '"7"',
  },
  Deprecation: {
    description:
      "Present when the operation is deprecated (RFC 9745): `@` followed by the Unix time it was deprecated.",
    schema: { type: "string" },
    example: "@1767225600",
  },
};

const PARAMETERS: (d: NDesign) => Record<string, Parameter> = (d) => ({
  Cursor: {
    name: "cursor",
    in: "query",
    required: false,
    description: "Opaque cursor from the previous page's `nextCursor`; omit for the first page.",
    schema: { type: "string", maxLength: 512 },
    example: "eyJpZCI6IjEwMCJ9",
  },
  Limit: {
    name: "limit",
    in: "query",
    required: false,
    description: `Page size (default ${d.api.pagination.defaultLimit}, at most ${d.api.pagination.maxLimit}).`,
    schema: {
      type: "integer",
      format: "int32",
      minimum: 1,
      maximum: d.api.pagination.maxLimit,
      default: d.api.pagination.defaultLimit,
    },
    example: d.api.pagination.defaultLimit,
  },
  IfNoneMatch: {
    name: "If-None-Match",
    in: "header",
    required: false,
    description: "The ETag the client holds; 304 Not Modified when it is still current.",
    schema: { type: "string", maxLength: 1024 },
    example: '"7"',
  },
  IfMatch: {
    name: "If-Match",
    in: "header",
    required: true,
    description: "The ETag of the version being changed; 412 when someone changed it since (optimistic concurrency).",
    schema: { type: "string", maxLength: 1024 },
    example: '"7"',
  },
  IdempotencyKey: {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    description:
      "Client-generated unique key (a UUID) making retries safe: a repeat with the same key returns the first response instead of acting twice.",
    schema: { type: "string", minLength: 1, maxLength: 255 },
    example: "5f1c7a52-3f0e-4e1b-9d7a-2b8f6c4e9a10",
  },
});

// ---- schemas ----

function componentSchemas(design: NDesign, ctx: SchemaContext, ex: Examples): Record<string, Schema> {
  const schemas: Record<string, Schema> = {};
  for (const e of design.data.enums) {
    schemas[e.name] = {
      type: "string",
      ...(e.description ? { description: e.description } : {}),
      enum: [...e.values],
      example: e.values[0],
    };
  }
  for (const entity of design.data.entities) {
    for (const shape of SHAPES) schemas[shapeName(entity.name, shape)] = entityShapeSchema(entity, shape, ctx, ex);
  }
  for (const p of design.schemas) schemas[p.name] = payloadSchema(p, ctx, ex);
  for (const e of design.api.endpoints) {
    if (e.response.paginated && e.response.schema)
      schemas[`${e.response.schema}Page`] = pageSchema(e.response.schema, ex);
  }
  Object.assign(schemas, problemSchemas(design));
  return schemas;
}

function examplesFor(design: NDesign): Examples {
  const enums = new Map(design.data.enums.map((e) => [e.name, e] as const));
  const payloads = new Map(design.schemas.map((p) => [p.name, p] as const));
  const ex: Examples = new Examples((name) => {
    const en = enums.get(name);
    if (en) return en.values[0]!;
    const entity = findEntity(design, name);
    if (entity) return entityExample(entity, ex);
    const p = payloads.get(name);
    assert(p, `example of unknown schema ${name}`);
    return payloadExample(p, ex);
  });
  return ex;
}

// ---- operations ----

/** The component schema name of a body or response `schema` (entities: the shape's name). */
function schemaNameOf(design: NDesign, schema: string, shape: "read" | "create" | "update"): string {
  return findEntity(design, schema) ? shapeName(schema, shape) : schema;
}

/** Property names a `fields` selection may name. */
function selectableFields(design: NDesign, schema: string): string[] {
  const entity = findEntity(design, schema);
  if (entity) return shapeFields(entity, "read").map((f) => f.name);
  return design.schemas.find((p) => p.name === schema)?.properties.map((p) => p.name) ?? [];
}

function parameters(e: NEndpoint, b: Built, design: NDesign): Array<Parameter | Ref> {
  const out: Array<Parameter | Ref> = e.params.map((p) => ({
    name: p.name,
    in: p.in,
    required: p.required,
    ...(p.description ? { description: p.description } : {}),
    schema: propertySchema(p, b.ctx, {}),
    example: parameterExample(p, b.ex) as never,
  }));
  const declared = new Set(e.params.map((p) => `${p.in}:${p.name.toLowerCase()}`));
  const add = (name: string, where: string, param: string) => {
    if (!declared.has(`${where}:${param.toLowerCase()}`)) out.push(ref("parameters", name));
  };
  if (e.response.paginated) {
    add("Cursor", "query", "cursor");
    add("Limit", "query", "limit");
  }
  if (e.sparseFields && e.response.schema && !declared.has("query:fields")) {
    const names = selectableFields(design, e.response.schema);
    out.push({
      name: "fields",
      in: "query",
      required: false,
      description:
        "Comma-separated properties to return (smaller payloads); unselected properties are omitted from the response. All when absent.",
      style: "form",
      explode: false,
      schema: { type: "array", items: { type: "string", enum: names }, minItems: 1, uniqueItems: true },
      example: names.slice(0, 2) as never,
    });
  }
  if (e.caching?.etag) add("IfNoneMatch", "header", "If-None-Match");
  if (e.ifMatch) add("IfMatch", "header", "If-Match");
  if (e.idempotencyKey) add("IdempotencyKey", "header", "Idempotency-Key");
  return out;
}

function cacheControl(e: NEndpoint): string | undefined {
  const c = e.caching;
  if (!c) return undefined;
  if (c.noStore) return "no-store";
  return `${c.scope ?? "private"}, max-age=${c.maxAgeSeconds ?? 0}${(c.maxAgeSeconds ?? 0) === 0 ? ", must-revalidate" : ""}`;
}

function successResponse(e: NEndpoint, b: Built, design: NDesign): Response {
  const headers: Record<string, Header | Ref> = {};
  if (e.rateLimit)
    for (const h of ["RateLimitLimit", "RateLimitRemaining", "RateLimitReset"])
      headers[h.replace(/^RateLimit/, "RateLimit-")] = ref("headers", h);
  const cc = cacheControl(e);
  if (cc)
    headers["Cache-Control"] = {
      description: "Caching policy of this response.",
      schema: { type: "string" },
      example: cc,
    };
  if ((e.caching?.etag || e.ifMatch) && e.response.schema) headers.ETag = ref("headers", "ETag");
  if (e.deprecated) {
    headers.Deprecation = ref("headers", "Deprecation");
    if (e.deprecated.sunset)
      headers.Sunset = {
        description: "After this date the operation may be removed (RFC 8594).",
        schema: { type: "string" },
        example: `${e.deprecated.sunset}T00:00:00Z`,
      };
  }
  const status = e.response.status;
  const description =
    e.response.description ?? { 200: "OK.", 201: "Created.", 202: "Accepted.", 204: "Done; no content." }[status];
  const res: Response = { description, ...(Object.keys(headers).length ? { headers: sortKeys(headers) } : {}) };
  if (e.response.schema && status !== 204) {
    const item = schemaNameOf(design, e.response.schema, "read");
    const name = e.response.paginated ? `${e.response.schema}Page` : item;
    res.content = { "application/json": { schema: ref("schemas", name), example: b.schemas[name]!.example } };
  }
  return res;
}

function errorResponses(e: NEndpoint, b: Built, design: NDesign): Record<string, Response | Ref> {
  const byStatus = new Map<number, ErrorDef[]>();
  for (const code of e.errors) {
    const def = b.errors.get(code);
    assert(def, `endpoint ${e.operationId} names unknown error ${code}`);
    byStatus.set(def.status, [...(byStatus.get(def.status) ?? []), def]);
  }
  const tier = e.rateLimit ? b.tiers.get(e.rateLimit) : undefined;
  const out: Record<string, Response | Ref> = {};
  for (const [status, defs] of byStatus) {
    const headers =
      status === 429 && tier
        ? {
            "Retry-After": ref("headers", "RetryAfter"),
            "RateLimit-Limit": ref("headers", "RateLimitLimit"),
            "RateLimit-Remaining": ref("headers", "RateLimitRemaining"),
            "RateLimit-Reset": ref("headers", "RateLimitReset"),
          }
        : undefined;
    const response = errorResponse(design, status, defs, headers);
    if (status === 429 && tier) {
      response.description = `Rate limit \`${tier.name}\` exceeded: ${tier.requests} requests per ${tier.windowSeconds} s per ${tier.scope}${tier.burst ? ` (burst ${tier.burst})` : ""}. ${response.description}`;
      (response as unknown as Record<string, unknown>)["x-rate-limit"] = tierExtension(tier);
    }
    if (defs.length === 1) {
      const name = errorResponseName(defs[0]!.code, tier);
      const existing = b.responses[name];
      if (!existing || JSON.stringify(existing) === JSON.stringify(response)) {
        b.responses[name] = response;
        out[String(status)] = ref("responses", name);
        continue;
      }
    }
    out[String(status)] = response;
  }
  return out;
}

const tierExtension = (t: RateLimit) => ({
  tier: t.name,
  requests: t.requests,
  windowSeconds: t.windowSeconds,
  scope: t.scope,
  ...(t.burst !== undefined ? { burst: t.burst } : {}),
});

function security(e: NEndpoint, b: Built): OpenAPIV3.SecurityRequirementObject[] {
  if (e.auth.public) return [];
  return e.auth.schemes.map((s) => ({ [s]: b.schemes.get(s)?.type === "oauth2" ? [...e.auth.scopes] : [] }));
}

function operation(e: NEndpoint, b: Built, design: NDesign): OpenAPIV3.OperationObject {
  const notes: string[] = [];
  if (e.description) notes.push(e.description);
  if (e.deprecated) {
    notes.push(
      `**Deprecated** since ${e.deprecated.since}${e.deprecated.sunset ? `, removed after ${e.deprecated.sunset}` : ""}.${e.deprecated.replacement ? ` Use \`${e.deprecated.replacement}\` instead.` : ""}${e.deprecated.reason ? ` ${e.deprecated.reason}` : ""}`,
    );
  }
  const nonOauthScopes =
    !e.auth.public && e.auth.scopes.length > 0 && e.auth.schemes.some((s) => b.schemes.get(s)?.type !== "oauth2");
  if (nonOauthScopes) notes.push(`Requires scopes: ${e.auth.scopes.map((s) => `\`${s}\``).join(", ")}.`);
  const params = parameters(e, b, design);
  const responses: Record<string, Response | Ref> = { [String(e.response.status)]: successResponse(e, b, design) };
  if (e.caching?.etag) responses["304"] = ref("responses", "NotModified");
  Object.assign(responses, errorResponses(e, b, design));
  const tier = e.rateLimit ? b.tiers.get(e.rateLimit) : undefined;
  // `responses` is set below, after `requestBody`, to keep the conventional key order.
  const op = {
    operationId: e.operationId,
    summary: e.summary,
    ...(notes.length ? { description: notes.join("\n\n") } : {}),
    tags: [...e.tags],
    ...(params.length ? { parameters: params } : {}),
  } as OpenAPIV3.OperationObject<Record<`x-${string}`, unknown>>;
  if (e.body) {
    const name = schemaNameOf(design, e.body.schema, e.body.shape ?? "create");
    op.requestBody = {
      required: true,
      ...(e.body.description ? { description: e.body.description } : {}),
      content: { "application/json": { schema: ref("schemas", name), example: b.schemas[name]!.example } },
    };
  }
  op.responses = sortKeys(responses);
  op.security = security(e, b);
  if (e.deprecated) op.deprecated = true;
  if (tier) op["x-rate-limit"] = tierExtension(tier);
  if (nonOauthScopes) op["x-required-scopes"] = [...e.auth.scopes];
  return op;
}

// ---- security schemes ----

function securityScheme(s: AuthScheme, design: NDesign): OpenAPIV3.SecuritySchemeObject {
  const scopes = Object.fromEntries(design.auth.scopes.map((sc) => [sc.name, sc.description ?? sc.name]));
  const lines = s.description ? [s.description] : [];
  switch (s.type) {
    case "jwt": {
      const j = s.jwt;
      if (j)
        lines.push(
          `Access tokens live ${j.accessTokenTtlSeconds} s${j.refreshTokenTtlSeconds ? `; refresh tokens ${j.refreshTokenTtlSeconds} s` : ""}${j.refreshRotation ? ", rotated on every refresh" : ""}${j.reuseDetection ? " with reuse detection (a reused token revokes its family)" : ""}.`,
        );
      return {
        type: "http",
        scheme: "bearer",
        bearerFormat: "JWT",
        ...(lines.length ? { description: lines.join(" ") } : {}),
      };
    }
    case "oauth2": {
      const o = s.oauth2;
      assert(o, `oauth2 scheme ${s.name} without its block passed semantic checks`);
      if (o.pkce && !lines.join(" ").includes("PKCE")) lines.push("Authorization code flow with PKCE (S256) required.");
      return {
        type: "oauth2",
        description: lines.join(" ") || "OAuth 2.0 authorization code flow.",
        flows: {
          authorizationCode: {
            authorizationUrl: o.authorizationUrl,
            tokenUrl: o.tokenUrl,
            ...(o.refreshUrl ? { refreshUrl: o.refreshUrl } : {}),
            scopes,
          },
        },
        ...(o.pkce ? { "x-pkce": "S256" } : {}),
      } as OpenAPIV3.OAuth2SecurityScheme;
    }
    case "api-key": {
      const k = s.apiKey;
      assert(k, `api-key scheme ${s.name} without its block passed semantic checks`);
      if (k.rotationDays) lines.push(`Keys must be rotated every ${k.rotationDays} days.`);
      return { type: "apiKey", in: k.in, name: k.name, ...(lines.length ? { description: lines.join(" ") } : {}) };
    }
    case "session": {
      const c = s.session;
      assert(c, `session scheme ${s.name} without its block passed semantic checks`);
      lines.push(`Server-side session cookie, idle lifetime ${c.ttlSeconds} s.`);
      return { type: "apiKey", in: "cookie", name: c.cookieName, description: lines.join(" ") };
    }
  }
}

// ---- pruning ----

function refsIn(value: unknown, out: string[]): void {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refsIn(v, out);
    }
  }
}

/** Keeps only the components reachable from `paths` (and schemes some operation requires). */
function prune(doc: Doc): void {
  const components = doc.components as Record<string, Record<string, unknown>>;
  const seen = new Set<string>();
  const queue: string[] = [];
  refsIn(doc.paths, queue);
  while (queue.length) {
    const r = queue.pop()!;
    if (seen.has(r)) continue;
    seen.add(r);
    const [, , kind, name] = r.split("/");
    const target = components[kind!]?.[name!];
    if (target) refsIn(target, queue);
  }
  for (const kind of ["schemas", "responses", "parameters", "headers"]) {
    const map = components[kind];
    if (!map) continue;
    const kept = Object.fromEntries(Object.entries(map).filter(([name]) => seen.has(`#/components/${kind}/${name}`)));
    if (Object.keys(kept).length) components[kind] = kept;
    else delete components[kind];
  }
  const used = new Set(
    Object.values(doc.paths).flatMap((item) =>
      METHOD_ORDER.flatMap((m) => (item?.[m]?.security ?? []).flatMap((req) => Object.keys(req))),
    ),
  );
  if (components.securitySchemes) {
    const kept = Object.fromEntries(Object.entries(components.securitySchemes).filter(([name]) => used.has(name)));
    if (Object.keys(kept).length) components.securitySchemes = kept;
    else delete components.securitySchemes;
  }
}

/**
 * Builds the OpenAPI 3.0.3 document of a design (OpenAPI Specification 3.0.3, §4.7): plain data,
 * which the build derives once into its model (generators/model.ts) for every artifact to read.
 */
export function buildDocument(design: NDesign): Doc {
  const ctx = schemaContext(design);
  const ex = examplesFor(design);
  const b: Built = {
    ctx,
    ex,
    schemas: componentSchemas(design, ctx, ex),
    responses: {
      NotModified: {
        description: "Not modified: the representation matching If-None-Match is still current.",
        headers: { ETag: ref("headers", "ETag") },
      },
    },
    tiers: new Map(design.rateLimits.map((t) => [t.name, t] as const)),
    errors: new Map(design.errors.map((e) => [e.code, e] as const)),
    schemes: new Map(design.auth.schemes.map((s) => [s.name, s] as const)),
  };

  const paths: Record<string, OpenAPIV3.PathItemObject> = {};
  for (const e of design.api.endpoints) {
    const item = (paths[e.path] ??= {});
    const method = e.method.toLowerCase() as (typeof METHOD_ORDER)[number];
    assert(!item[method], `duplicate route ${e.method} ${e.path} passed semantic checks`);
    item[method] = operation(e, b, design);
  }
  const orderedPaths = Object.fromEntries(
    Object.entries(sortKeys(paths)).map(([p, item]) => [
      p,
      Object.fromEntries(METHOD_ORDER.filter((m) => item[m]).map((m) => [m, item[m]])),
    ]),
  );

  const info = design.info;
  const doc: Doc = {
    openapi: "3.0.3",
    info: {
      title: info.title,
      version: info.version,
      ...(info.description ? { description: info.description } : {}),
      ...(info.contact ? { contact: { ...info.contact } } : {}),
    },
    servers: design.api.servers.length
      ? design.api.servers.map((s) => ({
          url: s.url.replace(/\/+$/, "") + design.api.versionedBasePath,
          description: s.description ?? s.name,
        }))
      : [{ url: design.api.versionedBasePath, description: "Relative to the host serving this document." }],
    tags: design.api.tags.map((t) => ({
      name: t.name,
      description: t.description ?? `Operations grouped under ${t.name}.`,
    })),
    paths: orderedPaths,
    components: {
      schemas: sortKeys(b.schemas),
      responses: sortKeys(b.responses),
      parameters: sortKeys(PARAMETERS(design)),
      headers: sortKeys(HEADERS),
      securitySchemes: sortKeys(
        Object.fromEntries(design.auth.schemes.map((s) => [s.name, securityScheme(s, design)])),
      ),
    },
  };
  if (design.api.versioning.policy)
    (doc.info as unknown as Record<string, unknown>)["x-versioning"] = {
      strategy: design.api.versioning.strategy,
      current: design.api.versioning.current,
      policy: design.api.versioning.policy,
    };
  prune(doc);
  return doc;
}

export type { Json };
