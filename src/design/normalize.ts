/**
 * Normalisation: a schema-valid, semantically checked design becomes a `NormalizedDesign` —
 * every default filled in, derived fields (timestamps, sync columns) and the sync feed added,
 * catalog-like collections in canonical (name) order. Generators read only this shape, so no
 * generator repeats a default. The result is deeply frozen.
 */
import type {
  Design,
  Entity,
  Field,
  Endpoint,
  Parameter,
  ErrorDef,
  Payload,
  Visibility,
  Shape,
  AuthScheme,
  EnumDef,
  RateLimit,
  Index,
  ForeignKey,
  Architecture,
  Property,
} from "./schema.ts";
import { VISIBILITIES } from "./schema.ts";
import { snakeCase, pluralize, pascalCase } from "./names.ts";
import { resolveType, isResolved, type ResolvedItems, type Resolved } from "./types.ts";

/**
 * A field with its type resolved: `maxLength` of string/email/url and `precision`/`scale` of a
 * decimal are always present (`resolveType`), so every target reads the same numbers.
 */
export type NField = NFieldBase & Resolved;
interface NFieldBase extends Omit<Field, "items"> {
  items?: ResolvedItems;
  column: string;
  nullable: boolean;
  visibility: Visibility[];
  /** True for fields contractor added (timestamps, sync columns). */
  generated: boolean;
}
export interface NForeignKey extends Required<Omit<ForeignKey, "relationship">> {
  relationship?: string;
  /** True when it came from a field's `references`. */
  fromField: boolean;
}
export interface NEntity
  extends Omit<
    Entity,
    "fields" | "primaryKey" | "uniques" | "indexes" | "checks" | "foreignKeys" | "timestamps" | "sync"
  > {
  table: string;
  fields: NField[];
  primaryKey: string[];
  uniques: NonNullable<Entity["uniques"]>;
  indexes: Index[];
  checks: NonNullable<Entity["checks"]>;
  /** Every foreign key, single-column `references` included, in declaration order. */
  foreignKeys: NForeignKey[];
  timestamps: boolean;
  sync: boolean;
}
export type NParameter = Parameter & Resolved & { required: boolean };
/** An API-only payload whose properties have their type resolved. */
type NPayload = Omit<Payload, "properties"> & { properties: Array<Property & Resolved> };
export interface NEndpoint extends Omit<Endpoint, "tags" | "auth" | "params" | "errors" | "rateLimit" | "body"> {
  tags: string[];
  auth: { public: boolean; schemes: string[]; scopes: string[] };
  params: NParameter[];
  body?: { schema: string; shape?: Shape; description?: string };
  errors: string[];
  rateLimit?: string;
  /** The sync feed added by normalisation. */
  generated: boolean;
}
export interface NDesign {
  contractor: 1;
  info: Design["info"];
  api: Omit<Design["api"], "endpoints" | "tags" | "pagination" | "basePath" | "servers" | "defaultAuth" | "sync"> & {
    basePath: string;
    /** `/api/v1`: the base path every endpoint path is relative to. */
    versionedBasePath: string;
    servers: NonNullable<Design["api"]["servers"]>;
    defaultAuth: string[];
    pagination: { defaultLimit: number; maxLimit: number };
    tags: NonNullable<Design["api"]["tags"]>;
    endpoints: NEndpoint[];
  };
  data: { enums: EnumDef[]; entities: NEntity[] };
  schemas: NPayload[];
  errors: ErrorDef[];
  rateLimits: RateLimit[];
  auth: {
    schemes: AuthScheme[];
    scopes: NonNullable<NonNullable<Design["auth"]>["scopes"]>;
    roles: NonNullable<NonNullable<Design["auth"]>["roles"]>;
    mobileStorage?: string;
  };
  architecture?: Architecture;
}

/** Error codes every design gets, so automatic responses (401, 403, 412, 422, 429, 500) have a catalog entry. */
export const BUILTIN_ERRORS: readonly ErrorDef[] = [
  {
    code: "unauthenticated",
    status: 401,
    title: "Authentication required",
    description:
      "The request carries no valid credentials, or the access token expired. Refresh the token or sign in again.",
  },
  {
    code: "forbidden",
    status: 403,
    title: "Not allowed",
    description: "The credentials are valid but lack a required scope or role.",
  },
  {
    code: "precondition-failed",
    status: 412,
    title: "Resource changed",
    description: "The If-Match ETag no longer matches: someone else changed the resource. Fetch it again and retry.",
  },
  {
    code: "validation-failed",
    status: 422,
    title: "Invalid request",
    description:
      "The request body or parameters break the contract; `errors` lists each problem with its JSON pointer.",
  },
  {
    code: "rate-limited",
    status: 429,
    title: "Too many requests",
    description: "The rate-limit tier is exhausted. Wait for Retry-After seconds before retrying.",
  },
  {
    code: "internal-error",
    status: 500,
    title: "Internal error",
    description: "An unexpected server error. Safe to retry idempotent requests with backoff.",
  },
];

