/**
 * The sections of DESIGN.md, one function per section kind, dispatched from a typed table.
 * Each reads the normalised design (and what the model holds for the other artifacts, see
 * `Siblings`) and returns blocks; nothing here serialises Markdown.
 */
import { typeLabel as portableLabel, type TypeSpec } from "../../src/design/types.ts";
import type { NDesign, NEndpoint, NEntity } from "../../src/design/normalize.ts";
import { BUILTIN_ERRORS } from "../../src/design/normalize.ts";
import type { AuthScheme, DefaultValue, Predicate } from "../../src/design/schema.ts";
import type { GeneratedFile, MigrationFormat } from "../../src/core/artifact.ts";
import { type Block, cell, code, text } from "./document.ts";

/** What the build's model holds for the other artifacts (siblings.ts `siblingsOf`). */
export interface Siblings {
  /** Paths of every sibling file (links point only at these). */
  paths: ReadonlySet<string>;
  diagrams: { architecture?: string; erd?: string; auth?: string };
  /** TypeScript declarations of the request and response shapes, as types.ts declares them. */
  shapes?: string;
  migration?: { up: GeneratedFile; down?: GeneratedFile };
}

export interface SectionContext {
  design: NDesign;
  siblings: Siblings;
  migrationsFormat: MigrationFormat;
  entities: ReadonlyMap<string, NEntity>;
}

export const SECTION_KINDS = [
  "overview",
  "architecture",
  "api",
  "data",
  "auth",
  "errors",
  "rateLimits",
  "sync",
  "performance",
] as const;
export type SectionKind = (typeof SECTION_KINDS)[number];

const SECTIONS: Record<SectionKind, (ctx: SectionContext) => Block[]> = {
  overview,
  architecture,
  api,
  data,
  auth,
  errors,
  rateLimits,
  sync,
  performance,
};

export function sectionBlocks(kind: SectionKind, ctx: SectionContext): Block[] {
  return SECTIONS[kind](ctx);
}

// ---- small helpers ----

const h2 = (t: string): Block => ({ kind: "heading", level: 2, text: t });
const h3 = (t: string): Block => ({ kind: "heading", level: 3, text: t });
const h4 = (t: string): Block => ({ kind: "heading", level: 4, text: t });
const p = (t: string): Block => ({ kind: "paragraph", text: t });
const list = (items: string[]): Block => ({ kind: "list", items });
const table = (header: string[], rows: string[][]): Block => ({ kind: "table", header, rows });
const mermaid = (src: string): Block => ({ kind: "code", lang: "mermaid", text: src });
const link = (label: string, path: string) => `[${label}](${path.split("/").map(encodeURIComponent).join("/")})`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const DASH = "—";

/** `900` → `15 minutes`, `2592000` → `30 days`. */
export function duration(seconds: number): string {
  const units: Array<[number, string]> = [
    [86400, "day"],
    [3600, "hour"],
    [60, "minute"],
    [1, "second"],
  ];
  const [n, unit] = units.find(([n]) => seconds % n === 0)!;
  return plural(seconds / n, unit);
}

function opRef(e: NEndpoint): string {
  return `${code(e.operationId)}`;
}

function artifactLink(ctx: SectionContext, label: string, path: string): string | undefined {
  return ctx.siblings.paths.has(path) ? link(label, path) : undefined;
}

// ---- overview ----

