/**
 * The design format — the single source of truth.
 *
 * `DesignSchema` is a JSON Schema (draft 2020-12 compatible subset) built with TypeBox, so the
 * TypeScript type `Design` is derived from the very same object at compile time.
 * `schemas/design.schema.json` is this object serialised (`npm run schema`); a test fails when
 * the file drifts from it. Every collection is an array of objects with a `name` (structured
 * outputs cannot express maps), every object is closed (`additionalProperties: false`) and
 * every property carries a description, which `docs/design-format.md` is generated from.
 */
import { Type, type Static, type TSchema, type TProperties } from "@sinclair/typebox";

const closed = <P extends TProperties>(description: string, properties: P) =>
  Type.Object(properties, { additionalProperties: false, description });
const str = (description: string, extra: Record<string, unknown> = {}) => Type.String({ description, ...extra });
const optStr = (description: string, extra: Record<string, unknown> = {}) => Type.Optional(str(description, extra));
const optBool = (description: string) => Type.Optional(Type.Boolean({ description }));
const optInt = (description: string, extra: Record<string, unknown> = {}) =>
  Type.Optional(Type.Integer({ description, ...extra }));
const oneOf = <T extends string>(description: string, values: readonly T[]) =>
  Type.Unsafe<T>({ type: "string", enum: [...values], description });
const list = <T extends TSchema>(description: string, item: T, extra: Record<string, unknown> = {}) =>
  Type.Array(item, { description, ...extra });

// ---- bounds: every number of the format has a realistic range, so a typo such as 1e308 is a
// diagnostic with a pointer instead of a value no artifact or server can carry ----
const DAY = 24 * 60 * 60;
/** Ten years: the longest lifetime (token, session, cache) a design can state. */
const MAX_TTL_SECONDS = 10 * 365 * DAY;
/** Requests, bursts and throughput: a billion is beyond any single API's tier. */
const MAX_RATE = 1_000_000_000;
/** PostgreSQL's limit on the length of varchar(n). */
const MAX_VARCHAR_LENGTH = 10_485_760;
/** An hour: no latency budget is longer. */
const MAX_LATENCY_MS = 60 * 60 * 1000;
/** Value bounds: up to 1e21 a number prints as plain digits in SQL, TypeScript and OpenAPI; every column type but numeric is far smaller. */
const MAX_BOUND = 1e21;

// ---- naming patterns (also enforced for hostile input: anything else is a diagnostic) ----
export const PATTERNS = {
  pascal: "^[A-Z][A-Za-z0-9]{0,119}$",
  camel: "^[a-z][A-Za-z0-9]{0,119}$",
  kebab: "^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
  snake: "^[a-z][a-z0-9_]{0,119}$",
  scope: "^[a-z][a-z0-9]*([:._-][a-z0-9]+)*$",
  slug: "^[a-z][a-z0-9-]{0,62}$",
  /** A SQL identifier override: printable, no control characters, at most 120 characters. */
  sqlName: "^[^\\u0000-\\u001f\\u007f]{1,120}$",
  path: "^(/[A-Za-z0-9._~-]*|/\\{[a-z][A-Za-z0-9]*\\})+$",
  semver: "^\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?$",
  version: "^v[1-9][0-9]*$",
} as const;

const pascalName = (what: string) => str(`${what} name, PascalCase (e.g. ShoppingList).`, { pattern: PATTERNS.pascal });
const camelName = (what: string) => str(`${what} name, camelCase (e.g. createdAt).`, { pattern: PATTERNS.camel });
const description = (what: string) => optStr(`What ${what} is for, in plain words. Carried into every artifact.`);

// ---- types shared by entity fields, payload properties and parameters ----

export const SCALAR_TYPES = [
  "string",
  "text",
  "integer",
  "bigint",
  "decimal",
  "boolean",
  "uuid",
  "email",
  "url",
  "date",
  "timestamp",
  "json",
] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];
export const FIELD_TYPES = [...SCALAR_TYPES, "enum", "array"] as const;
export const PROPERTY_TYPES = [...FIELD_TYPES, "ref"] as const;

/**
 * Length of a varchar-backed type when the design states none (email: RFC 5321's path limit; url:
 * the common browser limit). The schema's descriptions and the normaliser both read this table.
 */
export const DEFAULT_MAX_LENGTH = { string: 255, email: 320, url: 2048 } as const satisfies Partial<
  Record<ScalarType, number>