export const SYNC_FEED_SCHEMA = "SyncChanges";

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function tableName(entity: Pick<Entity, "name" | "table">): string {
  return entity.table ?? pluralize(snakeCase(entity.name));
}

export function defaultShape(method: Endpoint["method"]): Shape {
  return method === "PATCH" ? "update" : "create";
}

function generatedField(name: string, column: string, partial: Partial<Field>): NField {
  return {
    name,
    type: "timestamp",
    column,
    nullable: false,
    visibility: ["read"],
    generated: true,
    ...partial,
  } as NField;
}

function normalizeEntity(entity: Entity): NEntity {
  const fields: NField[] = entity.fields.map((f) => ({
    ...resolveType(f),
    column: f.column ?? snakeCase(f.name),
    nullable: f.nullable ?? false,
    visibility: f.visibility ? VISIBILITIES.filter((v) => f.visibility!.includes(v)) : [...VISIBILITIES],
    generated: false,
  }));
  const has = (name: string) => fields.some((f) => f.name === name);
  const timestamps = entity.timestamps ?? true;
  const sync = entity.sync ?? false;
  const now = { kind: "now" as const };
  if (timestamps && !has("createdAt"))
    fields.push(generatedField("createdAt", "created_at", { default: now, description: "When the row was created." }));
  if ((timestamps || sync) && !has("updatedAt"))
    fields.push(generatedField("updatedAt", "updated_at", { default: now, description: "When the row last changed." }));
  const indexes = [...(entity.indexes ?? [])];
  if (sync) {
    if (!has("deletedAt"))
      fields.push(
        generatedField("deletedAt", "deleted_at", {
          nullable: true,
          description: "Tombstone: when the row was deleted. Deleted rows stay visible to the changes feed.",
        }),
      );
    if (!has("version"))
      fields.push(
        generatedField("version", "version", {
          type: "bigint",
          default: { kind: "literal", value: 1 },
          description: "Row version, incremented on every change; the ETag of the resource.",
        }),
      );
    if (!indexes.some((i) => i.name === "sync_updated_at")) {
      indexes.push({
        name: "sync_updated_at",
        fields: ["updatedAt"],
        description: "Delta queries of the changes feed (updated since a cursor).",
      });
    }
  }
  const primaryKey = entity.primaryKey ?? fields.filter((f) => f.primaryKey).map((f) => f.name);
  const foreignKeys: NForeignKey[] = [];
  for (const f of fields) {
    if (!f.references) continue;
    foreignKeys.push({
      name: `${snakeCase(f.name)}_fkey`,
      fields: [f.name],
      entity: f.references.entity,
      references: [f.references.field ?? "id"],
      onDelete: f.references.onDelete ?? "no-action",
      onUpdate: f.references.onUpdate ?? "no-action",
      index: f.references.index ?? true,
      ...(f.references.relationship ? { relationship: f.references.relationship } : {}),
      fromField: true,
    });
  }
  for (const fk of entity.foreignKeys ?? []) {
    foreignKeys.push({
      ...fk,
      onDelete: fk.onDelete ?? "no-action",
      onUpdate: fk.onUpdate ?? "no-action",
      index: fk.index ?? true,
      fromField: false,
    });
  }
  return {
    ...entity,
    table: tableName(entity),
    fields,
    primaryKey,
    uniques: entity.uniques ?? [],
    indexes,
    checks: entity.checks ?? [],
    foreignKeys,
    timestamps,
    sync,
  };
}

function resolveReferenceTargets(entities: NEntity[]): void {
  // A field reference without `field` points at the target's single-column primary key.
  const byName = new Map(entities.map((e) => [e.name, e] as const));
  for (const entity of entities) {
    for (const fk of entity.foreignKeys) {
      if (!fk.fromField) continue;
      const source = entity.fields.find((f) => f.name === fk.fields[0]);
      if (source?.references?.field) continue;
      const target = byName.get(fk.entity);
      if (target && target.primaryKey.length === 1) fk.references = [target.primaryKey[0]!];
    }
  }
}

