/**
 * Defaults are resolved once, by normalisation: the ERD, the OpenAPI document, the SQL and the
 * evolution planner read the same length and precision, so stating a default explicitly changes
 * nothing.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import type { Design } from "../../src/design/schema.ts";
import type { NDesign } from "../../src/design/normalize.ts";
import { resolveDefaults } from "../../src/design/normalize.ts";
import { columnType } from "../../generators/mermaid/erd.ts";
import { buildDocument } from "../../generators/openapi/document.ts";
import { planInitialMigration } from "../../generators/migrations/initial-plan.ts";
import { diffSchemas } from "../../generators/migrations/schema-diff.ts";
import { lintDestructive } from "../../generators/evolution/lint.ts";
import { planNextMigration } from "../../generators/migrations/next-plan.ts";
import { compareDesigns } from "../../generators/evolution/report.ts";
import { isEmptyDiff } from "../../generators/migrations/schema-diff.ts";
import { mini, entity, field } from "../generators/evolution/mini.ts";
import { checkSemantics } from "../../src/design/semantics.ts";
import { designWith } from "./base.ts";

const withContact =
  (extra: Partial<Design["data"]["entities"][0]["fields"][0]> = {}) =>
  (d: Design) => {
    entity(d).fields.push(
      { name: "contact", type: "email", ...extra },
      { name: "site", type: "url", nullable: true },
      { name: "price", type: "decimal" },
    );
  };

const columnSql = (design: NDesign, column: string): string | undefined => {
  for (const s of planInitialMigration(design).up) {
    if (s.kind !== "create_table") continue;
    const c = s.table.columns.find((x) => x.name === column);
    if (c) return c.type;
  }
  return undefined;
};

describe("defaults resolved once", () => {
  it("the ERD labels an email column with the type the migration creates", () => {
    const d = mini(withContact());
    const contact = d.data.entities[0]!.fields.find((f) => f.name === "contact")!;
    expect(columnSql(d, "contact")).toBe("varchar(320)");
    expect(columnType(contact)).toBe("varchar(320)");
    expect(columnType(d.data.entities[0]!.fields.find((f) => f.name === "site")!)).toBe("varchar(2048)");
  });

  it("the OpenAPI schema of an email bounds its length as the database does", () => {
    const doc = buildDocument(mini(withContact())) as {
      components: { schemas: Record<string, { properties: Record<string, { maxLength?: number; format?: string }> }> };
    };
    expect(doc.components.schemas.Note!.properties.contact).toMatchObject({ format: "email", maxLength: 320 });
    expect(doc.components.schemas.NoteCreate!.properties.site).toMatchObject({ format: "uri", maxLength: 2048 });
  });

  it("making an implicit default explicit is no change at all", () => {
    const before = mini(withContact());
    const after = mini((d) => {
      withContact({ maxLength: 320 })(d);
      Object.assign(field(d, "price"), { precision: 12, scale: 2 });
    });
    const diff = diffSchemas(before, after);
    expect(lintDestructive(diff, false)).toStrictEqual([]);
    expect(diff.entities.changed.flatMap((c) => c.fields.changed)).toStrictEqual([]);
    expect(planNextMigration(before, after).up).toStrictEqual([]);
  });

  it("normalisation fills lengths, precision and scale into the model", () => {
    const f = mini(withContact()).data.entities[0]!.fields;
    expect(f.find((x) => x.name === "contact")).toMatchObject({ maxLength: 320 });
    expect(f.find((x) => x.name === "site")).toMatchObject({ maxLength: 2048 });
    expect(f.find((x) => x.name === "price")).toMatchObject({ precision: 12, scale: 2 });
  });

  it("the model's types state the resolved values (checked by tsc)", () => {
    const d = mini(withContact());
    const f = d.data.entities[0]!.fields.find((x) => x.name === "contact")!;
    if (f.type === "email") expectTypeOf(f.maxLength).toEqualTypeOf<number>();
    // @ts-expect-error a field narrowed to integer has no resolved length to read as a number
    if (f.type === "integer") expectTypeOf(f.maxLength).toEqualTypeOf<number>();
    if (f.type === "decimal") expectTypeOf(f.scale).toEqualTypeOf<number>();
    const p = d.api.endpoints[0]!.params[0]!;
    if (p.type === "string") expectTypeOf(p.maxLength).toEqualTypeOf<number>();
    expect(f.type).toBe("email");
  });

  it("an old design.json without resolved defaults evolves to the same design as nothing changed", () => {
    const now = mini(withContact());
    // What an earlier version wrote: the model without the filled defaults.
    const old = JSON.parse(JSON.stringify(now)) as NDesign;
    for (const f of old.data.entities[0]!.fields) {
      if (f.type === "email" || f.type === "url") delete (f as { maxLength?: number }).maxLength;
      if (f.type === "decimal") {
        delete (f as { precision?: number }).precision;
        delete (f as { scale?: number }).scale;
      }
    }
    const resolved = resolveDefaults(old);
    expect(resolved).toStrictEqual(now);
    expect(resolveDefaults(now)).toBe(now);
    expect(planNextMigration(old, now).up).toStrictEqual([]);
    expect(lintDestructive(diffSchemas(old, now), false)).toStrictEqual([]);
    const report = compareDesigns(old, now, { allowDestructive: false });
    expect(isEmptyDiff(report.schema)).toBe(true);
    expect(report.api).toStrictEqual([]);
    expect(report.destructive).toStrictEqual([]);
  });

  it("a literal default must fit the email length the database enforces", () => {
    const d = designWith((x) =>
      x.data.entities[0].fields.push({
        name: "contact",
        type: "email",
        default: { kind: "literal", value: `${"a".repeat(320)}@x.io` },
      }),
    );
    expect(checkSemantics(d).map((x) => [x.code, x.path])).toStrictEqual([
      ["invalid-default", "/data/entities/0/fields/2/default"],
    ]);
  });

  it("a minLength above the implicit email length is reported", () => {
    const d = designWith((x) => x.data.entities[0].fields.push({ name: "contact", type: "email", minLength: 400 }));
    expect(checkSemantics(d).map((x) => [x.code, x.path])).toStrictEqual([
      ["invalid-limits", "/data/entities/0/fields/2"],
    ]);
  });
});