>;
/** `decimal` without precision/scale. */
export const DEFAULT_DECIMAL = { precision: 12, scale: 2 } as const;

const defaultLengths = Object.entries(DEFAULT_MAX_LENGTH)
  .map(([type, n]) => `\`${type}\` ${n}`)
  .join(", ");

const constraints = {
  maxLength: optInt(`Maximum length in characters (string, email, url). Defaults: ${defaultLengths}.`, {
    minimum: 1,
    maximum: MAX_VARCHAR_LENGTH,
  }),
  minLength: optInt("Minimum length in characters.", { minimum: 0, maximum: MAX_VARCHAR_LENGTH }),
  minimum: Type.Optional(
    Type.Number({
      description: "Smallest allowed value (integer, bigint, decimal).",
      minimum: -MAX_BOUND,
      maximum: MAX_BOUND,
    }),
  ),
  maximum: Type.Optional(
    Type.Number({
      description: "Largest allowed value (integer, bigint, decimal).",
      minimum: -MAX_BOUND,
      maximum: MAX_BOUND,
    }),
  ),
  pattern: optStr("ECMAScript regular expression the value must match (API validation only, not a database check)."),
  precision: optInt(`Total digits of a decimal (1–1000). Defaults to ${DEFAULT_DECIMAL.precision}.`, {
    minimum: 1,
    maximum: 1000,
  }),
  scale: optInt(`Digits after the decimal point of a decimal. Defaults to ${DEFAULT_DECIMAL.scale}.`, {
    minimum: 0,
    maximum: 1000,
  }),
  enum: optStr("For type `enum` (or array items of type `enum`): the name of an enum in `data.enums`.", {
    pattern: PATTERNS.pascal,
  }),
};

export const ArrayItemsSchema = closed("The element type of an array.", {
  type: oneOf("Element type. Arrays of arrays are not supported.", [...SCALAR_TYPES, "enum", "ref"] as const),
  enum: constraints.enum,
  ref: optStr("For type `ref`: the name of an entity or payload schema.", { pattern: PATTERNS.pascal }),
  maxLength: constraints.maxLength,
});

const exampleValue = Type.Optional(
  Type.Unsafe<string | number | boolean>({
    description: "An example value, used in the OpenAPI examples and the design document.",
    anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }],
  }),
);

export const DefaultSchema = closed("A default value for a column or property.", {
  kind: oneOf(
    "`now` (current timestamp), `uuid` (random UUID), `identity` (database-generated integer), `literal` (the `value`), `empty-array`.",
    ["now", "uuid", "identity", "literal", "empty-array"] as const,
  ),
  value: Type.Optional(
    Type.Unsafe<string | number | boolean>({
      description: "For kind `literal`: the value. Strings for text, dates and enum values; numbers; booleans.",
      anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }],
    }),
  ),
});

export const VISIBILITIES = ["read", "create", "update"] as const;
export const REFERENTIAL_ACTIONS = ["cascade", "restrict", "set-null", "set-default", "no-action"] as const;

export const ReferenceSchema = closed("A foreign key from this field to a field of another (or the same) entity.", {
  entity: str("The referenced entity.", { pattern: PATTERNS.pascal }),
  field: optStr("The referenced field. Defaults to the entity's single-column primary key.", {
    pattern: PATTERNS.camel,
  }),
  onDelete: Type.Optional(
    oneOf("What happens to this row when the referenced row is deleted. Defaults to `no-action`.", REFERENTIAL_ACTIONS),
  ),
  onUpdate: Type.Optional(
    oneOf("What happens when the referenced key changes. Defaults to `no-action`.", REFERENTIAL_ACTIONS),
  ),
  index: optBool("Create an index on this column (default true: every foreign key is an access path)."),
  relationship: optStr("Label of the relationship in the ERD, read from this entity (e.g. `belongs to`)."),
});