function overview(ctx: SectionContext): Block[] {
  const { design } = ctx;
  const info = design.info;
  const contact = info.contact
    ? [info.contact.name, info.contact.email, info.contact.url].filter(Boolean).join(", ")
    : undefined;
  const facts: string[][] = [
    ["System", `${text(info.title)} (${code(info.name)})`],
    ["Design version", code(info.version)],
    ["API base path", code(design.api.versionedBasePath)],
    ...design.api.servers.map((s) => [`Server: ${s.name}`, code(`${s.url}${design.api.versionedBasePath}`)]),
    ...(contact ? [["Owner", cell(contact)]] : []),
    ["Endpoints", String(design.api.endpoints.length)],
    ["Entities", String(design.data.entities.length)],
    ["Error codes", String(design.errors.length)],
    ["Rate-limit tiers", String(design.rateLimits.length)],
  ];
  const blocks: Block[] = [h2("Overview")];
  if (info.description) blocks.push(p(text(info.description)));
  blocks.push(
    table(
      ["Fact", "Value"],
      facts.map(([k, v]) => [cell(k!), v!]),
    ),
  );
  const artifacts = [
    artifactLink(ctx, "openapi.yaml", "openapi.yaml") &&
      `${artifactLink(ctx, "openapi.yaml", "openapi.yaml")}: the OpenAPI 3.0.3 contract`,
    artifactLink(ctx, "types.ts", "types.ts") &&
      `${artifactLink(ctx, "types.ts", "types.ts")}: TypeScript request and response types`,
    artifactLink(ctx, "client.ts", "client.ts") &&
      `${artifactLink(ctx, "client.ts", "client.ts")}: a typed fetch client`,
    ctx.siblings.migration &&
      `${link(ctx.siblings.migration.up.path, ctx.siblings.migration.up.path)}: the schema migration${ctx.siblings.migration.down ? ` (rollback: ${link(ctx.siblings.migration.down.path, ctx.siblings.migration.down.path)})` : ""}`,
    ...[...ctx.siblings.paths]
      .filter((p) => p.startsWith("diagrams/") && p.endsWith(".mmd"))
      .sort()
      .map((p) => `${link(p, p)}: Mermaid source`),
    artifactLink(ctx, "CHANGES.md", "CHANGES.md") &&
      `${artifactLink(ctx, "CHANGES.md", "CHANGES.md")}: what changed since the previous build`,
    artifactLink(ctx, "design.json", "design.json") &&
      `${artifactLink(ctx, "design.json", "design.json")}: the design these files were generated from, in canonical JSON`,
    artifactLink(ctx, "index.html", "index.html") &&
      `${artifactLink(ctx, "index.html", "index.html")}: this document with rendered diagrams and the API reference, for a browser`,
  ].filter((x): x is string => Boolean(x));
  if (artifacts.length > 0) blocks.push(p("Generated artifacts, all from the same design:"), list(artifacts));
  return blocks;
}

// ---- architecture ----

const PATTERN_TEXT: Record<NonNullable<NDesign["architecture"]>["pattern"], string> = {
  monolith: "monolith (one deployable, one database)",
  "modular-monolith": "modular monolith (one deployable whose modules own their tables)",
  microservices: "microservices (independently deployed services, each owning its data)",
};

function architecture(ctx: SectionContext): Block[] {
  const arch = ctx.design.architecture;
  const blocks: Block[] = [h2("Architecture")];
  if (!arch) {
    blocks.push(p("The design records no architecture: no services, components or decisions."));
    if (ctx.siblings.diagrams.architecture)
      blocks.push(h3("Architecture diagram"), mermaid(ctx.siblings.diagrams.architecture));
    return blocks;
  }
  blocks.push(p(`Pattern: **${PATTERN_TEXT[arch.pattern]}**.`));
  if (arch.summary) blocks.push(p(text(arch.summary)));
  if (ctx.siblings.diagrams.architecture) {
    const src = artifactLink(ctx, "diagrams/architecture.mmd", "diagrams/architecture.mmd");
    blocks.push(h3("Architecture diagram"), mermaid(ctx.siblings.diagrams.architecture));
    if (src) blocks.push(p(`Source: ${src}.`));
  }
  if (arch.clients?.length) {
    blocks.push(
      h3("Clients"),
      table(
        ["Client", "Kind", "Description"],
        arch.clients.map((c) => [code(c.name), c.kind, cell(c.description ?? "")]),
      ),
    );
  }
  if (arch.services?.length) {
    blocks.push(
      h3("Services"),
      table(
        ["Service", "Responsibilities", "Owns entities", "Serves tags", "Uses"],
        arch.services.map((s) => [
          `${code(s.name)}${s.description ? ` ${DASH} ${cell(s.description)}` : ""}`,
          (s.responsibilities ?? []).map(cell).join("; ") || DASH,
          (s.entities ?? []).map(code).join(", ") || DASH,
          (s.tags ?? []).join(", ") || DASH,
          (s.uses ?? []).map(code).join(", ") || DASH,
        ]),
      ),
    );
  }
  if (arch.components?.length) {
    blocks.push(
      h3("Infrastructure"),
      table(
        ["Component", "Kind", "Technology", "Description"],
        arch.components.map((c) => [code(c.name), c.kind, cell(c.technology ?? DASH), cell(c.description ?? "")]),
      ),
    );
  }
  if (arch.decisions?.length) {
    blocks.push(h3("Decisions"));
    for (const d of arch.decisions) {
      blocks.push(
        h4(`${text(d.title)} (${d.name})`),
        list([
          `Status: ${d.status ?? "accepted"}`,
          `Decision: ${text(d.decision)}`,
          `Rationale: ${text(d.rationale)}`,
          ...(d.alternatives?.length ? [`Alternatives considered: ${d.alternatives.map(text).join("; ")}`] : []),
        ]),
      );
    }
  }
  return blocks;
}

