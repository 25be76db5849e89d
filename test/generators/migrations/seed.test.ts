/**
 * The seeder on PGlite: rows for every table of the fixture designs and of generated designs,
 * every constraint of the schema in force (the engine refuses any row that breaks one).
 */
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { seedRows } from "../../../generators/migrations/seed.ts";
import {
  withPgliteSchema,
  closeSharedPglite,
  applyScript,
  type Engine,
} from "../../../generators/migrations/engine.ts";
import { downWithRows, newSeedState } from "../../../generators/migrations/round-trip.ts";
import { planInitialMigration } from "../../../generators/migrations/initial-plan.ts";
import { migrationFiles, readMigrations, toSql } from "../../../generators/migrations/format.ts";
import type { Diagnostic } from "../../../src/design/diagnostics.ts";
import type { NDesign } from "../../../src/design/normalize.ts";
import { fixtureNames, loadFixture, normalizeOrThrow } from "../../helpers.ts";
import { designSeed, designFromSeed } from "../../../fixtures/property/arbitraries.ts";

afterAll(closeSharedPglite);

async function createSchema(engine: Engine, design: NDesign): Promise<string[]> {
  const plan = planInitialMigration(design);
  const [m] = readMigrations(
    migrationFiles({ version: 1, slug: "seed", up: toSql(plan.up), down: toSql(plan.down) }, "golang-migrate"),
    "golang-migrate",
  );
  const out: Diagnostic[] = [];
  await applyScript(engine, m!.up, out);
  expect(out).toStrictEqual([]);
  return plan.up.flatMap((s) => (s.kind === "create_table" ? [s.table.name] : [])).sort();
}

