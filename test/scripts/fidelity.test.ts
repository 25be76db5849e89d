/**
 * The fidelity harness measures what it claims: a spec the design format can say in full is 100 %
 * wire-compatible; each kind of difference (a renamed query parameter, a number property, a
 * base path without a version) lowers exactly the measure it concerns.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { measure } from "../../scripts/fidelity.ts";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "contractor-fidelity-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const item = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", format: "uuid" }, name: { type: "string" } },
};
function spec(over: { server?: string; param?: string; property?: unknown }) {
  return {
    openapi: "3.0.3",
    info: { title: "Shop", version: "1.0.0" },
    servers: [{ url: over.server ?? "https://api.example.com/api/v1" }],
    paths: {
      "/items/{itemId}": {
        get: {
          operationId: "getItem",
          security: [],
          parameters: [
            { name: "itemId", in: "path", required: true, schema: { type: "string", format: "uuid" } },
            { name: over.param ?? "verbose", in: "query", schema: { type: "boolean" } },
          ],
          responses: {
            "200": {
              description: "OK",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Item" } } },
            },
          },
        },
      },
    },
    components: {
      schemas: { Item: over.property ? { ...item, properties: { ...item.properties, extra: over.property } } : item },
    },
  };
}

async function measured(name: string, s: unknown) {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(s));
  return measure(file);
}

describe("fidelity harness", () => {
  it.each([
    ["what the format says in full", {}, { compatible: 1, compatibleModuloBase: 1, schemasEqual: 1 }],
    [
      "a snake_case query parameter",
      { param: "with_content" },
      { compatible: 0, compatibleModuloBase: 0, schemasEqual: 1 },
    ],
    [
      "a number property",
      { property: { type: "number" } },
      { compatible: 0, compatibleModuloBase: 0, schemasEqual: 0 },
    ],
    [
      "a base path without a version",
      { server: "https://api.example.com/shop" },
      { compatible: 0, compatibleModuloBase: 1, schemasEqual: 1 },
    ],
  ])(
    "%s",
    async (name, over, want) => {
      const r = await measured(`${name.replace(/\W+/g, "-")}.json`, spec(over));
      expect(r.failed).toBeUndefined();
      expect({ operations: r.operations, schemas: r.schemas }).toStrictEqual({ operations: 1, schemas: 1 });
      expect({
        compatible: r.compatible,
        compatibleModuloBase: r.compatibleModuloBase,
        schemasEqual: r.schemasEqual,
      }).toStrictEqual(want);
    },
    60_000,
  );
});
