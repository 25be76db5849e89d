/**
 * importOpenApi: small specs pin each mapping and each loss; the public corpus
 * (../shared/corpus/openapi) must import to designs that validate and build.
 */
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { corpusFolder } from "./corpus.ts";
import { stringify } from "yaml";
import { importOpenApi, type ImportResult } from "../../src/import/openapi.ts";
import { validateDesign } from "../../src/design/validate.ts";
import { build } from "../../src/pipeline/build.ts";
import type { Payload } from "../../src/design/schema.ts";

const corpusDir = corpusFolder("openapi");

/** A minimal OpenAPI 3.0 document around `paths` (and extra top-level keys). */
function spec(paths: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ openapi: "3.0.3", info: { title: "T", version: "1.0.0" }, paths, ...extra });
}
const ok = (schema: unknown) => ({
  "200": { description: "OK", content: { "application/json": { schema } } },
});
const get = (schema: unknown, more: Record<string, unknown> = {}) => ({
  get: { operationId: "getIt", responses: ok(schema), ...more },
});

async function run(text: string): Promise<ImportResult> {
  return importOpenApi({ text });
}
const codes = (r: ImportResult) => r.diagnostics.map((d) => `${d.code} ${d.path}`);
const lossesOf = (r: ImportResult, cls: string) => r.losses.filter((l) => l.class === cls).map((l) => l.pointer);
const payload = (r: ImportResult, name: string): Payload | undefined => r.design?.schemas?.find((s) => s.name === name);

describe("importOpenApi: refusals", () => {
  it.each([
    [
      "Swagger 2.0",
      JSON.stringify({ swagger: "2.0", info: { title: "x", version: "1" }, paths: {} }),
      "unsupported-openapi-version /swagger",
    ],
    [
      "OpenAPI 4",
      JSON.stringify({ openapi: "4.0.0", info: { title: "x", version: "1" }, paths: {} }),
      "unsupported-openapi-version /openapi",
    ],
    ["not a spec", "a: 1\n", "not-an-openapi-document "],
    ["a list", "- 1\n", "not-an-openapi-document "],
    [
      "only HEAD",
      spec({ "/a": { head: { responses: { "200": { description: "ok" } } } } }),
      "no-importable-operation /paths",
    ],
  ])("%s", async (_name, text, want) => {
    const r = await run(text);
    expect(r.design).toBeUndefined();
    expect(codes(r)).toContain(want);
  });

  it("refuses a remote $ref without fetching it", async () => {
    const r = await run(spec({ "/a": get({ $ref: "https://example.invalid/schemas.json#/Thing" }) }));
    expect(r.design).toBeUndefined();
    expect(codes(r)).toStrictEqual([
      "remote-ref-refused /paths/~1a/get/responses/200/content/application~1json/schema/$ref",
    ]);
  });

  it("reports a dangling local $ref as the source's problem and imports the rest", async () => {
    const r = await run(
      spec({ "/a": get({ type: "object", properties: { x: { $ref: "#/components/schemas/Nope" } } }) }),
    );
    expect(codes(r)).toContain(
      "dangling-ref /paths/~1a/get/responses/200/content/application~1json/schema/properties/x/$ref",
    );
    expect(payload(r, "GetItResponse")?.properties).toStrictEqual([{ name: "x", type: "json", required: false }]);
  });

  it("reads a file and reports a missing one as a diagnostic", async () => {
    const r = await importOpenApi({ file: join(tmpdir(), "contractor-no-such-spec.yaml") });
    expect(r.design).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toStrictEqual(["file-not-found"]);
  });
});

