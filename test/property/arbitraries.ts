/**
 * fast-check arbitraries: valid designs of varied shape (every field type, composite keys,
 * self-references and foreign-key cycles, enums, every auth scheme, endpoints of every kind,
 * sync on and off), and mutations that turn a valid design into an invalid one.
 */
import fc from "fast-check";
import type { Design, Entity, Field, Endpoint, AuthScheme, EnumDef, Payload } from "../../src/design/schema.ts";

const WORDS = ["Account", "Order", "User", "Select", "Group", "Table", "Item", "Note", "Tag", "Event", "Space", "Page", "Check", "Limit", "Key"];
const FIELD_WORDS = ["title", "order", "user", "select", "group", "from", "limit", "default", "check", "amount", "note", "label", "position", "when", "end"];

type Scalar = "string" | "text" | "integer" | "bigint" | "decimal" | "boolean" | "uuid" | "email" | "url" | "date" | "timestamp" | "json";
const SCALARS: Scalar[] = ["string", "text", "integer", "bigint", "decimal", "boolean", "uuid", "email", "url", "date", "timestamp", "json"];

interface FieldSeed {
  word: number;
  type: Scalar | "enum" | "array";
  nullable: boolean;
  unique: boolean;
  withDefault: boolean;
  visibility: number;
  enumIndex: number;
}

const fieldSeed = fc.record({
  word: fc.nat({ max: FIELD_WORDS.length - 1 }),
  type: fc.constantFrom<FieldSeed["type"]>(...SCALARS, "enum", "array"),
  nullable: fc.boolean(),
  unique: fc.boolean(),
  withDefault: fc.boolean(),
  visibility: fc.nat({ max: 4 }),
  enumIndex: fc.nat({ max: 2 }),
});

interface EntitySeed {
  pk: "uuid" | "identity" | "composite";
  fields: FieldSeed[];
  refs: Array<{ target: number; nullable: boolean; onDelete: "cascade" | "restrict" | "set-null" | "no-action" }>;
  sync: boolean;
  timestamps: boolean;
  partialIndex: boolean;
  check: boolean;
  description: string;
}

const entitySeed = fc.record({
  pk: fc.constantFrom<EntitySeed["pk"]>("uuid", "identity", "composite"),
  fields: fc.array(fieldSeed, { minLength: 1, maxLength: 6 }),
  refs: fc.array(fc.record({ target: fc.nat({ max: 7 }), nullable: fc.boolean(), onDelete: fc.constantFrom("cascade", "restrict", "set-null", "no-action") as fc.Arbitrary<"cascade" | "restrict" | "set-null" | "no-action"> }), { maxLength: 2 }),
  sync: fc.boolean(),
  timestamps: fc.boolean(),
  partialIndex: fc.boolean(),
  check: fc.boolean(),
  description: fc.oneof(fc.constant("Plain words."), fc.string({ maxLength: 40 }), fc.constant("'; DROP TABLE users; -- */ %% --> <script>alert(1)</script> `x` | pipe")),
});

const VISIBILITY: Array<Field["visibility"]> = [undefined, ["read"], ["read", "create"], ["read", "update"], []];

function defaultFor(type: FieldSeed["type"], enumValues: string[]): Field["default"] | undefined {
  switch (type) {
    case "timestamp": return { kind: "now" };
    case "date": return { kind: "literal", value: "2026-01-31" };
    case "uuid": return { kind: "uuid" };
    case "integer": case "bigint": return { kind: "literal", value: 7 };
    case "decimal": return { kind: "literal", value: 1.5 };
    case "boolean": return { kind: "literal", value: true };
    case "string": case "text": return { kind: "literal", value: "it's; fine" };
    case "email": return { kind: "literal", value: "a@example.com" };
    case "url": return { kind: "literal", value: "https://example.com" };
    case "enum": return { kind: "literal", value: enumValues[0]! };
    case "array": return { kind: "empty-array" };
    case "json": return undefined;
  }
}