// ---- API ----

function authLabel(e: NEndpoint): string {
  if (e.auth.public) return "public";
  const schemes = e.auth.schemes.map(code).join(" or ") || DASH;
  return e.auth.scopes.length ? `${schemes}; scopes ${e.auth.scopes.map(code).join(", ")}` : schemes;
}

const BUILTIN_CODES = new Set(BUILTIN_ERRORS.map((e) => e.code));

function errorsLabel(e: NEndpoint, status: ReadonlyMap<string, number>): string {
  const specific = e.errors.filter((c) => !BUILTIN_CODES.has(c)).map((c) => `${status.get(c) ?? "?"} ${code(c)}`);
  const standard = e.errors.filter((c) => BUILTIN_CODES.has(c)).map((c) => String(status.get(c) ?? "?"));
  return [...specific, ...(standard.length ? [`standard ${standard.join(", ")}`] : [])].join("; ");
}

function cacheControl(c: NonNullable<NEndpoint["caching"]>): string {
  if (c.noStore) return "no-store";
  return [c.scope ?? "private", ...(c.maxAgeSeconds !== undefined ? [`max-age=${c.maxAgeSeconds}`] : [])].join(", ");
}

function api(ctx: SectionContext): Blocks {
  const { design } = ctx;
  const endpoints = design.api.endpoints;
  const status = new Map(design.errors.map((e) => [e.code, e.status] as const));
  const blocks: Block[] = [h2("API")];
  const contract = artifactLink(ctx, "openapi.yaml", "openapi.yaml");
  blocks.push(
    p(
      `${plural(endpoints.length, "operation")} in ${plural(design.api.tags.length, "tag")}. Paths below are relative to ${code(design.api.versionedBasePath)}. ` +
        `Requests and responses are JSON; errors are ${code("application/problem+json")} (RFC 9457).` +
        (contract ? ` The full contract is ${contract}.` : ""),
    ),
  );

  blocks.push(h3("Versioning"));
  blocks.push(
    p(
      `The version is a URL prefix: ${code(design.api.versionedBasePath)} (current major version ${code(design.api.versioning.current)}). ` +
        `A breaking change ships as a new major version beside the old one.` +
        (design.api.versioning.policy ? ` Policy: ${text(design.api.versioning.policy)}` : ""),
    ),
  );
  const deprecated = endpoints.filter((e) => e.deprecated);
  if (deprecated.length) {
    blocks.push(
      p("Deprecated operations answer with `Deprecation` and `Sunset` headers until they are removed:"),
      table(
        ["Operation", "Since", "Sunset", "Replacement", "Reason"],
        deprecated.map((e) => [
          opRef(e),
          cell(e.deprecated!.since),
          e.deprecated!.sunset ?? DASH,
          e.deprecated!.replacement ? code(e.deprecated!.replacement) : DASH,
          cell(e.deprecated!.reason ?? ""),
        ]),
      ),
    );
  }

  blocks.push(h3("Endpoints"));
  for (const tag of design.api.tags) {
    const ops = endpoints.filter((e) => e.tags[0] === tag.name);
    if (ops.length === 0) continue;
    blocks.push(h4(tag.name));
    if (tag.description) blocks.push(p(text(tag.description)));
    blocks.push(
      table(
        ["Method", "Path", "Summary", "Auth", "Rate limit", "Errors"],
        ops.map((e) => [
          `${code(e.method)}`,
          code(e.path),
          `${e.deprecated ? "**Deprecated.** " : ""}${cell(e.summary)} (${opRef(e)})`,
          authLabel(e),
          e.rateLimit ? code(e.rateLimit) : DASH,
          errorsLabel(e, status),
        ]),
      ),
    );
  }

  blocks.push(h3("Request and response shapes"));
  const bodies = [
    ...new Set(endpoints.flatMap((e) => [e.body?.schema, e.response.schema]).filter((s): s is string => Boolean(s))),
  ].sort();
  blocks.push(
    p(
      `Every request and response body is a named schema (no anonymous inline objects, so Swift and Kotlin code generators get stable names). ` +
        `Entities come in three visibility shapes: ${code("X")} (responses), ${code("XCreate")} and ${code("XUpdate")} (request bodies). ` +
        `Schemas used as bodies: ${bodies.map(code).join(", ") || DASH}.` +
        (ctx.siblings.paths.has("types.ts") ? ` ${link("types.ts", "types.ts")} holds every type.` : ""),
    ),
  );
  if (ctx.siblings.shapes) {
    const count = (ctx.siblings.shapes.match(/^export (interface|type) /gm) ?? []).length;
    blocks.push({
      kind: "details",
      summary: `TypeScript: the ${count} request and response bodies, as types.ts declares them`,
      blocks: [{ kind: "code", lang: "ts", text: ctx.siblings.shapes }],
    });
  }

  blocks.push(h3("Pagination"));
  const paginated = endpoints.filter((e) => e.response.paginated);
  blocks.push(
    p(
      `List operations page with an opaque cursor: pass ${code("limit")} (default ${design.api.pagination.defaultLimit}, at most ${design.api.pagination.maxLimit}) ` +
        `and the ${code("cursor")} of the previous page; the response is a ${code("<Schema>Page")} envelope. ` +
        (paginated.length ? `Paginated operations: ${paginated.map(opRef).join(", ")}.` : "No operation is paginated."),
    ),
  );
  const sparse = endpoints.filter((e) => e.sparseFields);
  if (sparse.length) {
    blocks.push(
      p(
        `Small payloads: ${sparse.map(opRef).join(", ")} accept a ${code("fields")} query parameter naming the properties to return.`,
      ),
    );
  }

  blocks.push(h3("Caching and concurrency"));
  const cached = endpoints.filter((e) => e.caching);
  blocks.push(
    cached.length
      ? table(
          ["Operation", "Cache-Control", "ETag / If-None-Match"],
          cached.map((e) => [
            opRef(e),
            code(cacheControl(e.caching!)),
            e.caching!.etag ? "yes (304 Not Modified)" : "no",
          ]),
        )
      : p("No operation declares HTTP caching; responses are not cacheable."),
  );
  const ifMatch = endpoints.filter((e) => e.ifMatch);
  if (ifMatch.length) {
    blocks.push(
      p(
        `Optimistic concurrency: ${ifMatch.map(opRef).join(", ")} require ${code("If-Match")} with the resource's current ETag and answer 412 ${code("precondition-failed")} when it changed meanwhile.`,
      ),
    );
  }

  blocks.push(h3("Idempotency"));
  const idem = endpoints.filter((e) => e.idempotencyKey);
  blocks.push(
    p(
      idem.length
        ? `${idem.map(opRef).join(", ")} accept an ${code("Idempotency-Key")} header: a retry with the same key returns the first result instead of acting twice, so flaky mobile networks cannot duplicate writes. ` +
            `GET, PUT and DELETE are idempotent by definition.`
        : "No operation accepts an Idempotency-Key; GET, PUT and DELETE are idempotent by definition, POST retries are not safe.",
    ),
  );
  return blocks;
}
type Blocks = Block[];

