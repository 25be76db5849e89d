/**
 * Property: the artifacts agree on every column. For generated designs — lengths and precisions
 * stated or left implicit, every portable type — each column's type in the initial migration is
 * the ERD's type word, and the OpenAPI schema of the field bounds the value as the database does
 * (varchar length = maxLength, numeric(p,s) = the decimal pattern, the format of the column's
 * kind), and the TypeScript type is the one that schema describes. The expectation is read from
 * the SQL text, not from the shared type table.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { OpenAPIV3 } from "openapi-types";
import { designSeed, designFromSeed } from "../../fixtures/property/arbitraries.ts";
import { normalizeOrThrow } from "../helpers.ts";
import type { Design, Entity, Field } from "../../src/design/schema.ts";
import type { NDesign, NEntity, NField } from "../../src/design/normalize.ts";
import { planInitialMigration } from "../../generators/migrations/initial-plan.ts";
import { erdDiagram, entityId } from "../../generators/mermaid/erd.ts";
import { buildDocument } from "../../generators/openapi/document.ts";
import { tsType } from "../../generators/typescript/model.ts";

const RUNS = Number(process.env.FUZZ_CONSISTENCY_RUNS ?? 60);

/** Every portable type a column can have, each with its length or precision left implicit and stated. */
const everyType = (enumName: string | undefined): Entity => ({
  name: "Sample",
  timestamps: false,
  fields: [
    { name: "id", type: "uuid", primaryKey: true, default: { kind: "uuid" } },
    { name: "plain", type: "string" },
    { name: "short", type: "string", maxLength: 12 },
    { name: "note", type: "text" },
    { name: "bounded", type: "text", maxLength: 90 },
    { name: "mail", type: "email", nullable: true },
    { name: "workMail", type: "email", maxLength: 100 },
    { name: "site", type: "url" },
    { name: "docs", type: "url", maxLength: 300 },
    { name: "count", type: "integer" },
    { name: "total", type: "bigint" },
    { name: "amount", type: "decimal" },
    { name: "rate", type: "decimal", precision: 5, scale: 4 },
    { name: "whole", type: "decimal", precision: 6, scale: 0 },
    { name: "flag", type: "boolean" },
    { name: "ref", type: "uuid" },
    { name: "day", type: "date" },
    { name: "at", type: "timestamp" },
    { name: "data", type: "json" },
    { name: "mails", type: "array", items: { type: "email" } },
    { name: "words", type: "array", items: { type: "string", maxLength: 9 } },
    { name: "amounts", type: "array", items: { type: "decimal" } },
    { name: "days", type: "array", items: { type: "date" } },
    ...(enumName
      ? [
          { name: "kind", type: "enum", enum: enumName } as Field,
          { name: "kinds", type: "array", items: { type: "enum", enum: enumName } } as Field,
        ]
      : []),
  ],
});

/** The generated design with every stated length and precision dropped where `implicit` says so, plus the every-type entity. */
function variant(design: Design, implicit: boolean[]): Design {
  let i = 0;
  for (const e of design.data.entities) {
    for (const f of e.fields) {
      if (!implicit[i++ % implicit.length]) continue;
      if (f.type === "string" || f.type === "email" || f.type === "url") delete f.maxLength;
      if (f.type === "decimal") {
        delete f.precision;
        delete f.scale;
      }
      if (f.items && f.items.type === "string") delete f.items.maxLength;
    }
  }
  design.data.entities.push(everyType(design.data.enums?.[0]?.name));
  // Only schemas an operation uses are components: read and create the sample.
  design.api.endpoints.push(
    {
      operationId: "getSample",
      method: "GET",
      path: "/samples/{sampleId}",
      summary: "One sample",
      params: [{ name: "sampleId", in: "path", type: "uuid" }],
      response: { status: 200, schema: "Sample" },
    },
    {
      operationId: "createSample",
      method: "POST",
      path: "/samples",
      summary: "Create a sample",
      body: { schema: "Sample" },
      response: { status: 201, schema: "Sample" },
    },
  );
  return design;
}

/** Column → SQL type, per table, from the initial migration. */
function sqlColumns(design: NDesign): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const s of planInitialMigration(design).up) {
    if (s.kind === "create_table") out.set(s.table.name, new Map(s.table.columns.map((c) => [c.name, c.type])));
  }
  return out;
}

/** Entity → the ERD's type words, in field order. */
function erdTypes(design: NDesign): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of erdDiagram(design).split("\n")) {
    const open = /^ {2}(\S+?)(\[.*\])? \{$/.exec(line);
    if (open) {
      current = [];
      out.set(open[1]!, current);
      continue;
    }
    if (line === "  }") {
      current = undefined;
      continue;
    }
    const attr = /^ {4}(\S+) /.exec(line);
    if (attr && current) current.push(attr[1]!);
  }
  return out;
}

const unquote = (sql: string) => sql.replace(/^"(.*)"$/, "$1").replace(/""/g, '"');
const decimalPattern = (p: number, s: number) => {
  const whole = p - s;
  const frac = s > 0 ? `(\\.\\d{1,${s}})?` : "";
  return whole > 0 ? `^-?\\d{1,${whole}}${frac}$` : `^-?0${frac}$`;
};