function buildField(seed: FieldSeed, index: number, enums: EnumDef[]): Field {
  const name = `${FIELD_WORDS[seed.word]}${index}`;
  const en = enums.length ? enums[seed.enumIndex % enums.length]! : undefined;
  const type = (seed.type === "enum" || (seed.type === "array" && seed.enumIndex === 0)) && !en ? "string" : seed.type;
  const f: Field = { name, type };
  if (type === "string") f.maxLength = 40;
  if (type === "decimal") Object.assign(f, { precision: 10, scale: 2 });
  if (type === "enum") f.enum = en!.name;
  if (type === "array") f.items = seed.enumIndex === 0 && en ? { type: "enum", enum: en.name } : { type: "string", maxLength: 20 };
  if (seed.nullable) f.nullable = true;
  if (seed.unique && !["json", "array", "boolean"].includes(type)) f.unique = true;
  if (seed.withDefault) {
    const d = defaultFor(type, en?.values ?? []);
    if (d) f.default = d;
  }
  const vis = VISIBILITY[seed.visibility];
  if (vis) f.visibility = vis;
  return f;
}

export interface DesignSeed {
  entities: EntitySeed[];
  enumCount: number;
  schemes: Array<AuthScheme["type"]>;
  endpointKinds: number[];
  payloads: boolean;
  flags: { caching: boolean; ifMatch: boolean; idempotency: boolean; sparse: boolean; deprecated: boolean };
}

export const designSeed: fc.Arbitrary<DesignSeed> = fc.record({
  entities: fc.array(entitySeed, { minLength: 1, maxLength: 5 }),
  enumCount: fc.nat({ max: 3 }),
  schemes: fc.uniqueArray(fc.constantFrom<AuthScheme["type"]>("jwt", "oauth2", "api-key", "session"), { minLength: 1, maxLength: 4 }),
  endpointKinds: fc.array(fc.nat({ max: 31 }), { minLength: 1, maxLength: 5 }),
  payloads: fc.boolean(),
  flags: fc.record({ caching: fc.boolean(), ifMatch: fc.boolean(), idempotency: fc.boolean(), sparse: fc.boolean(), deprecated: fc.boolean() }),
});

function scheme(type: AuthScheme["type"]): AuthScheme {
  switch (type) {
    case "jwt": return { name: "bearer", type, jwt: { accessTokenTtlSeconds: 900, refreshTokenTtlSeconds: 86400, refreshRotation: true, reuseDetection: true } };
    case "oauth2": return { name: "oauth", type, oauth2: { authorizationUrl: "https://auth.example.com/authorize", tokenUrl: "https://auth.example.com/token", pkce: true } };
    case "api-key": return { name: "partnerKey", type, apiKey: { in: "header", name: "X-Api-Key" } };
    case "session": return { name: "cookie", type, session: { cookieName: "sid", ttlSeconds: 3600 } };
  }
}