// ---- data ----

/** The portable type of a field as the design states it (`string(320)`, `decimal(10,3)`, `MemberRole[]`). */
export function typeLabel(f: TypeSpec): string {
  return portableLabel(f);
}

function defaultLabel(d: DefaultValue | undefined): string {
  if (!d) return DASH;
  const labels: Record<DefaultValue["kind"], () => string> = {
    now: () => "now",
    uuid: () => "random UUID",
    identity: () => "identity",
    "empty-array": () => "empty array",
    literal: () => code(JSON.stringify(d.value)),
  };
  return labels[d.kind]();
}

const OPERATORS: Record<Predicate["operator"], string> = {
  "is-null": "IS NULL",
  "is-not-null": "IS NOT NULL",
  "=": "=",
  "<>": "<>",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};

function column(entity: NEntity, field: string): string {
  return entity.fields.find((f) => f.name === field)?.column ?? field;
}

function predicate(entity: NEntity, pr: Predicate): string {
  const lhs = column(entity, pr.field);
  if (pr.operator === "is-null" || pr.operator === "is-not-null") return `${lhs} ${OPERATORS[pr.operator]}`;
  const rhs = pr.otherField
    ? column(entity, pr.otherField)
    : typeof pr.value === "string"
      ? `'${pr.value.replace(/'/g, "''")}'`
      : String(pr.value);
  return `${lhs} ${OPERATORS[pr.operator]} ${rhs}`;
}