function defaultTag(path: string): string {
  const first = path.split("/").find((s) => s && !s.startsWith("{"));
  return pascalCase(first ?? "default");
}

function automaticErrors(e: Endpoint, isPublic: boolean, rateLimit: string | undefined, withScopes: boolean): string[] {
  const codes: string[] = [];
  if (!isPublic) codes.push("unauthenticated");
  if (!isPublic && withScopes) codes.push("forbidden");
  if (e.ifMatch) codes.push("precondition-failed");
  if (e.body || (e.params ?? []).length > 0 || e.response.paginated) codes.push("validation-failed");
  if (rateLimit) codes.push("rate-limited");
  codes.push("internal-error");
  return codes;
}

function normalizeEndpoint(
  e: Endpoint,
  design: Design,
  entityNames: ReadonlySet<string>,
  generated: boolean,
): NEndpoint {
  const isPublic = e.auth?.public ?? false;
  const schemes = isPublic ? [] : (e.auth?.schemes ?? design.api.defaultAuth ?? []);
  const scopes = e.auth?.scopes ?? [];
  const rateLimit = e.rateLimit ?? design.api.defaultRateLimit;
  const explicit = e.errors ?? [];
  const auto = automaticErrors(e, isPublic, rateLimit, scopes.length > 0);
  const errors = [...explicit, ...auto.filter((c) => !explicit.includes(c))];
  const params: NParameter[] = (e.params ?? []).map((p) => ({
    ...resolveType(p),
    required: p.in === "path" ? true : (p.required ?? false),
  }));
  const { tags: _t, auth: _a, params: _p, errors: _e, rateLimit: _r, body, ...rest } = e;
  return {
    ...rest,
    tags: e.tags ?? [defaultTag(e.path)],
    auth: { public: isPublic, schemes, scopes },
    params,
    ...(body
      ? { body: entityNames.has(body.schema) ? { ...body, shape: body.shape ?? defaultShape(e.method) } : body }
      : {}),
    errors,
    ...(rateLimit ? { rateLimit } : {}),
    generated,
  };
}