describe("importOpenApi: mapping", () => {
  it("declares an undeclared path parameter, warns with the source pointer, and goes on", async () => {
    const r = await run(spec({ "/apps/{app_id}": get({ type: "object", properties: { id: { type: "string" } } }) }));
    expect(codes(r)).toContain("source-path-param-undeclared /paths/~1apps~1{app_id}/get");
    expect(r.design?.api.endpoints[0]).toMatchObject({
      path: "/apps/{appId}",
      params: [{ name: "appId", in: "path", type: "text", required: true }],
    });
    expect(lossesOf(r, "source-invalid")).toStrictEqual(["/paths/~1apps~1{app_id}/get"]);
    expect(codes(r)).toContain("placeholder-entity ");
  });

  it("maps scalars, formats, nullability (3.0 and 3.1), enums, arrays and nested objects", async () => {
    const schema = {
      type: "object",
      required: ["id", "name"],
      properties: {
        id: { type: "string", format: "uuid" },
        name: { type: "string", maxLength: 80 },
        email: { type: "string", format: "email", maxLength: 200 },
        count: { type: "integer", format: "int64", minimum: 0 },
        state: { type: "string", enum: ["open", "closed"] },
        note: { type: ["string", "null"] },
        tags: { type: "array", items: { type: "string" } },
        owner: { type: "object", properties: { login: { type: "string" } } },
        when: { type: "string", format: "date-time", nullable: true },
      },
    };
    const r = await run(spec({ "/things": get(schema) }));
    expect(payload(r, "GetItResponse")?.properties).toStrictEqual([
      { name: "id", type: "uuid" },
      { name: "name", type: "text", maxLength: 80 },
      { name: "email", type: "email", maxLength: 200, required: false },
      { name: "count", type: "bigint", minimum: 0, required: false },
      { name: "state", type: "enum", enum: "GetItResponseState", required: false },
      { name: "note", type: "text", required: false, nullable: true },
      { name: "tags", type: "array", items: { type: "text" }, required: false },
      { name: "owner", type: "ref", ref: "GetItResponseOwner", required: false },
      { name: "when", type: "timestamp", required: false, nullable: true },
    ]);
    expect(r.design?.data.enums).toStrictEqual([{ name: "GetItResponseState", values: ["open", "closed"] }]);
    expect(r.losses.filter((l) => l.class !== "base-path")).toStrictEqual([]);
  });

  it.each([
    ["a number", { type: "number" }, "number-type", { type: "json" }],
    ["an uppercase enum", { type: "string", enum: ["OPEN", "CLOSED"] }, "enum-values", { type: "text" }],
    ["a map", { type: "object", additionalProperties: { type: "integer" } }, "map", { type: "json" }],
    ["a oneOf", { oneOf: [{ type: "string" }, { type: "integer" }] }, "composition", { type: "json" }],
    ["an unsigned integer", { type: "integer", format: "uint64" }, "integer-format", { type: "bigint" }],
    ["a snake_case property", null, "property-name", { type: "text" }],
    ["a default", { type: "boolean", default: true }, "schema-keyword", { type: "boolean" }],
  ])("%s becomes a loss", async (_name, value, cls, want) => {
    const properties = value === null ? { some_name: { type: "string" } } : { v: value };
    const r = await run(spec({ "/a": get({ type: "object", required: Object.keys(properties), properties }) }));
    expect(lossesOf(r, cls).length).toBeGreaterThan(0);
    expect(payload(r, "GetItResponse")?.properties[0]).toMatchObject(want);
  });

  it("follows a circular $ref to one named payload", async () => {
    const r = await run(
      spec(
        { "/nodes": get({ $ref: "#/components/schemas/Node" }) },
        {
          components: {
            schemas: {
              Node: {
                type: "object",
                required: ["children"],
                properties: { children: { type: "array", items: { $ref: "#/components/schemas/Node" } } },
              },
            },
          },
        },
      ),
    );
    expect(r.design?.schemas).toStrictEqual([
      { name: "Node", properties: [{ name: "children", type: "array", items: { type: "ref", ref: "Node" } }] },
    ]);
    expect(r.design?.api.endpoints[0]?.response).toStrictEqual({ status: 200, schema: "Node", description: "OK" });
  });

  it("merges allOf parts into one payload", async () => {
    const r = await run(
      spec(
        {
          "/pets": get({
            allOf: [{ $ref: "#/components/schemas/Base" }, { type: "object", properties: { b: { type: "boolean" } } }],
          }),
        },
        {
          components: {
            schemas: { Base: { type: "object", required: ["a"], properties: { a: { type: "integer" } } } },
          },
        },
      ),
    );
    expect(payload(r, "GetItResponse")?.properties).toStrictEqual([
      { name: "a", type: "integer" },
      { name: "b", type: "boolean", required: false },
    ]);
  });

  it("wraps a bare array response and records what it did", async () => {
    const r = await run(spec({ "/a": get({ type: "array", items: { type: "string" } }) }));
    expect(r.design?.api.endpoints[0]?.response.schema).toBe("GetItResponse");
    expect(payload(r, "GetItResponse")?.properties).toStrictEqual([
      { name: "value", type: "array", items: { type: "text" } },
    ]);
    expect(lossesOf(r, "bare-body")).toStrictEqual(["/paths/~1a/get/responses/200/content/application~1json/schema"]);
  });

  it("maps the version prefix, renamed query parameters, security and errors", async () => {
    const r = await run(
      spec(
        {
          "/api/v2/items": {
            post: {
              operationId: "items.create",
              security: [{ bearer: [] }],
              parameters: [
                { name: "with_content", in: "query", schema: { type: "boolean" } },
                { name: "idempotency-key", in: "header", schema: { type: "string" } },
              ],
              requestBody: {
                required: true,
                content: { "application/json": { schema: { type: "object", properties: { n: { type: "string" } } } } },
              },
              responses: {
                "201": {
                  description: "Created",
                  content: {
                    "application/json": { schema: { type: "object", properties: { id: { type: "string" } } } },
                  },
                },
                "404": { description: "Not Found" },
                "401": { description: "Unauthorized" },
              },
            },
          },
        },
        { components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } } },
      ),
    );
    const d = r.design!;
    expect(d.api.basePath).toBe("/api");
    expect(d.api.versioning.current).toBe("v2");
    expect(d.api.endpoints[0]).toMatchObject({
      operationId: "itemsCreate",
      path: "/items",
      params: [{ name: "withContent", in: "query", type: "boolean" }],
      idempotencyKey: true,
      auth: { schemes: ["bearer"] },
      body: { schema: "ItemsCreateRequest" },
      response: { status: 201, schema: "ItemsCreateResponse" },
      errors: ["unauthenticated", "not-found"],
    });
    expect(d.errors).toStrictEqual([{ code: "not-found", status: 404, title: "Not Found" }]);
    expect(d.auth?.schemes[0]).toMatchObject({ name: "bearer", type: "jwt" });
    expect(lossesOf(r, "query-param-name")).toStrictEqual(["/paths/~1api~1v2~1items/post/parameters/0"]);
    expect(lossesOf(r, "auth")).toStrictEqual(["/components/securitySchemes/bearer"]);
    expect(validateDesign(d).diagnostics.filter((x) => x.severity === "error")).toStrictEqual([]);
  });

  it("keeps importing where the resolver would stop: a numeric version, a parameter whose schema is broken", async () => {
    const text = JSON.stringify({
      openapi: "3.0.3",
      info: { title: "T", version: 2 },
      paths: {
        "/a": {
          get: {
            operationId: "getA",
            parameters: [
              { name: "q", in: "query", schema: { $ref: "#/components/schemas/Missing" } },
              { name: "o", in: "query", schema: { type: "object", properties: { x: { type: "string" } } } },
            ],
            responses: { "204": { description: "none" } },
          },
        },
      },
    });
    const r = await run(text);
    expect(r.design?.info.version).toBe("2.0.0");
    expect(r.design?.api.endpoints[0]?.params).toStrictEqual([
      { name: "q", in: "query", type: "text" },
      { name: "o", in: "query", type: "text" },
    ]);
    expect(codes(r)).toContain("dangling-ref /paths/~1a/get/parameters/0/schema/$ref");
    expect(lossesOf(r, "param-type")).toStrictEqual([
      "/paths/~1a/get/parameters/0/schema",
      "/paths/~1a/get/parameters/1/schema",
    ]);
  });

  it("does not give an imported schema the placeholder entity's names", async () => {
    const r = await run(
      spec(
        { "/a": get({ $ref: "#/components/schemas/ImportPlaceholder" }) },
        {
          components: { schemas: { ImportPlaceholder: { type: "object", properties: { a: { type: "string" } } } } },
        },
      ),
    );
    expect(r.design?.api.endpoints[0]?.response.schema).toBe("ImportPlaceholder2");
  });

  it("produces the same design and report twice (deterministic)", async () => {
    const text = spec({ "/a/{b}": get({ type: "object", properties: { c: { type: "number" } } }) });
    expect(JSON.stringify(await run(text))).toBe(JSON.stringify(await run(text)));
  });
});