function entityBlocks(ctx: SectionContext, entity: NEntity): Block[] {
  const fkByField = new Map(entity.foreignKeys.filter((fk) => fk.fromField).map((fk) => [fk.fields[0]!, fk] as const));
  const target = (name: string, fields: readonly string[]) => {
    const t = ctx.entities.get(name);
    return t ? `${t.table}(${fields.map((f) => column(t, f)).join(", ")})` : `${name}(${fields.join(", ")})`;
  };
  const rows = entity.fields.map((f) => {
    const notes: string[] = [];
    if (entity.primaryKey.includes(f.name)) notes.push("primary key");
    if (f.unique) notes.push("unique");
    const fk = fkByField.get(f.name);
    if (fk) notes.push(`→ ${code(target(fk.entity, fk.references))} on delete ${fk.onDelete}`);
    notes.push(f.visibility.length ? `API: ${f.visibility.join("/")}` : "internal (not in the API)");
    if (f.generated) notes.push("added by contractor");
    if (f.description) notes.push(cell(f.description));
    return [
      code(f.column),
      code(f.name),
      code(typeLabel(f)),
      f.nullable ? "yes" : "no",
      defaultLabel(f.default),
      notes.join("; "),
    ];
  });
  const blocks: Block[] = [h4(`${text(entity.table)} (${entity.name})`)];
  const meta = [
    entity.description ? text(entity.description) : "",
    entity.sync ? "Synced offline (tombstones and row versions)." : "",
  ]
    .filter(Boolean)
    .join(" ");
  if (meta) blocks.push(p(meta));
  blocks.push(table(["Column", "Field", "Type", "Null", "Default", "Notes"], rows));
  const keys: string[] = [];
  keys.push(
    `Primary key: ${entity.primaryKey.length ? code(entity.primaryKey.map((f) => column(entity, f)).join(", ")) : "none"}`,
  );
  for (const u of entity.uniques)
    keys.push(
      `Unique ${code(u.name)}: ${code(u.fields.map((f) => column(entity, f)).join(", "))}${u.description ? ` ${DASH} ${text(u.description)}` : ""}`,
    );
  for (const fk of entity.foreignKeys.filter((f) => !f.fromField)) {
    keys.push(
      `Foreign key ${code(fk.name)}: ${code(fk.fields.map((f) => column(entity, f)).join(", "))} → ${code(target(fk.entity, fk.references))} on delete ${fk.onDelete}, on update ${fk.onUpdate}`,
    );
  }
  for (const c of entity.checks)
    keys.push(
      `Check ${code(c.name)}: ${code(predicate(entity, c))}${c.description ? ` ${DASH} ${text(c.description)}` : ""}`,
    );
  blocks.push(list(keys));
  const fkIndexes = entity.foreignKeys.filter((fk) => fk.index);
  if (entity.indexes.length || fkIndexes.length) {
    blocks.push(
      table(
        ["Index", "Columns", "Method", "Unique", "Partial (where)", "Serves"],
        [
          ...entity.indexes.map((i) => [
            code(i.name),
            code(i.fields.map((f) => column(entity, f)).join(", ")),
            i.method ?? "btree",
            i.unique ? "yes" : "no",
            i.where ? code(i.where.map((w) => predicate(entity, w)).join(" AND ")) : DASH,
            cell(i.description ?? ""),
          ]),
          ...fkIndexes.map((fk) => [
            `foreign key ${code(fk.name)}`,
            code(fk.fields.map((f) => column(entity, f)).join(", ")),
            "btree",
            "no",
            DASH,
            "Joins and cascades on the foreign key.",
          ]),
        ],
      ),
    );
  }
  return blocks;
}

const ROLLBACK_COMMAND: Record<MigrationFormat, (down: string) => string> = {
  "golang-migrate": () => 'migrate -path migrations -database "$DATABASE_URL" down 1',
  dbmate: () => "dbmate rollback",
  flyway: () => "flyway undo",
};