/** The changes feed of offline sync, as an ordinary endpoint plus its payload schema. */
function syncFeed(design: Design, syncEntities: NEntity[]): { endpoint: Endpoint; payload: Payload } {
  const cfg = design.api.sync ?? {};
  const payload: Payload = {
    name: SYNC_FEED_SCHEMA,
    description: "A page of changes since a cursor. Deleted rows arrive as tombstones (deletedAt set).",
    properties: [
      ...syncEntities.map((e) => ({
        name: e.name[0]!.toLowerCase() + e.name.slice(1) + "Changes",
        type: "array" as const,
        items: { type: "ref" as const, ref: e.name },
        description: `${e.name} rows created, updated or deleted since the cursor, oldest first.`,
      })),
      {
        name: "nextCursor",
        type: "string" as const,
        maxLength: 512,
        description: "Pass as `since` to fetch the next page; store it once the page is applied.",
        example: "eyJ0IjoiMjAyNi0xMS0yMlQxMDowMDowMFoifQ",
      },
      { name: "hasMore", type: "boolean" as const, description: "More changes are waiting: fetch again immediately." },
    ],
  };
  const endpoint: Endpoint = {
    operationId: cfg.operationId ?? "listChanges",
    method: "GET",
    path: cfg.path ?? "/sync/changes",
    summary: "Changes since a cursor (offline sync)",
    description:
      cfg.description ??
      `Delta feed for offline clients: every change to ${syncEntities.map((e) => e.name).join(", ")} since \`since\`, tombstones included.`,
    tags: ["Sync"],
    params: [
      {
        name: "since",
        in: "query",
        type: "string",
        maxLength: 512,
        description: "Cursor from the previous page; omit for a full sync.",
      },
      {
        name: "limit",
        in: "query",
        type: "integer",
        minimum: 1,
        maximum: design.api.pagination?.maxLimit ?? 100,
        description: "Maximum rows per entity in this page.",
      },
    ],
    response: { status: 200, schema: SYNC_FEED_SCHEMA, description: "The changes." },
    ...(cfg.rateLimit ? { rateLimit: cfg.rateLimit } : {}),
    ...(cfg.scopes ? { auth: { scopes: cfg.scopes } } : {}),
    caching: { noStore: true },
  };
  return { endpoint, payload };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function resolvePayload(p: Payload): NPayload {
  return p.properties.every(isResolved) ? (p as NPayload) : { ...p, properties: p.properties.map(resolveType) };
}

/**
 * The type defaults of a normalised model filled again: a `design.json` written by an earlier
 * version may lack lengths and precisions that normalisation now resolves. Returns `design`
 * itself when nothing was missing, so identity-keyed caches keep working.
 */
export function resolveDefaults(design: NDesign): NDesign {
  const complete =
    design.data.entities.every((e) => e.fields.every(isResolved)) &&
    design.api.endpoints.every((e) => e.params.every(isResolved)) &&
    design.schemas.every((p) => p.properties.every(isResolved));
  if (complete) return design;
  return deepFreeze({
    ...design,
    api: {
      ...design.api,
      endpoints: design.api.endpoints.map((e) =>
        e.params.every(isResolved) ? e : { ...e, params: e.params.map(resolveType) },
      ),
    },
    data: {
      ...design.data,
      entities: design.data.entities.map((e) =>
        e.fields.every(isResolved) ? e : { ...e, fields: e.fields.map(resolveType) },
      ),
    },
    schemas: design.schemas.map(resolvePayload),
  });
}

/** Fills defaults and derived parts. Assumes the design passed schema and semantic checks. */
export function normalizeDesign(design: Design): NDesign {
  const entities = design.data.entities.map(normalizeEntity);
  resolveReferenceTargets(entities);
  const syncEntities = entities.filter((e) => e.sync);
  const schemas = (design.schemas ?? []).map(resolvePayload);
  const entityNames = new Set(entities.map((e) => e.name));
  const endpoints: NEndpoint[] = design.api.endpoints.map((e) => normalizeEndpoint(e, design, entityNames, false));
  const tags = [...(design.api.tags ?? [])];
  if (syncEntities.length > 0) {
    const feed = syncFeed(design, syncEntities);
    schemas.push(resolvePayload(feed.payload));
    endpoints.push(normalizeEndpoint(feed.endpoint, design, entityNames, true));
    if (!tags.some((t) => t.name === "Sync"))
      tags.push({ name: "Sync", description: "Offline sync: the delta changes feed." });
  }
  const tagNames = new Set(tags.map((t) => t.name));
  for (const t of endpoints.flatMap((e) => e.tags)) {
    if (!tagNames.has(t)) tags.push({ name: t });
    tagNames.add(t);
  }
  const errors = [...design.errors];
  for (const b of BUILTIN_ERRORS) if (!errors.some((e) => e.code === b.code)) errors.push(b);
  const basePath = design.api.basePath ?? "/api";
  const { endpoints: _e, tags: _t, pagination, basePath: _b, servers, defaultAuth, sync: _s, ...api } = design.api;
  return deepFreeze({
    contractor: 1,
    info: design.info,
    api: {
      ...api,
      basePath,
      versionedBasePath: `${basePath}/${design.api.versioning.current}`,
      servers: servers ?? [],
      defaultAuth: defaultAuth ?? [],
      pagination: { defaultLimit: pagination?.defaultLimit ?? 20, maxLimit: pagination?.maxLimit ?? 100 },
      tags: tags.sort(byName),
      endpoints,
    },
    data: { enums: [...(design.data.enums ?? [])].sort(byName), entities },
    schemas: schemas.sort(byName),
    errors: errors.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
    rateLimits: [...(design.rateLimits ?? [])].sort(byName),
    auth: {
      schemes: [...(design.auth?.schemes ?? [])],
      scopes: [...(design.auth?.scopes ?? [])].sort(byName),
      roles: [...(design.auth?.roles ?? [])].sort(byName),
      ...(design.auth?.mobileStorage ? { mobileStorage: design.auth.mobileStorage } : {}),
    },
    ...(design.architecture ? { architecture: design.architecture } : {}),
  });
}

// ---- lookups generators share ----

export function findEntity(design: NDesign, name: string): NEntity | undefined {
  return design.data.entities.find((e) => e.name === name);
}

export function findField(entity: NEntity, name: string): NField | undefined {
  return entity.fields.find((f) => f.name === name);
}

/** Fields of an entity's visibility shape, in order. */
export function shapeFields(entity: NEntity, shape: Shape): NField[] {
  return entity.fields.filter((f) => f.visibility.includes(shape));
}

/** Schema name of an entity shape: `Item`, `ItemCreate`, `ItemUpdate`. */
export function shapeName(entityName: string, shape: Shape): string {
  return shape === "read" ? entityName : `${entityName}${shape === "create" ? "Create" : "Update"}`;
}

/** In a create shape, a field is required unless it is nullable or has a default. */
export function requiredOnCreate(field: NField): boolean {
  return !field.nullable && field.default === undefined;
}