export const FieldSchema = closed(
  "A field of an entity: one definition drives the column, the API property and the TypeScript property.",
  {
    name: camelName("Field"),
    type: oneOf(
      "Portable type. `string` is varchar(maxLength), `text` unbounded, `json` is jsonb, `timestamp` is timestamptz.",
      FIELD_TYPES,
    ),
    ...constraints,
    items: Type.Optional(ArrayItemsSchema),
    column: optStr("Column name override. Defaults to the snake_case of the field name.", {
      pattern: PATTERNS.sqlName,
    }),
    description: description("the field"),
    nullable: optBool("The value may be null (NULL column, `nullable: true` property). Defaults to false."),
    primaryKey: optBool(
      "This field is (part of) the primary key. For composite keys prefer the entity's `primaryKey`.",
    ),
    unique: optBool("Values are unique across rows (a UNIQUE constraint)."),
    default: Type.Optional(DefaultSchema),
    references: Type.Optional(ReferenceSchema),
    visibility: Type.Optional(
      list(
        "Where the field appears in the API: `read` (responses), `create` (create payloads), `update` (update payloads). Defaults to all three; `[]` keeps the field internal (never in the API).",
        oneOf("A lifecycle phase.", VISIBILITIES),
        { uniqueItems: true },
      ),
    ),
    example: exampleValue,
    renamedFrom: optStr("The field's previous name, so the next migration renames the column instead of dropping it.", {
      pattern: PATTERNS.camel,
    }),
  },
);

export const PREDICATE_OPERATORS = ["is-null", "is-not-null", "=", "<>", "<", "<=", ">", ">="] as const;

export const PredicateSchema = closed("A comparison on one field; used by partial indexes and checks.", {
  field: str("The field compared.", { pattern: PATTERNS.camel }),
  operator: oneOf("Comparison operator.", PREDICATE_OPERATORS),
  value: Type.Optional(
    Type.Unsafe<string | number | boolean>({
      description:
        "The literal compared against (for operators other than is-null / is-not-null, unless `otherField` is given).",
      anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }],
    }),
  ),
  otherField: optStr("Compare with another field of the same entity instead of a literal.", {
    pattern: PATTERNS.camel,
  }),
});

export const IndexSchema = closed("A secondary index: one per access path the API needs.", {
  name: str("Index name, snake_case; the database name is derived from it and the table.", { pattern: PATTERNS.snake }),
  fields: list("Indexed fields, in order.", str("A field name.", { pattern: PATTERNS.camel }), { minItems: 1 }),
  unique: optBool("Enforce uniqueness over the indexed fields (within the `where` subset for partial indexes)."),
  where: Type.Optional(
    list("Partial index: only rows matching all of these predicates are indexed.", PredicateSchema, { minItems: 1 }),
  ),
  method: Type.Optional(
    oneOf("Index access method. Defaults to `btree`; `gin` suits json and arrays.", [
      "btree",
      "gin",
      "hash",
      "brin",
    ] as const),
  ),
  description: description("the index (which query it serves)"),
});

export const UniqueSchema = closed("A multi-column uniqueness constraint.", {
  name: str("Constraint name, snake_case.", { pattern: PATTERNS.snake }),
  fields: list("The fields that are unique together.", str("A field name.", { pattern: PATTERNS.camel }), {
    minItems: 1,
  }),
  description: description("the constraint"),
});

export const CheckSchema = closed("A row-level check constraint, expressed structurally (no raw SQL).", {
  name: str("Constraint name, snake_case.", { pattern: PATTERNS.snake }),
  ...PredicateSchema.properties,
  description: description("the rule"),
});

export const ForeignKeySchema = closed("A composite foreign key (for single columns, use the field's `references`).", {
  name: str("Constraint name, snake_case.", { pattern: PATTERNS.snake }),
  fields: list("The referencing fields of this entity.", str("A field name.", { pattern: PATTERNS.camel }), {
    minItems: 1,
  }),
  entity: str("The referenced entity.", { pattern: PATTERNS.pascal }),
  references: list(
    "The referenced fields, in the same order (a primary key or unique set).",
    str("A field name.", { pattern: PATTERNS.camel }),
    { minItems: 1 },
  ),
  onDelete: Type.Optional(oneOf("Action on delete. Defaults to `no-action`.", REFERENTIAL_ACTIONS)),
  onUpdate: Type.Optional(oneOf("Action on update. Defaults to `no-action`.", REFERENTIAL_ACTIONS)),
  index: optBool("Index the referencing columns (default true)."),
  relationship: optStr("Label of the relationship in the ERD."),
});