function data(ctx: SectionContext): Block[] {
  const { design } = ctx;
  const blocks: Block[] = [h2("Data model")];
  blocks.push(
    p(
      `${plural(design.data.entities.length, "table")} in PostgreSQL. One field definition drives the column, the API property and the TypeScript property; ` +
        `portable types map to PostgreSQL as ${code("string(n)")} → varchar(n), ${code("text")} → text, ${code("json")} → jsonb, ${code("timestamp")} → timestamptz.`,
    ),
  );
  if (ctx.siblings.diagrams.erd) {
    blocks.push(h3("Entity-relationship diagram"), mermaid(ctx.siblings.diagrams.erd));
    const src = artifactLink(ctx, "diagrams/erd.mmd", "diagrams/erd.mmd");
    if (src) blocks.push(p(`Source: ${src}.`));
  }
  if (design.data.enums.length) {
    blocks.push(
      h3("Enums"),
      table(
        ["Enum", "Values", "Description"],
        design.data.enums.map((e) => [code(e.name), e.values.map(code).join(", "), cell(e.description ?? "")]),
      ),
    );
  }
  blocks.push(h3("Tables"));
  for (const entity of design.data.entities) blocks.push(...entityBlocks(ctx, entity));

  blocks.push(h3("Migration and rollback"));
  const m = ctx.siblings.migration;
  if (m) {
    blocks.push(
      p(
        `The schema change is ${link(m.up.path, m.up.path)}. The build checks every migration with a SQL parser and, unless run with ${code("--no-engine")}, applies it up, down and up again against PostgreSQL before writing anything.`,
      ),
      {
        kind: "details",
        summary: `Up migration (${m.up.path})`,
        blocks: [{ kind: "code", lang: "sql", text: m.up.contents }],
      },
    );
  }
  const rollback: string[] = [];
  if (m?.down) {
    rollback.push(
      `Every up migration is paired with a down migration, ${link(m.down.path, m.down.path)}, which drops what the up migration created, in reverse order.`,
    );
  } else if (m) {
    rollback.push(`The down steps of ${link(m.up.path, m.up.path)} drop what it created in reverse dependency order.`);
  } else {
    rollback.push(
      "Every migration is paired with a down migration that drops what it created in reverse dependency order.",
    );
  }
  rollback.push(
    `Roll back the last migration with ${code(ROLLBACK_COMMAND[ctx.migrationsFormat](m?.down?.path ?? ""))} (${ctx.migrationsFormat}).`,
  );
  rollback.push(
    "A rollback of a table drops its rows: take a backup (or rely on point-in-time recovery) before rolling back in production, and prefer a forward fix once clients write to the new tables.",
  );
  rollback.push(
    `Later design changes become new migrations (${code("ALTER")}, renames declared with ${code("renamedFrom")}); a migration already applied is never rewritten.`,
  );
  blocks.push(list(rollback));
  return blocks;
}

// ---- authentication ----

type SchemeOf<K extends AuthScheme["type"]> = AuthScheme & { type: K };

const SCHEME_FACTS: { [K in AuthScheme["type"]]: (s: SchemeOf<K>, ctx: SectionContext) => string[] } = {
  jwt: (s) => {
    const j = s.jwt;
    if (!j) return ["JWT bearer tokens (no token settings in the design)."];
    return [
      `Access token: a JWT${j.algorithm ? ` signed with ${code(j.algorithm)}` : ""}${j.issuer ? `, issuer ${code(j.issuer)}` : ""}, sent as ${code("Authorization: Bearer <token>")}, valid ${duration(j.accessTokenTtlSeconds)}.`,
      j.refreshTokenTtlSeconds
        ? `Refresh token lifetime: ${duration(j.refreshTokenTtlSeconds)}.`
        : "No refresh token: clients sign in again when the access token expires.",
      j.refreshRotation
        ? "Rotation: every refresh returns a new refresh token and invalidates the one presented."
        : "Rotation: refresh tokens are not rotated; they stay valid until they expire or are revoked.",
      j.reuseDetection
        ? "Reuse detection: presenting an already-rotated refresh token revokes the whole token family (a stolen token stops working for everyone)."
        : "No reuse detection for rotated refresh tokens.",
      `Revocation: access tokens are not checked against a store and stay valid until they expire (${duration(j.accessTokenTtlSeconds)}), so their lifetime is the revocation delay; refresh tokens are revoked server-side.`,
    ];
  },
  oauth2: (s) => {
    const o = s.oauth2;
    if (!o) return ["OAuth2 authorization code flow (no settings in the design)."];
    return [
      `Authorization code flow${o.pkce ? " with PKCE (S256), as mobile and single-page clients require" : " without PKCE"}: authorize at ${code(o.authorizationUrl)}, exchange the code at ${code(o.tokenUrl)}${o.refreshUrl ? `, refresh at ${code(o.refreshUrl)}` : ""}.`,
      o.accessTokenTtlSeconds
        ? `Access token lifetime: ${duration(o.accessTokenTtlSeconds)}.`
        : "Access token lifetime: set by the authorization server.",
      o.refreshTokenTtlSeconds
        ? `Refresh token lifetime: ${duration(o.refreshTokenTtlSeconds)}.`
        : "Refresh token lifetime: set by the authorization server.",
      o.refreshRotation
        ? "Rotation: refresh tokens are rotated on every use."
        : "Rotation: refresh tokens are not rotated.",
      `Revocation: refresh tokens are revoked at the authorization server; access tokens stay valid until they expire${o.accessTokenTtlSeconds ? ` (${duration(o.accessTokenTtlSeconds)})` : ""}.`,
    ];
  },
  "api-key": (s) => {
    const k = s.apiKey;
    if (!k) return ["API key (no settings in the design)."];
    return [
      `Key sent in the ${k.in === "header" ? "HTTP header" : "query parameter"} ${code(k.name)}; for server-to-server partners, never embedded in mobile apps.`,
      k.rotationDays
        ? `Rotation: keys must be rotated every ${plural(k.rotationDays, "day")}; revoke a key by deleting it.`
        : "Rotation: no rotation period is set; revoke a key by deleting it.",
    ];
  },
  session: (s) => {
    const c = s.session;
    if (!c) return ["Server-side session (no settings in the design)."];
    return [
      `Session cookie ${code(c.cookieName)} (HttpOnly, Secure, SameSite) referencing server-side state; idle lifetime ${duration(c.ttlSeconds)}.`,
      "Revocation: deleting the server-side session signs the client out at once.",
    ];
  },
};

