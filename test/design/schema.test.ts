import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { designSchemaJson } from "../../src/design/schema-json.ts";

describe("design schema", () => {
  it("schemas/design.schema.json is the serialisation of src/design/schema.ts (run `npm run schema` after a change)", () => {
    const onDisk = readFileSync(new URL("../../schemas/design.schema.json", import.meta.url), "utf8");
    expect(onDisk).toBe(designSchemaJson());
  });

  it("every property of every object carries a description", () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== "object") return;
      const n = node as Record<string, unknown>;
      if (n.type === "object" && n.properties) {
        if (n.additionalProperties !== false) missing.push(`${path} is not closed (additionalProperties: false)`);
        for (const [k, v] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
          if (typeof v.description !== "string" || v.description.length < 3) missing.push(`${path}/${k}`);
          walk(v, `${path}/${k}`);
        }
      }
      if (n.items) walk(n.items, `${path}[]`);
    };
    walk(JSON.parse(designSchemaJson()), "#");
    expect(missing).toStrictEqual([]);
  });
});