export const EntitySchema = closed("A persisted entity: a table, and the API schemas X, XCreate and XUpdate.", {
  name: pascalName("Entity"),
  table: optStr("Table name override. Defaults to the snake_case plural of the name (ShoppingList → shopping_lists).", {
    pattern: PATTERNS.sqlName,
  }),
  description: description("the entity"),
  fields: list("The fields, in column order.", FieldSchema, { minItems: 1 }),
  primaryKey: Type.Optional(
    list(
      "Composite primary key (field names, in order). Alternative to `primaryKey: true` on a field.",
      str("A field name.", { pattern: PATTERNS.camel }),
      { minItems: 1 },
    ),
  ),
  uniques: Type.Optional(list("Multi-column unique constraints.", UniqueSchema)),
  indexes: Type.Optional(list("Secondary indexes (multi-column, unique, partial).", IndexSchema)),
  checks: Type.Optional(list("Check constraints.", CheckSchema)),
  foreignKeys: Type.Optional(list("Composite foreign keys.", ForeignKeySchema)),
  timestamps: optBool("Add `createdAt` and `updatedAt` (read-only, default now). Defaults to true."),
  sync: optBool(
    "Offline sync: adds `updatedAt`, a `deletedAt` tombstone and a `version` counter, an index for delta queries, and includes the entity in the changes feed.",
  ),
  renamedFrom: optStr("The entity's previous name, so the next migration renames the table.", {
    pattern: PATTERNS.pascal,
  }),
});

export const EnumSchema = closed(
  "A named enumeration: a Postgres enum type, an OpenAPI enum schema, a TypeScript union.",
  {
    name: pascalName("Enum"),
    values: list(
      "The values, snake_case or kebab-case, in order.",
      str("An enum value.", { pattern: "^[a-z][a-z0-9_-]{0,62}$" }),
      { minItems: 1, uniqueItems: true },
    ),
    description: description("the enum"),
    renamedFrom: optStr(
      "The enum's previous name, so the next migration renames the Postgres type instead of recreating it and converting every column.",
      { pattern: PATTERNS.pascal },
    ),
  },
);

export const PropertySchema = closed("A property of an API-only payload.", {
  name: camelName("Property"),
  type: oneOf("Portable type, or `ref` to another payload schema or an entity's read shape.", PROPERTY_TYPES),
  ...constraints,
  ref: optStr("For type `ref`: the referenced payload schema or entity.", { pattern: PATTERNS.pascal }),
  items: Type.Optional(ArrayItemsSchema),
  required: optBool("The property must be present. Defaults to true."),
  nullable: optBool("The value may be null. Defaults to false."),
  description: description("the property"),
  example: exampleValue,
});

export const PayloadSchema = closed("An API-only payload (e.g. LoginRequest, TokenPair): named, never stored.", {
  name: pascalName("Schema"),
  description: description("the payload"),
  properties: list("The properties.", PropertySchema, { minItems: 1 }),
});

// ---- API ----

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export const SHAPES = ["read", "create", "update"] as const;

export const ParameterSchema = closed("A path, query or header parameter.", {
  name: str("Parameter name: camelCase for path and query, Header-Case for headers.", {
    pattern: "^[A-Za-z][A-Za-z0-9-]{0,62}$",
  }),
  in: oneOf("Where the parameter travels.", ["path", "query", "header"] as const),
  type: oneOf("Parameter type (scalars, enums and arrays of them).", FIELD_TYPES),
  ...constraints,
  items: Type.Optional(ArrayItemsSchema),
  required: optBool("The parameter must be present. Path parameters are always required; others default to false."),
  description: description("the parameter"),
  example: exampleValue,
});

export const BodySchema = closed("The request body.", {
  schema: str("An entity or payload schema name.", { pattern: PATTERNS.pascal }),
  shape: Type.Optional(
    oneOf("For entities: which visibility shape. Defaults to `create` for POST/PUT, `update` for PATCH.", SHAPES),
  ),
  description: description("the body"),
});

export const ResponseSchema = closed("The success response.", {
  status: Type.Unsafe<200 | 201 | 202 | 204>({
    type: "integer",
    enum: [200, 201, 202, 204],
    description: "Success status code.",
  }),
  schema: optStr("An entity (read shape) or payload schema. Omit for 204.", { pattern: PATTERNS.pascal }),
  paginated: optBool(
    "A cursor-paginated list of `schema`: adds `cursor` and `limit` query parameters and the `<Schema>Page` envelope.",
  ),
  description: description("the response"),
});