function auth(ctx: SectionContext): Block[] {
  const { design } = ctx;
  const blocks: Block[] = [h2("Authentication")];
  const schemes = design.auth.schemes;
  const byOp = new Map(design.api.endpoints.map((e) => [e.operationId, e] as const));
  const publicOps = design.api.endpoints.filter((e) => e.auth.public);
  blocks.push(
    p(
      `${plural(schemes.length, "scheme")}. Endpoints without their own ${code("auth")} accept ${design.api.defaultAuth.map(code).join(" or ") || "no scheme"}. ` +
        (publicOps.length
          ? `Public (no credentials): ${publicOps.map(opRef).join(", ")}.`
          : "Every endpoint requires credentials."),
    ),
  );
  if (ctx.siblings.diagrams.auth) {
    blocks.push(h3("Flow"), mermaid(ctx.siblings.diagrams.auth));
    const src = artifactLink(ctx, "diagrams/auth-flow.mmd", "diagrams/auth-flow.mmd");
    if (src) blocks.push(p(`Source: ${src}.`));
  }
  blocks.push(h3("Token strategy"));
  for (const s of schemes) {
    blocks.push(h4(`Scheme ${s.name} (${s.type})`));
    if (s.description) blocks.push(p(text(s.description)));
    const facts = (SCHEME_FACTS[s.type] as (s: AuthScheme, ctx: SectionContext) => string[])(s, ctx);
    const ops = s.operations ?? {};
    const opLine = (label: string, id: string | undefined) => {
      const e = id ? byOp.get(id) : undefined;
      return e ? `${label}: ${opRef(e)} (${code(`${e.method} ${e.path}`)})` : undefined;
    };
    facts.push(
      ...[
        opLine("Sign in", ops.signIn),
        opLine("Refresh", ops.refresh),
        opLine("Sign out / revoke", ops.signOut),
      ].filter((x): x is string => Boolean(x)),
    );
    blocks.push(list(facts));
  }
  blocks.push(h3("Secure storage on mobile"));
  blocks.push(
    p(
      design.auth.mobileStorage
        ? text(design.auth.mobileStorage)
        : "The design does not say where mobile clients keep tokens; a reviewer should ask for the Keychain (iOS) and the Android Keystore rather than plain preferences.",
    ),
  );
  if (design.auth.scopes.length || design.auth.roles.length) {
    blocks.push(h3("Scopes and roles"));
    if (design.auth.scopes.length)
      blocks.push(
        table(
          ["Scope", "Description"],
          design.auth.scopes.map((s) => [code(s.name), cell(s.description ?? "")]),
        ),
      );
    if (design.auth.roles.length) {
      blocks.push(
        table(
          ["Role", "Scopes", "Description"],
          design.auth.roles.map((r) => [
            code(r.name),
            r.scopes.map(code).join(", ") || DASH,
            cell(r.description ?? ""),
          ]),
        ),
      );
    }
  }
  return blocks;
}

// ---- errors ----

function errors(ctx: SectionContext): Block[] {
  const { design } = ctx;
  const uses = new Map<string, number>();
  for (const e of design.api.endpoints) for (const c of e.errors) uses.set(c, (uses.get(c) ?? 0) + 1);
  return [
    h2("Error handling"),
    p(
      `Every error is an RFC 9457 problem (${code("application/problem+json")}) whose ${code("code")} is one of the ${design.errors.length} codes below; clients switch on ${code("code")}, never on ${code("title")}. ` +
        `Validation failures list each problem with the JSON pointer of the offending input.`,
    ),
    table(
      ["Code", "HTTP status", "Title", "When it happens", "Operations"],
      design.errors.map((e) => [
        code(e.code),
        String(e.status),
        cell(e.title),
        cell(e.description ?? ""),
        String(uses.get(e.code) ?? 0),
      ]),
    ),
  ];
}

