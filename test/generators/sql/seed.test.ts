/**
 * The seeder on PGlite: rows for every table of the fixture designs and of generated designs,
 * every constraint of the schema in force (the engine refuses any row that breaks one).
 */
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { seedRows } from "../../../generators/sql/seed.ts";
import { withPgliteSchema, closeSharedPglite, applyScript, type Engine } from "../../../generators/sql/engine.ts";
import { planInitialMigration } from "../../../generators/sql/plan.ts";
import { migrationFiles, readMigrations, toSql } from "../../../generators/sql/format.ts";
import type { Diagnostic } from "../../../src/design/diagnostics.ts";
import type { NDesign } from "../../../src/design/normalize.ts";
import type { Design } from "../../../src/design/schema.ts";
import { fixtureNames, loadFixture, normalizeOrThrow } from "../../helpers.ts";
import { designSeed, designFromSeed } from "../../property/arbitraries.ts";

afterAll(closeSharedPglite);

async function createSchema(engine: Engine, design: NDesign): Promise<string[]> {
  const plan = planInitialMigration(design);
  const [m] = readMigrations(migrationFiles({ version: 1, slug: "seed", up: toSql(plan.up), down: toSql(plan.down) }, "golang-migrate"), "golang-migrate");
  const out: Diagnostic[] = [];
  await applyScript(engine, m!.up, out);
  expect(out).toStrictEqual([]);
  return plan.up.flatMap((s) => (s.kind === "create_table" ? [s.table.name] : [])).sort();
}

const count = async (engine: Engine, table: string) => Number((await engine.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${table.replace(/"/g, '""')}"`))[0]!.n);

describe("seedRows", () => {
  it.each(fixtureNames)("fills every table of %s with 3 rows", async (name) => {
    const design = await loadFixture(name);
    await withPgliteSchema(async (engine, schema) => {
      const tables = await createSchema(engine, design);
      const result = await seedRows(engine, schema, { rows: 3 });
      expect(result.skipped).toStrictEqual([]);
      expect(Object.keys(result.inserted)).toStrictEqual(tables);
      for (const t of tables) expect(await count(engine, t)).toBe(3);
      // A second call continues the row numbers: uniques stay distinct.
      const again = await seedRows(engine, schema, { rows: 3, start: result.next });
      expect(again.skipped).toStrictEqual([]);
      for (const t of tables) expect(await count(engine, t)).toBe(6);
    });
  });

  it("is deterministic: the same schema gets the same rows", async () => {
    const design = await loadFixture(fixtureNames[0]!);
    const dump = () => withPgliteSchema(async (engine, schema) => {
      const tables = await createSchema(engine, design);
      await seedRows(engine, schema, { rows: 3 });
      const out: string[] = [];
      // Columns the engine fills (identity, now(), gen_random_uuid()) are left out of the comparison.
      for (const t of tables) out.push(JSON.stringify(await engine.query(`SELECT * FROM "${t}"`)));
      return out;
    });
    const volatile = (rows: string[]) => rows.map((r) => r.replace(/"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"/g, "uuid").replace(/"\d{4}-\d\d-\d\dT[^"]*"/g, "ts"));
    expect(volatile(await dump())).toStrictEqual(volatile(await dump()));
  });

  it("fills the tables of generated designs (keys, cycles, enums, arrays, checks); only NOT NULL foreign-key cycles are left out, with the reason", async () => {
    await fc.assert(fc.asyncProperty(designSeed, async (seed) => {
      const design = normalizeOrThrow(designFromSeed(seed));
      await withPgliteSchema(async (engine, schema) => {
        const tables = await createSchema(engine, design);
        const result = await seedRows(engine, schema, { rows: 3 });
        for (const s of result.skipped) expect(s.reason).toMatch(/closes a cycle of NOT NULL foreign keys|has no rows/);
        const skipped = new Set(result.skipped.map((s) => s.table));
        for (const t of tables) if (!skipped.has(t)) expect(result.inserted[t]).toBe(3);
      });
    }), { numRuns: 40, seed: 20261201 });
  });
});