export const CachingSchema = closed("HTTP caching of a GET response.", {
  maxAgeSeconds: optInt("Cache-Control max-age in seconds (0 means revalidate every time).", {
    minimum: 0,
    maximum: MAX_TTL_SECONDS,
  }),
  scope: Type.Optional(
    oneOf("`private` (per user, the default) or `public` (shared caches and CDNs).", ["private", "public"] as const),
  ),
  etag: optBool("Send an ETag and honour If-None-Match with 304 Not Modified."),
  noStore: optBool("Cache-Control: no-store (sensitive data)."),
});

export const DeprecationSchema = closed("Deprecation of an endpoint.", {
  since: str("The version or date it was deprecated.", { minLength: 1 }),
  sunset: optStr("The date (YYYY-MM-DD) after which it may be removed; sent as the Sunset header.", {
    pattern: "^\\d{4}-\\d{2}-\\d{2}$",
  }),
  replacement: optStr("The operationId that replaces it.", { pattern: PATTERNS.camel }),
  reason: optStr("Why it is deprecated."),
});

export const EndpointAuthSchema = closed("Who may call the endpoint.", {
  public: optBool("No authentication (sign-in, health, public catalogues). Defaults to false."),
  schemes: Type.Optional(
    list(
      "Accepted auth schemes (any one suffices). Defaults to `api.defaultAuth`.",
      str("A scheme name.", { pattern: PATTERNS.camel }),
      { minItems: 1 },
    ),
  ),
  scopes: Type.Optional(list("Scopes the token must carry.", str("A scope name.", { pattern: PATTERNS.scope }))),
});

export const EndpointSchema = closed("An API operation.", {
  operationId: str("Stable camelCase operation id (e.g. listItems): the client method name.", {
    pattern: PATTERNS.camel,
  }),
  method: oneOf("HTTP method.", HTTP_METHODS),
  path: str("Path below the versioned base path, with {camelCase} parameters (e.g. /lists/{listId}/items).", {
    pattern: PATTERNS.path,
  }),
  summary: str("One line shown in endpoint tables.", { minLength: 1, maxLength: 200 }),
  description: description("the operation"),
  tags: Type.Optional(
    list(
      "Grouping tags (declared in `api.tags`). Defaults to the tag of the first path segment.",
      str("A tag.", { pattern: PATTERNS.pascal }),
    ),
  ),
  auth: Type.Optional(EndpointAuthSchema),
  params: Type.Optional(
    list("Path, query and header parameters. Every {param} in the path must be declared here.", ParameterSchema),
  ),
  body: Type.Optional(BodySchema),
  response: ResponseSchema,
  errors: Type.Optional(
    list(
      "Error codes from `errors` this operation can return (auth, validation and rate-limit errors are added automatically).",
      str("An error code.", { pattern: PATTERNS.kebab }),
    ),
  ),
  rateLimit: optStr("Rate-limit tier. Defaults to `api.defaultRateLimit`.", { pattern: PATTERNS.camel }),
  idempotencyKey: optBool("Accept an Idempotency-Key header so retries from flaky mobile networks are safe (POST)."),
  caching: Type.Optional(CachingSchema),
  ifMatch: optBool("Optimistic concurrency: require If-Match with the current ETag; 412 on conflict."),
  sparseFields: optBool("Accept a `fields` query parameter selecting which properties to return (small payloads)."),
  deprecated: Type.Optional(DeprecationSchema),
});

export const TagSchema = closed("An API tag.", {
  name: pascalName("Tag"),
  description: description("the tag"),
});

export const ServerSchema = closed("A server the API is deployed to.", {
  name: str("Environment name (production, staging…).", { pattern: PATTERNS.slug }),
  url: str("Origin URL without the base path, e.g. https://api.example.com.", {
    pattern: "^https?://[^\\s/$.?#][^\\s]*$",
  }),
  description: description("the server"),
});

export const SyncSchema = closed("The delta-changes endpoint for offline sync (entities with `sync: true`).", {
  path: optStr("Path of the changes feed. Defaults to /sync/changes.", { pattern: PATTERNS.path }),
  operationId: optStr("Defaults to listChanges.", { pattern: PATTERNS.camel }),
  rateLimit: optStr("Rate-limit tier of the feed.", { pattern: PATTERNS.camel }),
  scopes: Type.Optional(list("Scopes required.", str("A scope name.", { pattern: PATTERNS.scope }))),
  description: description("the feed"),
});