// ---- rate limits ----

function rateLimits(ctx: SectionContext): Block[] {
  const { design } = ctx;
  const blocks: Block[] = [h2("Rate limiting")];
  if (design.rateLimits.length === 0) {
    blocks.push(p("The design defines no rate-limit tiers."));
    return blocks;
  }
  const ops = new Map<string, string[]>();
  for (const e of design.api.endpoints)
    if (e.rateLimit) ops.set(e.rateLimit, [...(ops.get(e.rateLimit) ?? []), e.operationId]);
  const applies = (tier: string) => {
    const ids = ops.get(tier) ?? [];
    if (ids.length === 0) return DASH;
    const shown = ids.slice(0, 12).map(code).join(", ");
    return ids.length > 12 ? `${shown} and ${ids.length - 12} more` : shown;
  };
  blocks.push(
    p(
      `Exceeding a tier answers 429 ${code("rate-limited")} with ${code("RateLimit")} and ${code("Retry-After")} headers; clients wait Retry-After seconds before retrying. ` +
        (design.api.defaultRateLimit
          ? `Endpoints that name no tier use ${code(design.api.defaultRateLimit)}.`
          : "Endpoints that name no tier are not limited."),
    ),
    table(
      ["Tier", "Limit", "Counted per", "Burst", "Applies to", "Description"],
      design.rateLimits.map((r) => [
        code(r.name),
        `${r.requests} per ${duration(r.windowSeconds)}`,
        r.scope,
        r.burst !== undefined ? String(r.burst) : DASH,
        applies(r.name),
        cell(r.description ?? ""),
      ]),
    ),
  );
  return blocks;
}

// ---- offline sync ----

function sync(ctx: SectionContext): Block[] {
  const { design } = ctx;
  const synced = design.data.entities.filter((e) => e.sync);
  const blocks: Block[] = [h2("Offline sync")];
  const feed = design.api.endpoints.find((e) => e.generated);
  if (synced.length === 0 || !feed) {
    blocks.push(p("No entity is synced offline: clients read through the regular endpoints only."));
    return blocks;
  }
  blocks.push(
    p(
      `${plural(synced.length, "entity")} ${synced.length === 1 ? "is" : "are"} synced: ${synced.map((e) => `${code(e.name)} (${code(e.table)})`).join(", ")}.`,
    ),
    list([
      `Each synced table carries ${code("updated_at")}, a ${code("deleted_at")} tombstone and a ${code("version")} counter; deletes set the tombstone instead of removing the row, and ${code("version")} is the ETag.`,
      `The changes feed ${opRef(feed)} (${code(`GET ${feed.path}`)}) returns every change since the ${code("since")} cursor, oldest first, tombstones included, as ${code("SyncChanges")}; an index on ${code("updated_at")} serves it.`,
      `A client stores ${code("nextCursor")} only after applying the page, fetches again while ${code("hasMore")} is true, and starts with no cursor for a full sync.`,
      `Offline writes replay through the regular endpoints; those accepting ${code("Idempotency-Key")} or ${code("If-Match")} (see Idempotency and Caching and concurrency) are safe to retry, and a concurrent change surfaces as 412 instead of being overwritten.`,
      feed.rateLimit ? `The feed is limited by the ${code(feed.rateLimit)} tier.` : "The feed has no rate limit.",
      ...(feed.description ? [text(feed.description)] : []),
    ]),
  );
  return blocks;
}

// ---- performance ----

function performance(ctx: SectionContext): Block[] {
  const arch = ctx.design.architecture;
  const blocks: Block[] = [h2("Performance and scaling")];
  const targets = arch?.performance ?? [];
  blocks.push(h3("Targets"));
  blocks.push(
    targets.length
      ? table(
          ["Target", "Operations", "p95", "p99", "Throughput", "Description"],
          targets.map((t) => [
            code(t.name),
            t.operations?.length ? t.operations.map(code).join(", ") : "all",
            `${t.p95Ms} ms`,
            `${t.p99Ms} ms`,
            t.throughputRps ? `${t.throughputRps} req/s` : DASH,
            cell(t.description ?? ""),
          ]),
        )
      : p("The design sets no latency or throughput targets."),
  );
  blocks.push(h3("Scaling notes"));
  blocks.push(arch?.scaling?.length ? list(arch.scaling.map(text)) : p("The design records no scaling notes."));
  return blocks;
}
