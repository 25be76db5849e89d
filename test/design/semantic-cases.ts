/** Small semantic cases: a fragment changed in the base design → the exact diagnostics (code, JSON pointer). */
import type { Loose } from "./base.ts";

const E = "/data/entities/0";
const EP = "/api/endpoints";
const part = (fields: Loose[], extra: Loose = {}) => ({
  name: "Part",
  fields: [{ name: "id", type: "uuid", primaryKey: true }, ...fields],
  ...extra,
});

/** Codes this table exercises; test/diagnostics/registry.test.ts checks every design code is covered somewhere. */
export const semanticCases: Array<[string, (d: Loose) => void, Array<[string, string]>]> = [
  // names
  [
    "duplicate entity",
    (d) => d.data.entities.push({ ...d.data.entities[0] }),
    [["duplicate-name", "/data/entities/1"]],
  ],
  [
    "duplicate scope",
    (d) => (d.auth.scopes = [{ name: "a:b" }, { name: "a:b" }]),
    [["duplicate-name", "/auth/scopes/1"]],
  ],
  [
    "duplicate tag",
    (d) => (d.api.tags = [{ name: "Widgets" }, { name: "Widgets" }]),
    [["duplicate-name", "/api/tags/1"]],
  ],
  [
    "service and component share a name",
    (d) =>
      (d.architecture = {
        pattern: "monolith",
        services: [{ name: "db" }],
        components: [{ name: "db", kind: "database" }],
      }),
    [["duplicate-name", "/architecture/components/0"]],
  ],
  [
    "entity owned by two services",
    (d) =>
      (d.architecture = {
        pattern: "microservices",
        services: [
          { name: "a", entities: ["Widget"] },
          { name: "b", entities: ["Widget"] },
        ],
      }),
    [["duplicate-name", "/architecture/services/1/entities/0"]],
  ],
  [
    "duplicate parameter",
    (d) => d.api.endpoints[0].params.push({ name: "widgetId", in: "path", type: "uuid" }),
    [["duplicate-name", `${EP}/0/params/1`]],
  ],
  [
    "header parameters compare case-insensitively",
    (d) =>
      d.api.endpoints[0].params.push(
        { name: "X-Trace", in: "header", type: "string" },
        { name: "x-trace", in: "header", type: "string" },
      ),
    [["duplicate-name", `${EP}/0/params/2`]],
  ],
  [
    "pagination parameter declared by hand",
    (d) =>
      d.api.endpoints.push({
        operationId: "listWidgets",
        method: "GET",
        path: "/widgets",
        summary: "x",
        params: [{ name: "cursor", in: "query", type: "string" }],
        response: { status: 200, schema: "Widget", paginated: true },
      }),
    [["duplicate-name", `${EP}/2/params/0`]],
  ],
  [
    "fields parameter next to sparseFields",
    (d) => {
      d.api.endpoints[0].sparseFields = true;
      d.api.endpoints[0].params.push({ name: "fields", in: "query", type: "string" });
    },
    [["duplicate-name", `${EP}/0/params/1`]],
  ],
  [
    "column override collides",
    (d) => d.data.entities[0].fields.push({ name: "label", type: "string", column: "title" }),
    [["name-collision", `${E}/fields/2/name`]],
  ],
  [
    "enum named like an entity",
    (d) => {
      d.data.enums = [{ name: "Widget", values: ["a"] }];
      d.data.entities[0].fields.push({ name: "k", type: "enum", enum: "Widget" });
    },
    [["name-collision", "/data/enums/0"]],
  ],
  [
    "payload named like a page envelope",
    (d) => {
      d.schemas = [{ name: "WidgetPage", properties: [{ name: "a", type: "string" }] }];
      d.api.endpoints[0].response.schema = "WidgetPage";
    },
    [["name-collision", "/schemas/0"]],
  ],
  [
    "payload named like the sync feed",
    (d) => {
      d.data.entities[0].sync = true;
      d.api.sync = {};
      d.schemas = [{ name: "SyncChanges", properties: [{ name: "a", type: "string" }] }];
      d.api.endpoints[0].response.schema = "SyncChanges";
    },
    [["name-collision", "/api/sync"]],
  ],
  [
    "enums whose SQL names collide",
    (d) => {
      d.data.enums = [
        { name: "ItemKind", values: ["a"] },
        { name: "ItemKIND", values: ["a"] },
      ];
      d.data.entities[0].fields.push(
        { name: "a", type: "enum", enum: "ItemKind" },
        { name: "b", type: "enum", enum: "ItemKIND" },
      );
    },
    [
      ["name-collision", "/data/enums/1"],
      ["name-collision", "/data/enums/1/name"],
    ],
  ],
  [
    "reserved TypeScript name",
    (d) => {
      d.data.enums = [{ name: "Record", values: ["a"] }];
      d.data.entities[0].fields.push({ name: "k", type: "enum", enum: "Record" });
    },
    [["reserved-name", "/data/enums/0"]],
  ],
  // entities
  [
    "composite primary key naming a missing field",
    (d) => {
      delete d.data.entities[0].fields[0].primaryKey;
      d.data.entities[0].primaryKey = ["id", "shopId"];
    },
    [["dangling-reference", `${E}/primaryKey/1`]],
  ],
  ["primaryKey agreeing with the fields", (d) => (d.data.entities[0].primaryKey = ["id"]), []],
  ["no primary key", (d) => delete d.data.entities[0].fields[0].primaryKey, [["missing-primary-key", E]]],
  [
    "nullable key part",
    (d) => (d.data.entities[0].fields[0].nullable = true),
    [["nullable-primary-key", `${E}/fields/0/nullable`]],
  ],
  [
    "primaryKey disagreeing with fields",
    (d) => (d.data.entities[0].primaryKey = ["title"]),
    [["conflicting-primary-key", `${E}/primaryKey`]],
  ],
  [
    "index on a generated timestamp is fine",
    (d) => (d.data.entities[0].indexes = [{ name: "w_created", fields: ["createdAt"] }]),
    [],
  ],
  [
    "reference to an entity without a single-column key",
    (d) =>
      d.data.entities.push(part([{ name: "pairId", type: "uuid", references: { entity: "Pair" } }]), {
        name: "Pair",
        primaryKey: ["a", "b"],
        fields: [
          { name: "a", type: "uuid" },
          { name: "b", type: "uuid" },
        ],
      }),
    [["dangling-reference", "/data/entities/1/fields/1/references"]],
  ],
  [
    "reference without field goes to the primary key",
    (d) => d.data.entities.push(part([{ name: "widgetId", type: "uuid", references: { entity: "Widget" } }])),
    [],
  ],
  [
    "reference to a unique field",
    (d) => {
      d.data.entities[0].fields[1].unique = true;
      d.data.entities.push(
        part([
          { name: "widgetTitle", type: "string", maxLength: 80, references: { entity: "Widget", field: "title" } },
        ]),
      );
    },
    [],
  ],
  [
    "reference to a field unique through a unique index",
    (d) => {
      d.data.entities[0].indexes = [{ name: "w_title", fields: ["title"], unique: true }];
      d.data.entities.push(part([{ name: "t", type: "string", references: { entity: "Widget", field: "title" } }]));
    },
    [],
  ],
  [
    "reference to a field unique only within a partial index",
    (d) => {
      d.data.entities[0].indexes = [
        { name: "w_title", fields: ["title"], unique: true, where: [{ field: "title", operator: "is-not-null" }] },
      ];
      d.data.entities.push(part([{ name: "t", type: "string", references: { entity: "Widget", field: "title" } }]));
    },
    [["foreign-key-target-not-unique", "/data/entities/1/fields/1/references/field"]],
  ],
  [
    "decimal reference with other precision",
    (d) => {
      d.data.entities[0].fields.push({ name: "code", type: "decimal", precision: 10, scale: 0, unique: true });
      d.data.entities.push(part([{ name: "code", type: "decimal", references: { entity: "Widget", field: "code" } }]));
    },
    [["foreign-key-type-mismatch", "/data/entities/1/fields/1/type"]],
  ],
  [
    "enum reference with another enum",
    (d) => {
      d.data.enums = [
        { name: "A", values: ["x"] },
        { name: "B", values: ["x"] },
      ];
      d.data.entities[0].fields.push({ name: "kind", type: "enum", enum: "A", unique: true });
      d.data.entities.push(
        part([{ name: "kind", type: "enum", enum: "B", references: { entity: "Widget", field: "kind" } }]),
      );
    },
    [["foreign-key-type-mismatch", "/data/entities/1/fields/1/type"]],
  ],
  [
    "composite foreign key to a missing referenced field",
    (d) =>
      d.data.entities.push(
        part([{ name: "w", type: "uuid" }], {
          foreignKeys: [{ name: "p_w", fields: ["w"], entity: "Widget", references: ["uuid"] }],
        }),
      ),
    [["dangling-reference", "/data/entities/1/foreignKeys/0/references/0"]],
  ],
  [
    "composite foreign key from a missing field",
    (d) =>
      d.data.entities.push(
        part([], { foreignKeys: [{ name: "p_w", fields: ["w"], entity: "Widget", references: ["id"] }] }),
      ),
    [["dangling-reference", "/data/entities/1/foreignKeys/0/fields/0"]],
  ],
  [
    "set-null on a nullable column is fine",
    (d) =>
      d.data.entities.push(
        part([{ name: "w", type: "uuid", nullable: true, references: { entity: "Widget", onDelete: "set-null" } }]),
      ),
    [],
  ],
  [
    "self-reference",
    (d) =>
      d.data.entities[0].fields.push({
        name: "parentId",
        type: "uuid",
        nullable: true,
        references: { entity: "Widget", onDelete: "restrict" },
      }),
    [],
  ],
  // types and defaults
  [
    "enum option on a string",
    (d) => {
      d.data.enums = [{ name: "A", values: ["x"] }];
      d.data.entities[0].fields[1].enum = "A";
    },
    [["type-options-mismatch", `${E}/fields/1/enum`]],
  ],
  [
    "items on a scalar",
    (d) => (d.data.entities[0].fields[1].items = { type: "string" }),
    [["type-options-mismatch", `${E}/fields/1/items`]],
  ],
  [
    "ref option on a string property",
    (d) => {
      d.schemas = [{ name: "P", properties: [{ name: "a", type: "string", ref: "Widget" }] }];
      d.api.endpoints[0].response.schema = "P";
    },
    [["type-options-mismatch", "/schemas/0/properties/0/ref"]],
  ],
  [
    "ref property without ref",
    (d) => {
      d.schemas = [{ name: "P", properties: [{ name: "a", type: "ref" }] }];
      d.api.endpoints[0].response.schema = "P";
    },
    [["type-options-mismatch", "/schemas/0/properties/0"]],
  ],
  [
    "array of enum without enum",
    (d) => d.data.entities[0].fields.push({ name: "tags", type: "array", items: { type: "enum" } }),
    [["type-options-mismatch", `${E}/fields/2/items`]],
  ],
  [
    "minimum on a string",
    (d) => (d.data.entities[0].fields[1].minimum = 1),
    [["type-options-mismatch", `${E}/fields/1`]],
  ],
  [
    "precision on an integer",
    (d) => d.data.entities[0].fields.push({ name: "n", type: "integer", precision: 3 }),
    [["type-options-mismatch", `${E}/fields/2`]],
  ],
  [
    "pattern on an integer",
    (d) => d.data.entities[0].fields.push({ name: "n", type: "integer", pattern: "^1$" }),
    [["type-options-mismatch", `${E}/fields/2/pattern`]],
  ],
  [
    "invalid regular expression",
    (d) => (d.data.entities[0].fields[1].pattern = "^(a"),
    [["type-options-mismatch", `${E}/fields/1/pattern`]],
  ],
  [
    "json query parameter",
    (d) => d.api.endpoints[0].params.push({ name: "filter", in: "query", type: "json" }),
    [["type-options-mismatch", `${EP}/0/params/1/type`]],
  ],
  [
    "optional path parameter",
    (d) => (d.api.endpoints[0].params[0].required = false),
    [["schema-violation", `${EP}/0/params/0/required`]],
  ],
  [
    "kebab-case query parameter",
    (d) => d.api.endpoints[0].params.push({ name: "page-size", in: "query", type: "integer" }),
    [["schema-violation", `${EP}/0/params/1/name`]],
  ],
  [
    "uuid default on a string",
    (d) => (d.data.entities[0].fields[1].default = { kind: "uuid" }),
    [["invalid-default", `${E}/fields/1/default`]],
  ],
  [
    "identity default on a uuid",
    (d) => (d.data.entities[0].fields[0].default = { kind: "identity" }),
    [["invalid-default", `${E}/fields/0/default`]],
  ],
  [
    "empty-array default on a string",
    (d) => (d.data.entities[0].fields[1].default = { kind: "empty-array" }),
    [["invalid-default", `${E}/fields/1/default`]],
  ],
  [
    "value on a non-literal default",
    (d) => (d.data.entities[0].fields[0].default = { kind: "uuid", value: "x" }),
    [["invalid-default", `${E}/fields/0/default`]],
  ],
  [
    "bad date literal",
    (d) =>
      d.data.entities[0].fields.push({ name: "on", type: "date", default: { kind: "literal", value: "2026-13-45" } }),
    [["invalid-default", `${E}/fields/2/default`]],
  ],
  [
    "fractional integer literal",
    (d) => d.data.entities[0].fields.push({ name: "n", type: "integer", default: { kind: "literal", value: 1.5 } }),
    [["invalid-default", `${E}/fields/2/default`]],
  ],
  [
    "valid literals",
    (d) =>
      d.data.entities[0].fields.push(
        { name: "n", type: "integer", default: { kind: "literal", value: 2 } },
        { name: "on", type: "date", default: { kind: "literal", value: "2026-01-31" } },
        { name: "ok", type: "boolean", default: { kind: "literal", value: false } },
      ),
    [],
  ],
  [
    "predicate on a missing otherField",
    (d) => (d.data.entities[0].checks = [{ name: "c", field: "title", operator: "<>", otherField: "name" }]),
    [["dangling-reference", `${E}/checks/0/otherField`]],
  ],
  [
    "predicate comparing a number with text",
    (d) => {
      d.data.entities[0].fields.push({ name: "price", type: "decimal" });
      d.data.entities[0].checks = [{ name: "c", field: "price", operator: ">", otherField: "title" }];
    },
    [["invalid-predicate", `${E}/checks/0/otherField`]],
  ],
  [
    "predicate comparing integer with decimal is fine",
    (d) => {
      d.data.entities[0].fields.push({ name: "a", type: "decimal" }, { name: "b", type: "integer" });
      d.data.entities[0].checks = [{ name: "c", field: "a", operator: ">=", otherField: "b" }];
    },
    [],
  ],
  [
    "predicate on a generated column",
    (d) => {
      d.data.entities[0].sync = true;
      d.api.sync = {};
      d.data.entities[0].indexes = [
        { name: "w_live", fields: ["title"], where: [{ field: "deletedAt", operator: "is-null" }] },
      ];
    },
    [],
  ],
  // endpoints
  ["body on GET", (d) => (d.api.endpoints[0].body = { schema: "Widget" }), [["body-not-allowed", `${EP}/0/body`]]],
  [
    "shape on a payload body",
    (d) => {
      d.schemas = [{ name: "P", properties: [{ name: "a", type: "string" }] }];
      d.api.endpoints[1].body = { schema: "P", shape: "create" };
    },
    [["type-options-mismatch", `${EP}/1/body/shape`]],
  ],
  [
    "empty update shape",
    (d) => {
      d.data.entities[0].fields[1].visibility = ["read", "create"];
      d.api.endpoints.push({
        operationId: "updateWidget",
        method: "PATCH",
        path: "/widgets/{widgetId}",
        summary: "x",
        params: [{ name: "widgetId", in: "path", type: "uuid" }],
        body: { schema: "Widget" },
        response: { status: 200, schema: "Widget" },
      });
    },
    [["empty-shape", `${EP}/2/body`]],
  ],
  [
    "paginated 202 without schema",
    (d) =>
      d.api.endpoints.push({
        operationId: "listWidgets",
        method: "GET",
        path: "/widgets",
        summary: "x",
        response: { status: 202, paginated: true },
      }),
    [["response-schema-missing", `${EP}/2/response`]],
  ],
  [
    "paginated POST",
    (d) => (d.api.endpoints[1].response.paginated = true),
    [["type-options-mismatch", `${EP}/1/response/paginated`]],
  ],
  [
    "caching on POST",
    (d) => (d.api.endpoints[1].caching = { maxAgeSeconds: 5 }),
    [["type-options-mismatch", `${EP}/1/caching`]],
  ],
  ["ifMatch on POST", (d) => (d.api.endpoints[1].ifMatch = true), [["type-options-mismatch", `${EP}/1/ifMatch`]]],
  [
    "idempotencyKey on GET",
    (d) => (d.api.endpoints[0].idempotencyKey = true),
    [["type-options-mismatch", `${EP}/0/idempotencyKey`]],
  ],
  [
    "public endpoint naming scopes",
    (d) => {
      d.auth.scopes = [{ name: "a:b" }];
      d.api.endpoints[0].auth = { public: true, scopes: ["a:b"] };
    },
    [["type-options-mismatch", `${EP}/0/auth`]],
  ],
  ["tag used without any declared tags is fine", (d) => (d.api.endpoints[0].tags = ["Anything"]), []],
  [
    "route differing only in parameter names",
    (d) =>
      d.api.endpoints.push({
        operationId: "getWidgetById",
        method: "GET",
        path: "/widgets/{id}",
        summary: "x",
        params: [{ name: "id", in: "path", type: "uuid" }],
        response: { status: 200, schema: "Widget" },
      }),
    [["duplicate-route", `${EP}/2/path`]],
  ],
  [
    "same path, other method is fine",
    (d) =>
      d.api.endpoints.push({
        operationId: "deleteWidget",
        method: "DELETE",
        path: "/widgets/{widgetId}",
        summary: "x",
        params: [{ name: "widgetId", in: "path", type: "uuid" }],
        response: { status: 204 },
      }),
    [],
  ],
  [
    "sync without api.defaultAuth",
    (d) => {
      delete d.api.defaultAuth;
      d.api.endpoints.forEach((e: Loose) => (e.auth = { schemes: ["bearer"] }));
      d.data.entities[0].sync = true;
      d.api.sync = {};
    },
    [["auth-missing", "/api/defaultAuth"]],
  ],
  [
    "built-in error re-declared with its own status is fine",
    (d) => d.errors.push({ code: "forbidden", status: 403, title: "No" }),
    [],
  ],
  [
    "built-in error code used without declaring it",
    (d) => (d.api.endpoints[0].errors = ["widget-not-found", "forbidden"]),
    [],
  ],
  // auth and architecture
  [
    "extra auth block",
    (d) => (d.auth.schemes[0].oauth2 = { authorizationUrl: "https://a.example/a", tokenUrl: "https://a.example/t" }),
    [["type-options-mismatch", "/auth/schemes/0/oauth2"]],
  ],
  [
    "performance target of the sync feed",
    (d) => {
      d.data.entities[0].sync = true;
      d.api.sync = {};
      d.architecture = {
        pattern: "monolith",
        performance: [{ name: "feed", operations: ["listChanges"], p95Ms: 1, p99Ms: 2 }],
      };
    },
    [],
  ],
  // warnings and infos
  ["unused enum", (d) => (d.data.enums = [{ name: "A", values: ["x"] }]), [["unused-definition", "/data/enums/0"]]],
  [
    "unused payload",
    (d) => (d.schemas = [{ name: "P", properties: [{ name: "a", type: "string" }] }]),
    [["unused-definition", "/schemas/0"]],
  ],
  [
    "payload used only through another payload",
    (d) => {
      d.schemas = [
        { name: "P", properties: [{ name: "q", type: "ref", ref: "Q" }] },
        { name: "Q", properties: [{ name: "a", type: "string" }] },
      ];
      d.api.endpoints[0].response.schema = "P";
    },
    [],
  ],
  ["unused error", (d) => (d.api.endpoints[0].errors = []), [["unused-definition", "/errors/0"]]],
  [
    "unused rate-limit tier",
    (d) => (d.rateLimits = [{ name: "t", requests: 1, windowSeconds: 1, scope: "ip" }]),
    [["unused-definition", "/rateLimits/0"]],
  ],
  ["sync without api.sync", (d) => (d.data.entities[0].sync = true), [["sync-without-feed", "/api"]]],
];