describe("importOpenApi: what contractor's own specs say", () => {
  it.each([
    [
      "a decimal string with precision and scale",
      { type: "string", format: "decimal", pattern: "^-?\\d{1,8}(\\.\\d{1,2})?$", "x-minimum": 0 },
      { type: "decimal", precision: 10, scale: 2, minimum: 0 },
    ],
    [
      "a decimal string below 1",
      { type: "string", format: "decimal", pattern: "^-?0(\\.\\d{1,4})?$" },
      { type: "decimal", precision: 4, scale: 4 },
    ],
    [
      "a whole decimal string",
      { type: "string", format: "decimal", pattern: "^-?\\d{1,6}$" },
      { type: "decimal", precision: 6, scale: 0 },
    ],
    ["a decimal string of any size", { type: "string", format: "decimal" }, { type: "decimal" }],
    [
      "a nullable enum: type beside one allOf $ref",
      { type: "string", nullable: true, allOf: [{ $ref: "#/components/schemas/Kind" }] },
      { type: "enum", enum: "Kind", nullable: true },
    ],
  ])("%s", async (_name, schema, want) => {
    const r = await run(
      spec(
        { "/a": get({ type: "object", required: ["x"], properties: { x: schema } }) },
        { components: { schemas: { Kind: { type: "string", enum: ["alpha", "beta-two"] } } } },
      ),
    );
    const { name: _, ...x } = payload(r, "GetItResponse")!.properties[0]!;
    expect(x).toStrictEqual(want);
  });

  it("a decimal string without a pattern is a loss", async () => {
    const r = await run(
      spec({ "/a": get({ type: "object", properties: { x: { type: "string", format: "decimal" } } }) }),
    );
    expect(lossesOf(r, "string-format")).toStrictEqual([
      "/paths/~1a/get/responses/200/content/application~1json/schema/properties/x",
    ]);
  });

  it("takes error codes from x-error-codes, titles and details from their problem+json examples", async () => {
    const problem = (code: string, summary: string, description?: string) => ({
      summary,
      ...(description ? { description } : {}),
      value: { code },
    });
    const r = await run(
      spec({
        "/a": get(
          { type: "object", properties: { x: { type: "string" } } },
          {
            responses: {
              ...ok({ type: "object", properties: { x: { type: "string" } } }),
              "404": {
                description: "Not found: `not-found` (Not found).",
                "x-error-codes": ["not-found"],
                content: {
                  "application/problem+json": { examples: { "not-found": problem("not-found", "Not found") } },
                },
              },
              "409": {
                description: "One of: `out-of-stock` (Out of stock), `gone-away` (Gone).",
                "x-error-codes": ["out-of-stock", "gone-away", "Not A Code"],
                content: {
                  "application/problem+json": {
                    examples: {
                      "out-of-stock": problem("out-of-stock", "Out of stock"),
                      "gone-away": problem("gone-away", "Gone", "It left."),
                    },
                  },
                },
              },
            },
          },
        ),
      }),
    );
    expect(r.design?.api.endpoints[0]?.errors).toStrictEqual(["not-found", "out-of-stock", "gone-away"]);
    expect(r.design?.errors.filter((e) => e.status !== 422)).toStrictEqual([
      { code: "not-found", status: 404, title: "Not found" },
      { code: "out-of-stock", status: 409, title: "Out of stock" },
      { code: "gone-away", status: 409, title: "Gone", description: "It left." },
    ]);
  });
});