export const ApiSchema = closed("The HTTP API.", {
  basePath: optStr("Prefix before the version segment. Defaults to /api.", { pattern: "^(/[a-z0-9-]+)*$" }),
  versioning: closed("Versioning strategy: URL prefix (/api/v1).", {
    strategy: oneOf("Only `url-prefix` is supported: the version is a path segment.", ["url-prefix"] as const),
    current: str("Current major version segment, e.g. v1.", { pattern: PATTERNS.version }),
    policy: optStr("How long old versions live and how clients are told (Deprecation / Sunset headers)."),
  }),
  servers: Type.Optional(list("Deployments.", ServerSchema)),
  defaultAuth: Type.Optional(
    list(
      "Auth schemes applied to every non-public endpoint that names none.",
      str("A scheme name.", { pattern: PATTERNS.camel }),
    ),
  ),
  defaultRateLimit: optStr("Tier applied to endpoints that name none.", { pattern: PATTERNS.camel }),
  pagination: Type.Optional(
    closed("Cursor pagination defaults.", {
      defaultLimit: optInt("Page size when the client sends none. Defaults to 20.", { minimum: 1, maximum: 1000 }),
      maxLimit: optInt("Largest page size accepted. Defaults to 100.", { minimum: 1, maximum: 1000 }),
    }),
  ),
  tags: Type.Optional(list("Tags grouping the endpoints.", TagSchema)),
  sync: Type.Optional(SyncSchema),
  endpoints: list("The operations.", EndpointSchema, { minItems: 1 }),
});

// ---- errors, rate limits, auth ----

export const ErrorSchema = closed("An entry of the error catalog: the `code` of problem+json responses (RFC 9457).", {
  code: str("Stable kebab-case code clients switch on (e.g. list-not-found).", { pattern: PATTERNS.kebab }),
  status: Type.Integer({ minimum: 400, maximum: 599, description: "HTTP status." }),
  title: str("Short human-readable summary (problem+json `title`).", { minLength: 1 }),
  description: description("the error (when it happens, what the client should do)"),
});

export const RateLimitSchema = closed(
  "A rate-limit tier: exceeding it yields 429 with RateLimit and Retry-After headers.",
  {
    name: camelName("Tier"),
    requests: Type.Integer({ minimum: 1, maximum: MAX_RATE, description: "Requests allowed per window." }),
    windowSeconds: Type.Integer({
      minimum: 1,
      maximum: 365 * DAY,
      description: "Window length in seconds (at most a year).",
    }),
    scope: oneOf("What the budget is counted per.", ["user", "ip", "api-key", "client"] as const),
    burst: optInt("Extra requests allowed in a short burst.", { minimum: 0, maximum: MAX_RATE }),
    description: description("the tier"),
  },
);

export const AUTH_TYPES = ["jwt", "oauth2", "api-key", "session"] as const;

