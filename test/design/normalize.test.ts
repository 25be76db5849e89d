import { describe, expect, it } from "vitest";
import {
  BUILTIN_ERRORS,
  findEntity,
  findField,
  normalizeDesign,
  requiredOnCreate,
  shapeFields,
  shapeName,
  tableName,
} from "../../src/design/normalize.ts";
import { normalizeOrThrow } from "../helpers.ts";
import { baseDesign, designWith } from "./base.ts";

const norm = (mutate: Parameters<typeof designWith>[0] = () => {}) => normalizeOrThrow(designWith(mutate));

describe("normalizeDesign", () => {
  it("fills field defaults: column, nullable, visibility, generated", () => {
    const w = norm().data.entities[0]!;
    expect(w.fields.map((f) => [f.name, f.column, f.nullable, f.visibility, f.generated])).toStrictEqual([
      ["id", "id", false, ["read"], false],
      ["title", "title", false, ["read", "create", "update"], false],
      ["createdAt", "created_at", false, ["read"], true],
      ["updatedAt", "updated_at", false, ["read"], true],
    ]);
    expect(findField(w, "createdAt")?.default).toStrictEqual({ kind: "now" });
  });

  it("keeps visibility in canonical order and an explicit [] internal", () => {
    const w = norm((d) => {
      d.data.entities[0].fields[1].visibility = ["update", "read"];
      d.data.entities[0].fields.push({ name: "secret", type: "string", visibility: [] });
      d.api.endpoints.splice(1, 1); // the create body would be an empty shape
    }).data.entities[0]!;
    expect(findField(w, "title")!.visibility).toStrictEqual(["read", "update"]);
    expect(findField(w, "secret")!.visibility).toStrictEqual([]);
    expect(shapeFields(w, "read").map((f) => f.name)).toStrictEqual(["id", "title", "createdAt", "updatedAt"]);
    expect(shapeFields(w, "create").map((f) => f.name)).toStrictEqual([]);
    expect(shapeFields(w, "update").map((f) => f.name)).toStrictEqual(["title"]);
  });

  it("fills entity defaults: table, primaryKey, empty constraint lists, timestamps", () => {
    const w = norm((d) =>
      d.data.entities.push({
        name: "OrderStatus",
        timestamps: false,
        primaryKey: ["code"],
        fields: [{ name: "code", type: "string", maxLength: 20 }],
      }),
    ).data.entities;
    expect(
      w.map((e) => [e.name, e.table, e.primaryKey, e.timestamps, e.sync, e.uniques, e.checks, e.indexes]),
    ).toStrictEqual([
      ["Widget", "widgets", ["id"], true, false, [], [], []],
      ["OrderStatus", "order_statuses", ["code"], false, false, [], [], []],
    ]);
    expect(w[1]!.fields.map((f) => f.name)).toStrictEqual(["code"]);
  });

  it("adds sync columns, the sync index, the changes feed endpoint, its payload and the Sync tag", () => {
    const d = norm((x) => {
      x.data.entities[0].sync = true;
      x.api.sync = { rateLimit: "sync", scopes: ["sync:read"] };
      x.rateLimits = [{ name: "sync", requests: 10, windowSeconds: 60, scope: "user" }];
      x.auth.scopes = [{ name: "sync:read" }];
    });
    const w = d.data.entities[0]!;
    expect(w.fields.filter((f) => f.generated).map((f) => [f.name, f.column, f.type, f.nullable])).toStrictEqual([
      ["createdAt", "created_at", "timestamp", false],
      ["updatedAt", "updated_at", "timestamp", false],
      ["deletedAt", "deleted_at", "timestamp", true],
      ["version", "version", "bigint", false],
    ]);
    expect(w.indexes).toStrictEqual([
      {
        name: "sync_updated_at",
        fields: ["updatedAt"],
        description: "Delta queries of the changes feed (updated since a cursor).",
      },
    ]);
    const feed = d.api.endpoints.at(-1)!;
    expect([
      feed.operationId,
      feed.method,
      feed.path,
      feed.generated,
      feed.tags,
      feed.rateLimit,
      feed.auth,
    ]).toStrictEqual([
      "listChanges",
      "GET",
      "/sync/changes",
      true,
      ["Sync"],
      "sync",
      { public: false, schemes: ["bearer"], scopes: ["sync:read"] },
    ]);
    expect(feed.response).toStrictEqual({ status: 200, schema: "SyncChanges", description: "The changes." });
    expect(feed.errors).toStrictEqual([
      "unauthenticated",
      "forbidden",
      "validation-failed",
      "rate-limited",
      "internal-error",
    ]);
    expect(d.schemas.find((s) => s.name === "SyncChanges")!.properties.map((p) => p.name)).toStrictEqual([
      "widgetChanges",
      "nextCursor",
      "hasMore",
    ]);
    expect(d.api.tags.map((t) => t.name)).toStrictEqual(["Sync", "Widgets"]);
  });

  it("does not add the feed, its schema or the sync columns without sync", () => {
    const d = norm();
    expect(d.api.endpoints.map((e) => e.operationId)).toStrictEqual(["getWidget", "createWidget"]);
    expect(d.schemas).toStrictEqual([]);
    expect(d.api.endpoints.every((e) => !e.generated)).toBe(true);
  });

  it("resolves endpoint auth, tags, params, body shape, rate limit and automatic errors", () => {
    const d = norm((x) => {
      x.api.defaultRateLimit = "std";
      x.rateLimits = [{ name: "std", requests: 10, windowSeconds: 60, scope: "user" }];
      x.api.endpoints.push({
        operationId: "health",
        method: "GET",
        path: "/health",
        summary: "x",
        auth: { public: true },
        response: { status: 204 },
      });
      x.api.endpoints.push({
        operationId: "patchWidget",
        method: "PATCH",
        path: "/widgets/{widgetId}",
        summary: "x",
        params: [
          { name: "widgetId", in: "path", type: "uuid" },
          { name: "dryRun", in: "query", type: "boolean" },
        ],
        body: { schema: "Widget" },
        response: { status: 200, schema: "Widget" },
        ifMatch: true,
        errors: ["widget-not-found", "forbidden"],
      });
    });
    const [get, create, health, patch] = d.api.endpoints;
    expect(get!.errors).toStrictEqual([
      "widget-not-found",
      "unauthenticated",
      "validation-failed",
      "rate-limited",
      "internal-error",
    ]);
    expect(create!.body).toStrictEqual({ schema: "Widget", shape: "create" });
    expect(health!.auth).toStrictEqual({ public: true, schemes: [], scopes: [] });
    expect(health!.errors).toStrictEqual(["rate-limited", "internal-error"]);
    expect(health!.tags).toStrictEqual(["Health"]);
    expect(patch!.body).toStrictEqual({ schema: "Widget", shape: "update" });
    expect(patch!.params.map((p) => [p.name, p.required])).toStrictEqual([
      ["widgetId", true],
      ["dryRun", false],
    ]);
    expect(patch!.errors).toStrictEqual([
      "widget-not-found",
      "forbidden",
      "unauthenticated",
      "precondition-failed",
      "validation-failed",
      "rate-limited",
      "internal-error",
    ]);
    expect(patch!.rateLimit).toBe("std");
  });

  it("converts single-field references into foreign keys pointing at the target's primary key", () => {
    const d = norm((x) => {
      x.data.entities.push({
        name: "Part",
        fields: [
          { name: "code", type: "string", primaryKey: true },
          {
            name: "widgetId",
            type: "uuid",
            nullable: true,
            references: { entity: "Widget", onDelete: "set-null", relationship: "belongs to" },
          },
        ],
        foreignKeys: [{ name: "parts_self", fields: ["code"], entity: "Part", references: ["code"] }],
      });
    });
    expect(findEntity(d, "Part")!.foreignKeys).toStrictEqual([
      {
        name: "widget_id_fkey",
        fields: ["widgetId"],
        entity: "Widget",
        references: ["id"],
        onDelete: "set-null",
        onUpdate: "no-action",
        index: true,
        relationship: "belongs to",
        fromField: true,
      },
      {
        name: "parts_self",
        fields: ["code"],
        entity: "Part",
        references: ["code"],
        onDelete: "no-action",
        onUpdate: "no-action",
        index: true,
        fromField: false,
      },
    ]);
  });

  it("merges the built-in errors into the catalog in code order, keeping a re-declared one", () => {
    const d = norm((x) => x.errors.push({ code: "forbidden", status: 403, title: "Custom title" }));
    expect(d.errors.map((e) => e.code)).toStrictEqual([
      "forbidden",
      "internal-error",
      "precondition-failed",
      "rate-limited",
      "unauthenticated",
      "validation-failed",
      "widget-not-found",
    ]);
    expect(d.errors[0]!.title).toBe("Custom title");
    expect(BUILTIN_ERRORS.map((e) => e.status)).toStrictEqual([401, 403, 412, 422, 429, 500]);
  });

  it("sorts catalog-like collections by name and keeps entities and endpoints in declaration order", () => {
    const d = norm((x) => {
      x.data.enums = [
        { name: "Zeta", values: ["a"] },
        { name: "Alpha", values: ["a"] },
      ];
      x.data.entities[0].fields.push(
        { name: "z", type: "enum", enum: "Zeta" },
        { name: "a", type: "enum", enum: "Alpha" },
      );
      x.rateLimits = [
        { name: "zz", requests: 1, windowSeconds: 1, scope: "ip" },
        { name: "aa", requests: 1, windowSeconds: 1, scope: "ip" },
      ];
      x.api.endpoints[0].rateLimit = "zz";
      x.api.endpoints[1].rateLimit = "aa";
      x.auth.scopes = [{ name: "z:z" }, { name: "a:a" }];
      x.auth.roles = [
        { name: "zed", scopes: [] },
        { name: "amy", scopes: [] },
      ];
      x.api.tags = [{ name: "Zoo" }, { name: "Ant" }];
      x.data.entities.unshift({ name: "Zebra", fields: [{ name: "id", type: "uuid", primaryKey: true }] });
    });
    expect(d.data.enums.map((e) => e.name)).toStrictEqual(["Alpha", "Zeta"]);
    expect(d.rateLimits.map((e) => e.name)).toStrictEqual(["aa", "zz"]);
    expect(d.auth.scopes.map((e) => e.name)).toStrictEqual(["a:a", "z:z"]);
    expect(d.auth.roles.map((e) => e.name)).toStrictEqual(["amy", "zed"]);
    expect(d.api.tags.map((e) => e.name)).toStrictEqual(["Ant", "Widgets", "Zoo"]);
    expect(d.data.entities.map((e) => e.name)).toStrictEqual(["Zebra", "Widget"]);
  });

  it("fills api defaults: base paths, pagination, servers, defaultAuth", () => {
    const d = norm();
    expect([d.api.basePath, d.api.versionedBasePath, d.api.pagination, d.api.servers, d.api.defaultAuth]).toStrictEqual(
      ["/api", "/api/v1", { defaultLimit: 20, maxLimit: 100 }, [], ["bearer"]],
    );
    const custom = norm((x) => {
      x.api.basePath = "";
      x.api.versioning.current = "v3";
      x.api.pagination = { maxLimit: 50 };
    });
    expect([custom.api.versionedBasePath, custom.api.pagination]).toStrictEqual([
      "/v3",
      { defaultLimit: 20, maxLimit: 50 },
    ]);
  });

  it("returns a deeply frozen design and leaves its input untouched", () => {
    const input = baseDesign();
    const d = normalizeDesign(input);
    expect(Object.isFrozen(d.data.entities[0]!.fields[0])).toBe(true);
    expect(input).toStrictEqual(baseDesign());
  });

  it("is deterministic", () => {
    expect(JSON.stringify(norm())).toBe(JSON.stringify(norm()));
  });
});

describe("normalisation helpers", () => {
  it.each([
    [{ name: "ShoppingList" }, "shopping_lists"],
    [{ name: "Category" }, "categories"],
    [{ name: "Person", table: "humans" }, "humans"],
  ])("tableName(%j) = %s", (entity, want) => {
    expect(tableName(entity)).toBe(want);
  });

  it.each([
    ["Item", "read", "Item"],
    ["Item", "create", "ItemCreate"],
    ["Item", "update", "ItemUpdate"],
  ] as const)("shapeName(%s, %s) = %s", (entity, shape, want) => {
    expect(shapeName(entity, shape)).toBe(want);
  });

  it("a create field is required unless nullable or defaulted", () => {
    const w = norm((x) => x.data.entities[0].fields.push({ name: "note", type: "text", nullable: true })).data
      .entities[0]!;
    expect(w.fields.map((f) => [f.name, requiredOnCreate(f)])).toStrictEqual([
      ["id", false],
      ["title", true],
      ["note", false],
      ["createdAt", false],
      ["updatedAt", false],
    ]);
  });
});