describe.skipIf(!existsSync(corpusDir))("importOpenApi: the public corpus (../shared/corpus/openapi)", () => {
  const files = existsSync(corpusDir)
    ? readdirSync(corpusDir)
        .filter((f) => /\.(ya?ml|json)$/.test(f))
        .sort()
    : [];
  if (!existsSync(corpusDir)) console.warn(`skipped: corpus folder ${corpusDir} is absent`);

  it("has specs to import", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)(
    "%s imports to a design that validates and builds",
    async (file) => {
      const r = await importOpenApi({ file: join(corpusDir, file) });
      expect(r.diagnostics.filter((d) => d.severity === "error")).toStrictEqual([]);
      expect(r.design).toBeDefined();
      expect(validateDesign(r.design).diagnostics).toStrictEqual([]);
      for (const l of r.losses) expect(l.pointer).toMatch(/^(\/|$)/);
      // One spec builds with the real database engine; the others skip it to keep CI fast.
      const engine = file.startsWith("xero");
      const dir = await mkdtemp(join(tmpdir(), "contractor-import-"));
      try {
        const designFile = join(dir, "design.yaml");
        await writeFile(designFile, stringify(r.design, { lineWidth: 0 }));
        const b = await build({ file: designFile }, { engine, render: false });
        expect(b.diagnostics.filter((d) => d.severity === "error")).toStrictEqual([]);
        expect(b.ok).toBe(true);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );

  it("svix: the four operations with an undeclared path parameter are reported, not fatal", async () => {
    const r = await importOpenApi({ file: join(corpusDir, "svix-server-openapi.json") });
    const undeclared = r.diagnostics.filter((d) => d.code === "source-path-param-undeclared");
    expect(undeclared.map((d) => d.path)).toHaveLength(4);
    for (const d of undeclared) expect(d.path).toMatch(/^\/paths\/~1api~1v1~1app~1\{app_id\}/);
  });
});