export const AuthSchemeSchema = closed("An authentication scheme; fill the block named by `type`.", {
  name: camelName("Scheme"),
  type: oneOf("`jwt` bearer tokens, `oauth2` authorization code (+PKCE), `api-key`, or cookie `session`.", AUTH_TYPES),
  description: description("the scheme"),
  jwt: Type.Optional(
    closed("JWT bearer access tokens with refresh tokens.", {
      accessTokenTtlSeconds: Type.Integer({
        minimum: 1,
        maximum: MAX_TTL_SECONDS,
        description: "Access token lifetime.",
      }),
      refreshTokenTtlSeconds: optInt("Refresh token lifetime.", { minimum: 1, maximum: MAX_TTL_SECONDS }),
      refreshRotation: optBool("Each refresh returns a new refresh token and invalidates the old one."),
      reuseDetection: optBool("Reuse of a rotated refresh token revokes the whole token family."),
      algorithm: optStr("Signing algorithm, e.g. ES256 or RS256.", { pattern: "^[A-Z]{2}[0-9]{3}$" }),
      issuer: optStr("Token issuer (iss)."),
    }),
  ),
  oauth2: Type.Optional(
    closed("OAuth2 authorization code flow.", {
      authorizationUrl: str("Authorization endpoint URL.", { pattern: "^https://" }),
      tokenUrl: str("Token endpoint URL.", { pattern: "^https://" }),
      refreshUrl: optStr("Refresh endpoint URL.", { pattern: "^https://" }),
      pkce: optBool("Require PKCE (S256). Mandatory for mobile and single-page clients."),
      accessTokenTtlSeconds: optInt("Access token lifetime.", { minimum: 1, maximum: MAX_TTL_SECONDS }),
      refreshTokenTtlSeconds: optInt("Refresh token lifetime.", { minimum: 1, maximum: MAX_TTL_SECONDS }),
      refreshRotation: optBool("Refresh tokens are rotated on use."),
    }),
  ),
  apiKey: Type.Optional(
    closed("An API key for server-to-server partners.", {
      in: oneOf("Where the key travels.", ["header", "query"] as const),
      name: str("Header or query parameter name.", { pattern: "^[A-Za-z][A-Za-z0-9-]{0,62}$" }),
      rotationDays: optInt("How often keys must be rotated.", { minimum: 1, maximum: 3650 }),
    }),
  ),
  session: Type.Optional(
    closed("A server-side session referenced by a cookie.", {
      cookieName: str("Cookie name.", { pattern: "^[A-Za-z0-9_-]{1,64}$" }),
      ttlSeconds: Type.Integer({ minimum: 1, maximum: MAX_TTL_SECONDS, description: "Idle lifetime." }),
    }),
  ),
  operations: Type.Optional(
    closed("The endpoints that implement the flow (used by the auth sequence diagram and the design document).", {
      signIn: optStr("operationId that signs in and issues tokens.", { pattern: PATTERNS.camel }),
      refresh: optStr("operationId that refreshes tokens.", { pattern: PATTERNS.camel }),
      signOut: optStr("operationId that signs out / revokes.", { pattern: PATTERNS.camel }),
    }),
  ),
});

export const ScopeSchema = closed("An OAuth-style permission.", {
  name: str("Scope name, e.g. lists:write.", { pattern: PATTERNS.scope }),
  description: description("the scope"),
});

export const RoleSchema = closed("A role granting scopes.", {
  name: camelName("Role"),
  description: description("the role"),
  scopes: list("Scopes granted.", str("A scope name.", { pattern: PATTERNS.scope })),
});

export const AuthSchema = closed("Authentication and authorisation.", {
  schemes: list("Auth schemes.", AuthSchemeSchema, { minItems: 1 }),
  scopes: Type.Optional(list("Declared scopes.", ScopeSchema)),
  roles: Type.Optional(list("Roles.", RoleSchema)),
  mobileStorage: optStr("Where mobile clients keep tokens (e.g. Keychain / Android Keystore)."),
});

// ---- architecture ----

export const COMPONENT_KINDS = [
  "database",
  "cache",
  "queue",
  "object-storage",
  "search",
  "cdn",
  "gateway",
  "load-balancer",
  "email",
  "push",
  "external",
] as const;

export const ArchitectureSchema = closed("Architecture: pattern, services, infrastructure, decisions, performance.", {
  pattern: oneOf("Service architecture.", ["monolith", "modular-monolith", "microservices"] as const),
  summary: optStr("The architecture in a paragraph."),
  clients: Type.Optional(
    list(
      "Who calls the API.",
      closed("A client application.", {
        name: camelName("Client"),
        kind: oneOf("Client kind.", ["ios", "android", "web", "desktop", "partner", "internal"] as const),
        description: description("the client"),
      }),
    ),
  ),
  services: Type.Optional(
    list(
      "Services (modules of a modular monolith, or deployables).",
      closed("A service.", {
        name: camelName("Service"),
        description: description("the service"),
        responsibilities: Type.Optional(
          list("What it owns, one line each.", str("A responsibility.", { minLength: 1 })),
        ),
        entities: Type.Optional(
          list("Entities whose tables it owns.", str("An entity name.", { pattern: PATTERNS.pascal })),
        ),
        tags: Type.Optional(list("API tags it serves.", str("A tag.", { pattern: PATTERNS.pascal }))),
        uses: Type.Optional(
          list("Services and components it calls.", str("A service or component name.", { pattern: PATTERNS.camel })),
        ),
      }),
    ),
  ),
  components: Type.Optional(
    list(
      "Infrastructure.",
      closed("An infrastructure component.", {
        name: camelName("Component"),
        kind: oneOf("Component kind.", COMPONENT_KINDS),
        technology: optStr("Product, e.g. PostgreSQL 16, Redis 7."),
        description: description("the component"),
      }),
    ),
  ),
  decisions: Type.Optional(
    list(
      "Architecture decisions.",
      closed("A decision record.", {
        name: str("Short slug, e.g. adr-postgres.", { pattern: PATTERNS.slug }),
        title: str("Title.", { minLength: 1 }),
        status: Type.Optional(oneOf("Status. Defaults to accepted.", ["proposed", "accepted", "superseded"] as const)),
        decision: str("What was decided.", { minLength: 1 }),
        rationale: str("Why.", { minLength: 1 }),
        alternatives: Type.Optional(
          list("Options considered and rejected, with the reason.", str("An alternative.", { minLength: 1 })),
        ),
      }),
    ),
  ),
  performance: Type.Optional(
    list(
      "Latency and throughput targets.",
      closed("A performance target.", {
        name: camelName("Target"),
        operations: Type.Optional(
          list("operationIds covered; all when omitted.", str("An operationId.", { pattern: PATTERNS.camel })),
        ),
        p95Ms: Type.Integer({
          minimum: 1,
          maximum: MAX_LATENCY_MS,
          description: "95th percentile latency budget, ms.",
        }),
        p99Ms: Type.Integer({
          minimum: 1,
          maximum: MAX_LATENCY_MS,
          description: "99th percentile latency budget, ms.",
        }),
        throughputRps: optInt("Sustained requests per second.", { minimum: 1, maximum: MAX_RATE }),
        description: description("the target"),
      }),
    ),
  ),
  scaling: Type.Optional(
    list("Scaling notes (statelessness, read replicas, partitioning…).", str("A note.", { minLength: 1 })),
  ),
});