const count = async (engine: Engine, table: string) =>
  Number((await engine.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${table.replace(/"/g, '""')}"`))[0]!.n);

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
    const dump = () =>
      withPgliteSchema(async (engine, schema) => {
        const tables = await createSchema(engine, design);
        await seedRows(engine, schema, { rows: 3 });
        const out: string[] = [];
        // Columns the engine fills (identity, now(), gen_random_uuid()) are left out of the comparison.
        for (const t of tables) out.push(JSON.stringify(await engine.query(`SELECT * FROM "${t}"`)));
        return out;
      });
    const volatile = (rows: string[]) =>
      rows.map((r) =>
        r
          .replace(/"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"/g, "uuid")
          .replace(/"\d{4}-\d\d-\d\dT[^"]*"/g, "ts"),
      );
    expect(volatile(await dump())).toStrictEqual(volatile(await dump()));
  });

  it("fills the tables of generated designs (keys, cycles, enums, arrays, checks); only NOT NULL foreign-key cycles are left out, with the reason", async () => {
    await fc.assert(
      fc.asyncProperty(designSeed, async (seed) => {
        const design = normalizeOrThrow(designFromSeed(seed));
        await withPgliteSchema(async (engine, schema) => {
          const tables = await createSchema(engine, design);
          const result = await seedRows(engine, schema, { rows: 3 });
          for (const s of result.skipped)
            expect(s.reason).toMatch(/closes a cycle of NOT NULL foreign keys|has no rows/);
          const skipped = new Set(result.skipped.map((s) => s.table));
          for (const t of tables) if (!skipped.has(t)) expect(result.inserted[t]).toBe(3);
        });
      }),
      { numRuns: 40, seed: 20261201 },
    );
  });

  it("meets the CHECK constraints it can read on the first try (one INSERT per table)", async () => {
    const inserts: string[] = [];
    const result = await withPgliteSchema(async (engine, schema) => {
      await engine.exec(`CREATE TYPE mood AS ENUM ('ok', 'meh', 'bad');
        CREATE TABLE checked (
          id integer PRIMARY KEY,
          n integer NOT NULL CHECK (n >= 10 AND n <= 12),
          price numeric(4,2) NOT NULL CHECK (price > 1),
          s varchar(8) NOT NULL CHECK (char_length(s) >= 6),
          t text NOT NULL CHECK (char_length(t) <= 3),
          k text NOT NULL CHECK (k <> 'seed 1'),
          starts date NOT NULL, ends date NOT NULL,
          m mood NOT NULL CHECK (m <> 'ok'),
          "order" integer CHECK ("order" IS NULL),
          tags varchar(4)[] NOT NULL,
          CHECK (ends > starts))`);
      const counting: Engine = {
        query: (sql, params) => engine.query(sql, params),
        exec: async (sql) => {
          if (sql.startsWith("INSERT")) inserts.push(sql);
          await engine.exec(sql);
        },
      };
      const seeded = await seedRows(counting, schema, { rows: 3 });
      const rows = await engine.query<{ n: number; m: string; order: number | null }>(
        `SELECT n, m::text AS m, "order" FROM checked ORDER BY id`,
      );
      return { seeded, rows };
    });
    expect(result.seeded).toStrictEqual({ inserted: { checked: 3 }, skipped: [], next: 3 });
    expect(inserts).toHaveLength(1);
    expect(result.rows.every((r) => r.n >= 10 && r.n <= 12 && r.m !== "ok" && r.order === null)).toBe(true);
  });

  it("reports rows it cannot make, with the engine's or its own reason", async () => {
    const result = await withPgliteSchema(async (engine, schema) => {
      await engine.exec(`CREATE TABLE flags (id uuid PRIMARY KEY, on_off boolean NOT NULL UNIQUE);
        CREATE TABLE a (id uuid PRIMARY KEY, b_id uuid NOT NULL);
        CREATE TABLE b (id uuid PRIMARY KEY, a_id uuid NOT NULL REFERENCES a (id));
        ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b (id)`);
      return seedRows(engine, schema, { rows: 3 });
    });
    expect(result.inserted).toStrictEqual({ flags: 2 });
    expect(result.skipped).toStrictEqual([
      { table: "a", rows: 3, reason: "foreign key a_b_id_fkey closes a cycle of NOT NULL foreign keys" },
      { table: "b", rows: 3, reason: "table a (referenced by b_a_id_fkey) has no rows" },
      { table: "flags", rows: 1, reason: expect.stringContaining("duplicate key value violates unique constraint") },
    ]);
  });

  it("sql-seed-incomplete: a down checked with a table short of rows says so, once", async () => {
    const notes = await withPgliteSchema(async (engine, schema) => {
      await engine.exec(
        `CREATE TABLE a (id uuid PRIMARY KEY, b_id uuid NOT NULL); CREATE TABLE b (id uuid PRIMARY KEY, a_id uuid NOT NULL REFERENCES a (id)); ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b (id)`,
      );
      const out: Diagnostic[] = [];
      const info: Diagnostic[] = [];
      const state = newSeedState();
      const down = {
        file: "migrations/0001_x.down.sql",
        ownTransaction: false,
        statements: [{ sql: "SELECT 1", line: 1 }],
      };
      expect(await downWithRows(engine, schema, 1, down, state, out, info)).toBe(true);
      expect(await downWithRows(engine, schema, 1, down, state, out, info)).toBe(true);
      expect(out).toStrictEqual([]);
      return info;
    });
    expect(notes).toStrictEqual([
      {
        code: "sql-seed-incomplete",
        severity: "info",
        message:
          "rows of table a could not be generated before a down (foreign key a_b_id_fkey closes a cycle of NOT NULL foreign keys); downs ran with that table short of rows",
        path: "migrations/0001_x.down.sql",
      },
      {
        code: "sql-seed-incomplete",
        severity: "info",
        message:
          "rows of table b could not be generated before a down (table a (referenced by b_a_id_fkey) has no rows); downs ran with that table short of rows",
        path: "migrations/0001_x.down.sql",
      },
    ]);
  });
});
