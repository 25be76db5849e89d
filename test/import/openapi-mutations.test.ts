/**
 * Hostile variations of a real spec: random nodes of the corpus specs replaced by values of the
 * wrong type, dangling references and odd schemas. The import must answer every one with a design
 * or diagnostics, never a throw (a throw is contractor's own bug: an invalid design produced).
 */
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { importOpenApi } from "../../src/import/openapi.ts";
import { corpusFolder } from "./corpus.ts";

const dir = corpusFolder("openapi");
const files = ["swagger-petstore-v3.yaml", "svix-server-openapi.json"];
const WEIRD = [
  null,
  1,
  "x",
  [],
  {},
  true,
  { $ref: "#/nope" },
  { $ref: "#/components/schemas" },
  { type: "array" },
  { type: ["null"] },
  { enum: [] },
  { allOf: [1] },
  { oneOf: null },
  { properties: [] },
  { required: "x" },
  "{a}",
];

/** Every (object, key) pair of a document, in document order. */
function slots(v: unknown, out: Array<[Record<string, unknown>, string]> = []) {
  if (v && typeof v === "object")
    for (const [k, x] of Object.entries(v)) {
      out.push([v as Record<string, unknown>, k]);
      slots(x, out);
    }
  return out;
}

describe.skipIf(!files.every((f) => existsSync(join(dir, f))))("importOpenApi on mutated corpus specs", () => {
  it("never throws", async () => {
    const bases = files.map((f) => parse(readFileSync(join(dir, f), "utf8")) as unknown);
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const thrown: string[] = [];
    for (let i = 0; i < 200; i++) {
      const doc = structuredClone(bases[i % bases.length]);
      const all = slots(doc);
      for (let j = 0; j < 1 + (i % 12); j++) {
        const [node, key] = all[Math.floor(random() * all.length)]!;
        node[key] = structuredClone(WEIRD[Math.floor(random() * WEIRD.length)]);
      }
      try {
        const r = await importOpenApi({ text: JSON.stringify(doc) });
        if (!r.design && r.diagnostics.length === 0) thrown.push(`case ${i}: no design and no diagnostic`);
      } catch (error) {
        thrown.push(`case ${i}: ${(error as Error).message.slice(0, 200)}`);
      }
    }
    expect(thrown).toStrictEqual([]);
  }, 120_000);
});