/** Turns a seed into a design that must pass every check. */
export function designFromSeed(seed: DesignSeed): Design {
  const enums: EnumDef[] = Array.from({ length: seed.enumCount }, (_, i) => ({ name: `Kind${i}`, values: ["alpha", "beta-two", "gamma_3"] }));
  const names = seed.entities.map((_, i) => `${WORDS[i % WORDS.length]}${i}`);
  const pkOf = (i: number) => seed.entities[i]!.pk;
  const entities: Entity[] = seed.entities.map((s, i) => {
    const fields: Field[] = [];
    let primaryKey: string[] | undefined;
    if (s.pk === "uuid") fields.push({ name: "id", type: "uuid", primaryKey: true, default: { kind: "uuid" }, visibility: ["read"] });
    else if (s.pk === "identity") fields.push({ name: "id", type: "bigint", primaryKey: true, default: { kind: "identity" }, visibility: ["read"] });
    else {
      fields.push({ name: "id", type: "uuid", visibility: ["read", "create"] }, { name: "part", type: "integer", visibility: ["read", "create"] });
      primaryKey = ["id", "part"];
    }
    s.fields.forEach((f, j) => fields.push(buildField(f, j, enums)));
    const foreignKeys: Entity["foreignKeys"] = [];
    s.refs.forEach((r, j) => {
      const target = r.target % names.length; // may be itself (self-reference) or a later entity (cycle)
      const nullable = r.nullable || r.onDelete === "set-null" || target === i;
      if (pkOf(target) === "composite") {
        fields.push({ name: `ref${j}Id`, type: "uuid", nullable }, { name: `ref${j}Part`, type: "integer", nullable });
        foreignKeys.push({ name: `ref${j}_fk`, fields: [`ref${j}Id`, `ref${j}Part`], entity: names[target]!, references: ["id", "part"], onDelete: r.onDelete });
      } else {
        fields.push({ name: `ref${j}Id`, type: pkOf(target) === "uuid" ? "uuid" : "bigint", nullable, references: { entity: names[target]!, onDelete: r.onDelete } });
      }
    });
    const e: Entity = { name: names[i]!, description: s.description, fields, sync: s.sync, timestamps: s.timestamps };
    if (primaryKey) e.primaryKey = primaryKey;
    if (foreignKeys.length) e.foreignKeys = foreignKeys;
    const indexable = fields.find((f) => f.name !== "id" && !["json", "array"].includes(f.type));
    if (s.partialIndex && indexable) {
      e.indexes = [{ name: `${names[i]!.toLowerCase()}_partial`, fields: [indexable.name], where: [{ field: indexable.name, operator: "is-not-null" }] }];
    }
    const numeric = fields.find((f) => f.type === "integer" && f.name !== "part" && !f.primaryKey);
    if (s.check && numeric) e.checks = [{ name: `${names[i]!.toLowerCase()}_positive`, field: numeric.name, operator: ">=", value: 0 }];
    return e;
  });
  const schemes = seed.schemes.map(scheme);
  const payloads: Payload[] = seed.payloads
    ? [
        { name: "Envelope", properties: [{ name: "entity", type: "ref", ref: names[0]! }, { name: "items", type: "array", items: { type: "ref", ref: "Meta" } }] },
        { name: "Meta", properties: [{ name: "count", type: "integer" }, { name: "note", type: "string", maxLength: 20, required: false, nullable: true }] },
      ]
    : [];
  const endpoints: Endpoint[] = [];
  seed.endpointKinds.forEach((kinds, k) => {
    const i = k % names.length;
    const name = names[i]!;
    const e = entities[i]!;
    const base = `/r${k}-${name.toLowerCase()}`;
    const composite = pkOf(i) === "composite";
    const idParams: Endpoint["params"] = composite
      ? [{ name: "id", in: "path", type: "uuid" }, { name: "part", in: "path", type: "integer" }]
      : [{ name: "id", in: "path", type: pkOf(i) === "uuid" ? "uuid" : "bigint" }];
    const itemPath = composite ? `${base}/{id}/{part}` : `${base}/{id}`;
    const createVisible = e.fields.some((f) => (f.visibility ?? ["read", "create", "update"]).includes("create"));
    const updateVisible = e.fields.some((f) => (f.visibility ?? ["read", "create", "update"]).includes("update"));
    if (kinds & 1) endpoints.push({ operationId: `list${name}R${k}`, method: "GET", path: base, summary: `List ${name}`, response: { status: 200, schema: name, paginated: true }, ...(seed.flags.sparse ? { sparseFields: true } : {}), ...(seed.flags.caching ? { caching: { maxAgeSeconds: 60, etag: true } } : {}) });
    if (kinds & 2 && createVisible) endpoints.push({ operationId: `create${name}R${k}`, method: "POST", path: base, summary: `Create ${name}`, body: { schema: name }, response: { status: 201, schema: name }, ...(seed.flags.idempotency ? { idempotencyKey: true } : {}) });
    if (kinds & 4) endpoints.push({ operationId: `get${name}R${k}`, method: "GET", path: itemPath, summary: `Get ${name}`, params: idParams, response: { status: 200, schema: name }, errors: ["not-found"], ...(seed.flags.deprecated ? { deprecated: { since: "1.1.0", sunset: "2027-01-01" } } : {}) });
    if (kinds & 8 && updateVisible) endpoints.push({ operationId: `update${name}R${k}`, method: "PATCH", path: itemPath, summary: `Update ${name}`, params: idParams, body: { schema: name }, response: { status: 200, schema: name }, errors: ["not-found"], ...(seed.flags.ifMatch ? { ifMatch: true } : {}) });
    if (kinds & 16) endpoints.push({ operationId: `delete${name}R${k}`, method: "DELETE", path: itemPath, summary: `Delete ${name}`, params: idParams, response: { status: 204 }, errors: ["not-found"], auth: { public: k % 2 === 0 } });
  });
  if (payloads.length) endpoints.push({ operationId: "postEnvelope", method: "POST", path: "/envelopes", summary: "Envelope", body: { schema: "Envelope" }, response: { status: 200, schema: "Envelope" } });
  if (endpoints.length === 0) endpoints.push({ operationId: "health", method: "GET", path: "/health", summary: "Health", auth: { public: true }, response: { status: 204 } });
  const design: Design = {
    contractor: 1,
    info: { name: "fuzz", title: "Fuzzed design", version: "1.0.0" },
    api: { versioning: { strategy: "url-prefix", current: "v1" }, defaultAuth: [schemes[0]!.name], defaultRateLimit: "standard", endpoints },
    data: { entities, ...(enums.length ? { enums } : {}) },
    errors: [{ code: "not-found", status: 404, title: "Not found" }],
    rateLimits: [{ name: "standard", requests: 100, windowSeconds: 60, scope: "user" }],
    auth: { schemes },
  };
  if (payloads.length) design.schemas = payloads;
  return design;
}