// ---- the design ----

export const DesignSchema = Type.Object(
  {
    $schema: optStr("Optional editor hint pointing at schemas/design.schema.json."),
    contractor: Type.Literal(1, { description: "Format version. Always 1 for this format." }),
    info: closed("What the system is.", {
      name: str("Machine name, lowercase slug (e.g. listly).", { pattern: PATTERNS.slug }),
      title: str("Human title.", { minLength: 1, maxLength: 120 }),
      version: str("Design version (semver); becomes info.version of the API.", { pattern: PATTERNS.semver }),
      description: description("the system"),
      contact: Type.Optional(
        closed("Who owns the API.", {
          name: optStr("Team or person."),
          email: optStr("Contact email.", { format: "email" }),
          url: optStr("Contact page.", { format: "uri" }),
        }),
      ),
    }),
    api: ApiSchema,
    data: closed("The data model.", {
      enums: Type.Optional(list("Enumerations.", EnumSchema)),
      entities: list("Persisted entities.", EntitySchema, { minItems: 1 }),
    }),
    schemas: Type.Optional(list("API-only payloads (requests and responses that are not entities).", PayloadSchema)),
    errors: list("The error catalog.", ErrorSchema, { minItems: 1 }),
    rateLimits: Type.Optional(list("Rate-limit tiers.", RateLimitSchema)),
    auth: Type.Optional(AuthSchema),
    architecture: Type.Optional(ArchitectureSchema),
  },
  {
    additionalProperties: false,
    $id: "https://contractor.dev/schemas/design.schema.json",
    title: "contractor design",
    description: "One backend design: API, data, auth, errors, rate limits, architecture.",
  },
);

export type Design = Static<typeof DesignSchema>;
export type Entity = Static<typeof EntitySchema>;
export type Field = Static<typeof FieldSchema>;
export type EnumDef = Static<typeof EnumSchema>;
export type Payload = Static<typeof PayloadSchema>;
export type Property = Static<typeof PropertySchema>;
export type Endpoint = Static<typeof EndpointSchema>;
export type Parameter = Static<typeof ParameterSchema>;
export type ErrorDef = Static<typeof ErrorSchema>;
export type RateLimit = Static<typeof RateLimitSchema>;
export type AuthScheme = Static<typeof AuthSchemeSchema>;
export type Index = Static<typeof IndexSchema>;
export type Predicate = Static<typeof PredicateSchema>;
export type ForeignKey = Static<typeof ForeignKeySchema>;
export type Architecture = Static<typeof ArchitectureSchema>;
export type ArrayItems = Static<typeof ArrayItemsSchema>;
export type DefaultValue = Static<typeof DefaultSchema>;
export type Visibility = (typeof VISIBILITIES)[number];
export type Shape = (typeof SHAPES)[number];
export type FieldType = (typeof FIELD_TYPES)[number];