/** What the database enforces, as the OpenAPI schema of the value must state it. */
function expectedSchema(field: Pick<NField, "type" | "enum">, sql: string): Record<string, unknown> {
  const varchar = /^varchar\((\d+)\)$/.exec(sql);
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(sql);
  const format: Record<string, string> = { email: "email", url: "uri" };
  if (varchar)
    return {
      type: "string",
      maxLength: Number(varchar[1]),
      ...(format[field.type] ? { format: format[field.type] } : {}),
    };
  if (numeric)
    return { type: "string", format: "decimal", pattern: decimalPattern(Number(numeric[1]), Number(numeric[2])) };
  const byBase: Record<string, Record<string, unknown>> = {
    text: { type: "string" },
    integer: { type: "integer", format: "int32" },
    bigint: { type: "integer", format: "int64" },
    boolean: { type: "boolean" },
    uuid: { type: "string", format: "uuid" },
    date: { type: "string", format: "date" },
    timestamptz: { type: "string", format: "date-time" },
    jsonb: {},
  };
  const want = byBase[sql];
  if (want) return want;
  // An enum column: its Postgres type, and the $ref of its component.
  return { $ref: `#/components/schemas/${field.enum}` };
}

/** The part of a schema that states what values it admits (nullability, docs and examples aside). */
function valueSchema(s: OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject): Record<string, unknown> {
  if ("$ref" in s) return { $ref: s.$ref };
  if (s.allOf) return valueSchema(s.allOf[0]!);
  const keep = ["type", "format", "maxLength", "pattern"] as const;
  return Object.fromEntries(keep.filter((k) => s[k] !== undefined).map((k) => [k, s[k]]));
}

function fieldSchema(
  doc: OpenAPIV3.Document,
  entity: NEntity,
  field: NField,
): OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject | undefined {
  for (const name of [entity.name, `${entity.name}Create`, `${entity.name}Update`]) {
    const s = doc.components?.schemas?.[name] as OpenAPIV3.SchemaObject | undefined;
    const p = s?.properties?.[field.name];
    if (p) return p;
  }
  return undefined;
}

function checkDesign(design: NDesign): number {
  const sql = sqlColumns(design);
  const erd = erdTypes(design);
  const doc = buildDocument(design) as OpenAPIV3.Document;
  let checked = 0;
  for (const entity of design.data.entities) {
    const columns = sql.get(entity.table)!;
    const words = erd.get(entityId(entity.name))!;
    entity.fields.forEach((field, i) => {
      const at = `${entity.name}.${field.name} (${field.type})`;
      const column = columns.get(field.column)!;
      expect(column, at).toBeDefined();
      // The ERD shows the column type; an enum shows its design name instead of the Postgres type name.
      const erdWord = words[i]!;
      if (field.type === "enum") expect(erdWord, at).toBe(field.enum);
      else if (field.type === "array" && field.items?.type === "enum")
        expect(erdWord, at).toBe(`${field.items.enum}[]`);
      else expect(erdWord, at).toBe(column);
      const schema = fieldSchema(doc, entity, field);
      if (!schema) return; // internal field: not in the API
      if (field.type === "array") {
        const items = (schema as OpenAPIV3.ArraySchemaObject).items;
        const element = column.replace(/\[\]$/, "");
        expect(valueSchema(items), at).toStrictEqual(
          expectedSchema(
            { type: field.items!.type as NField["type"], ...(field.items!.enum ? { enum: field.items!.enum } : {}) },
            element.startsWith('"') ? unquote(element) : element,
          ),
        );
      } else {
        const got = valueSchema(schema);
        const want = expectedSchema(field, column);
        // text with a stated maxLength keeps it as a CHECK constraint: the API states the same bound.
        if (field.type === "text" && field.maxLength !== undefined) want.maxLength = field.maxLength;
        expect(got, at).toStrictEqual(want);
        // The TypeScript type is the one the OpenAPI schema describes.
        const ts: Record<string, string> = { string: "string", integer: "number", boolean: "boolean" };
        expect(
          tsType(field, (n) => n),
          at,
        ).toBe(typeof got.$ref === "string" ? field.enum : got.type === undefined ? "unknown" : ts[got.type as string]);
      }
      checked++;
    });
  }
  return checked;
}

describe("property: the artifacts agree on every column", () => {
  it(`${RUNS} generated designs: SQL type = ERD type, OpenAPI bounds = database bounds`, () => {
    let checked = 0;
    const types = new Set<string>();
    fc.assert(
      fc.property(designSeed, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (seed, implicit) => {
        const design = normalizeOrThrow(variant(designFromSeed(seed), implicit));
        for (const e of design.data.entities) for (const f of e.fields) types.add(f.type);
        checked += checkDesign(design);
      }),
      { numRuns: RUNS, seed: 16 },
    );
    // At least the sample entity's columns, every run.
    expect(checked).toBeGreaterThanOrEqual(RUNS * everyType(undefined).fields.length);
    expect([...types].sort()).toStrictEqual([
      "array",
      "bigint",
      "boolean",
      "date",
      "decimal",
      "email",
      "enum",
      "integer",
      "json",
      "string",
      "text",
      "timestamp",
      "url",
      "uuid",
    ]);
  });
});