export const validDesign: fc.Arbitrary<Design> = designSeed.map(designFromSeed);

/** One way to break a valid design; each must produce at least one error diagnostic. */
export type Mutation = { name: string; apply: (d: Design) => unknown };

export const MUTATIONS: Mutation[] = [
  { name: "drop required info", apply: (d) => ({ ...d, info: undefined }) },
  { name: "wrong version", apply: (d) => ({ ...d, contractor: 2 }) },
  { name: "unknown top-level property", apply: (d) => ({ ...d, extra: true }) },
  { name: "__proto__ key", apply: (d) => JSON.parse(JSON.stringify(d).replace('"contractor":1', '"__proto__":{"polluted":true},"contractor":1')) },
  { name: "entity name not PascalCase", apply: (d) => { d.data.entities[0]!.name = "bad name"; return d; } },
  { name: "dangling reference", apply: (d) => { d.data.entities[0]!.fields.push({ name: "ghostId", type: "uuid", references: { entity: "Ghost" } }); return d; } },
  { name: "duplicate entity", apply: (d) => { d.data.entities.push(structuredClone(d.data.entities[0]!)); return d; } },
  { name: "duplicate field", apply: (d) => { d.data.entities[0]!.fields.push(structuredClone(d.data.entities[0]!.fields[0]!)); return d; } },
  { name: "no primary key", apply: (d) => { const e = d.data.entities[0]!; delete e.primaryKey; e.fields.forEach((f) => delete f.primaryKey); return d; } },
  { name: "undeclared path param", apply: (d) => { d.api.endpoints[0]!.path += "/{ghost}"; return d; } },
  { name: "duplicate operationId", apply: (d) => { d.api.endpoints.push({ ...structuredClone(d.api.endpoints[0]!), path: "/other-path" }); return d; } },
  { name: "unknown error code", apply: (d) => { d.api.endpoints[0]!.errors = ["no-such-error"]; return d; } },
  { name: "unknown rate-limit tier", apply: (d) => { d.api.endpoints[0]!.rateLimit = "ghostTier"; return d; } },
  { name: "unknown auth scheme", apply: (d) => { d.api.defaultAuth = ["ghostScheme"]; return d; } },
  { name: "field type wrong", apply: (d) => { (d.data.entities[0]!.fields[0] as unknown as { type: string }).type = "varchar"; return d; } },
  { name: "invalid default", apply: (d) => { d.data.entities[0]!.fields.push({ name: "bad", type: "integer", default: { kind: "literal", value: "seven" } }); return d; } },
  { name: "body on GET", apply: (d) => { d.api.endpoints.push({ operationId: "getWithBody", method: "GET", path: "/with-body", summary: "x", body: { schema: d.data.entities[0]!.name }, response: { status: 204 } }); return d; } },
  { name: "empty errors catalog", apply: (d) => ({ ...d, errors: [] }) },
  { name: "string where number", apply: (d) => { (d.rateLimits![0] as unknown as { requests: string }).requests = "many"; return d; } },
  { name: "hostile entity name", apply: (d) => { d.data.entities[0]!.name = "Users; DROP TABLE x"; return d; } },
  { name: "path traversal in table name", apply: (d) => { d.data.entities[0]!.name = "../../etc/passwd"; return d; } },
  { name: "null design", apply: () => null },
  { name: "array design", apply: (d) => [d] },
];

export const invalidDesign: fc.Arbitrary<{ mutation: string; design: unknown }> = fc
  .tuple(validDesign, fc.nat({ max: MUTATIONS.length - 1 }))
  .map(([design, i]) => ({ mutation: MUTATIONS[i]!.name, design: MUTATIONS[i]!.apply(structuredClone(design)) }));
