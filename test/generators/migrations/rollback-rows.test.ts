/**
 * Rollbacks proven with rows: every down of the evolution fixtures runs on tables holding seeded
 * rows (round trip of the whole chain, and of each new migration on top of the earlier ones); a down
 * that only works on empty tables is caught; CHANGES.md says what a down does not restore.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  engineCheck,
  roundTrip,
  onEngine,
  snapshot,
  compareSnapshots,
} from "../../../generators/migrations/round-trip.ts";
import { nextMigration } from "../../../generators/migrations/derive.ts";
import { rollbackNotes } from "../../../generators/migrations/rollback-notes.ts";
import { renderChanges, compareDesigns } from "../../../generators/evolution/report.ts";
import { planNextMigration } from "../../../generators/migrations/next-plan.ts";
import { applyScript, closeSharedPglite, withPgliteSchema } from "../../../generators/migrations/engine.ts";
import { seedRows } from "../../../generators/migrations/seed.ts";
import { planInitialMigration } from "../../../generators/migrations/initial-plan.ts";
import { migrationFiles, readMigrations, toSql } from "../../../generators/migrations/format.ts";
import { resolveOptions } from "../../../src/pipeline/build.ts";
import type { GeneratedFile } from "../../../src/core/artifact.ts";
import type { Diagnostic } from "../../../src/design/diagnostics.ts";
import type { NDesign } from "../../../src/design/normalize.ts";
import { mini, entity, series } from "../evolution/mini.ts";
import { fixtureNames, loadFixture } from "../../helpers.ts";

afterAll(closeSharedPglite);

const options = resolveOptions({ allowDestructive: true });

/** The round trip of `files` with the migrations from version `from` on as the ones a build wrote. */
const roundTripFrom = async (files: readonly GeneratedFile[], from: number) =>
  (await engineCheck(readMigrations(files, "golang-migrate"), { from })).diagnostics;

/** The migration files of a design series: the first design's initial migration, then one per change. */
function chain(designs: readonly NDesign[]): GeneratedFile[] {
  const init = planInitialMigration(designs[0]!);
  const files = migrationFiles(
    { version: 1, slug: "init", up: toSql(init.up), down: toSql(init.down) },
    "golang-migrate",
  );
  for (let i = 1; i < designs.length; i++) {
    const next = nextMigration(designs[i - 1]!, designs[i]!, i + 1, options);
    expect(next.diagnostics).toStrictEqual([]);
    files.push(...next.migration!.files);
  }
  return files;
}

describe("round trip with seeded rows", () => {
  it.each(fixtureNames)("the initial migration of %s: every down runs on tables holding rows", async (name) => {
    const files = chain([await loadFixture(name)]);
    const result = await withPgliteSchema((engine, schema) =>
      roundTrip(engine, schema, readMigrations(files, "golang-migrate")),
    );
    expect(result.diagnostics).toStrictEqual([]);
  });

  it("the listly chain v1 → v2 → v3: each down runs on rows, the whole chain and each new migration", async () => {
    const files = chain([await series("v1"), await series("v2"), await series("v3")]);
    const migrations = readMigrations(files, "golang-migrate");
    expect(migrations.map((m) => m.version)).toStrictEqual([1, 2, 3]);
    // Every table of the fully migrated schema takes 3 rows: the downs below do run on data.
    await withPgliteSchema(async (engine, schema) => {
      const out: Diagnostic[] = [];
      for (const m of migrations) await applyScript(engine, m.up, out);
      expect(out).toStrictEqual([]);
      const seeded = await seedRows(engine, schema, { rows: 3 });
      expect(seeded.skipped).toStrictEqual([]);
      expect(Object.values(seeded.inserted).every((n) => n === 3)).toBe(true);
      expect(Object.keys(seeded.inserted).length).toBeGreaterThan(10);
    });
    const result = await withPgliteSchema((engine, schema) => roundTrip(engine, schema, migrations));
    expect(result.diagnostics).toStrictEqual([]);
    expect(await roundTripFrom(files, 2)).toStrictEqual([]);
    expect(await roundTripFrom(files, 3)).toStrictEqual([]);
  });

  it("the listly 0002 down keeps every row: the rows holding the enum value it removes get its neighbour", async () => {
    const files = chain([await series("v1"), await series("v2")]);
    const [first, second] = readMigrations(files, "golang-migrate");
    const rows = await withPgliteSchema(async (engine, schema) => {
      const out: Diagnostic[] = [];
      await applyScript(engine, first!.up, out);
      await applyScript(engine, second!.up, out);
      await seedRows(engine, schema, { rows: 4 });
      const before = await engine.query<{ priority: string; n: number }>(
        `SELECT priority::text AS priority, count(*)::int AS n FROM items GROUP BY 1 ORDER BY 1`,
      );
      await applyScript(engine, second!.down!, out);
      const after = await engine.query<{ priority: string; n: number }>(
        `SELECT priority::text AS priority, count(*)::int AS n FROM items GROUP BY 1 ORDER BY 1`,
      );
      expect(out).toStrictEqual([]);
      return { before, after };
    });
    expect(rows.before.some((r) => r.priority === "urgent")).toBe(true);
    expect(rows.after.some((r) => r.priority === "urgent")).toBe(false);
    const total = (list: Array<{ n: number }>) => list.reduce((a, r) => a + r.n, 0);
    expect(total(rows.after)).toBe(total(rows.before));
    const high = (list: Array<{ priority: string; n: number }>) => list.find((r) => r.priority === "high")?.n ?? 0;
    expect(high(rows.after)).toBe(high(rows.before) + rows.before.find((r) => r.priority === "urgent")!.n);
  });
});

describe("downs that convert back, re-add keys and restore columns, on rows", () => {
  it.each([
    [
      "varchar widened to text: the down cuts long values back",
      mini(),
      mini((d) => {
        Object.assign(entity(d).fields[1]!, { type: "text" });
        delete entity(d).fields[1]!.maxLength;
      }),
    ],
    [
      "integer retyped to string: the down keeps numbers and replaces other text",
      mini(),
      mini((d) => {
        Object.assign(entity(d).fields[3]!, {
          type: "string",
          maxLength: 20,
          default: { kind: "literal", value: "none" },
        });
      }),
    ],
    [
      "enum retyped to string: the down keeps labels and replaces other text",
      mini(),
      mini((d) => {
        Object.assign(entity(d).fields[4]!, {
          type: "string",
          maxLength: 20,
          default: { kind: "literal", value: "plain" },
        });
        delete entity(d).fields[4]!.enum;
        d.data.enums = [];
      }),
    ],
    [
      "foreign key retargeted: the down points orphans at a parent",
      mini((d) =>
        d.data.entities.push({
          name: "Tag",
          fields: [
            { name: "id", type: "uuid", primaryKey: true },
            { name: "noteId", type: "uuid", references: { entity: "Note" } },
          ],
        }),
      ),
      mini((d) =>
        d.data.entities.push({
          name: "Tag",
          fields: [
            { name: "id", type: "uuid", primaryKey: true },
            { name: "noteId", type: "uuid", references: { entity: "Tag" } },
          ],
        }),
      ),
    ],
    [
      "unique NOT NULL column with a default dropped: the down fills distinct values",
      mini((d) => {
        Object.assign(entity(d).fields[1]!, { unique: true, default: { kind: "literal", value: "same" } });
      }),
      mini((d) => {
        entity(d).fields.splice(1, 1);
      }),
    ],
  ] as const)("%s", async (_name, a, b) => {
    const files = chain([a, b]);
    expect(await roundTripFrom(files, 2)).toStrictEqual([]);
    const result = await withPgliteSchema((engine, schema) =>
      roundTrip(engine, schema, readMigrations(files, "golang-migrate")),
    );
    expect(result.diagnostics).toStrictEqual([]);
  });
});

describe("an up on tables holding rows", () => {
  it("a new NOT NULL column without a default fails on rows: the planner adds it as asked, the destructive lint refuses it unless --allow-destructive", async () => {
    const a = mini();
    const b = mini((d) => {
      entity(d).fields.push({ name: "rank", type: "integer" });
    });
    expect(
      compareDesigns(a, b, { allowDestructive: false }).destructive.map((d) => [d.code, d.severity]),
    ).toStrictEqual([["destructive-not-null-without-default", "error"]]);
    const [first, second] = readMigrations(chain([a, b]), "golang-migrate");
    const out = await withPgliteSchema(async (engine, schema) => {
      const found: Diagnostic[] = [];
      await applyScript(engine, first!.up, found);
      await seedRows(engine, schema, { rows: 3 });
      await applyScript(engine, second!.up, found);
      return found;
    });
    expect(out.map((d) => [d.code, d.message])).toStrictEqual([
      ["sql-engine-error", `PostgreSQL rejected the statement: column "rank" of relation "notes" contains null values`],
    ]);
  });
});

describe("a down that only works on empty tables", () => {
  const before = mini();
  const after = mini((d) => {
    entity(d).fields = entity(d).fields.filter((f) => f.name !== "title");
  });
  const files = chain([before, after]);
  const downFile = files.find((f) => f.path.endsWith("0002_drop_notes_title.down.sql"))!;
  /** The naive down: the dropped NOT NULL column re-added as it was, which no existing row can satisfy. */
  const broken = files.map((f) =>
    f === downFile
      ? {
          ...f,
          contents: f.contents.replace(
            /ALTER TABLE "notes" ADD COLUMN "title" varchar\(80\);\nUPDATE[^\n]*\nALTER TABLE "notes" ALTER COLUMN "title" SET NOT NULL;/,
            `ALTER TABLE "notes" ADD COLUMN "title" varchar(80) NOT NULL;`,
          ),
        }
      : f,
  );

  it("the generated down adds the column nullable, fills it, then sets NOT NULL", () => {
    expect(downFile.contents).toContain(
      `ALTER TABLE "notes" ADD COLUMN "title" varchar(80);\nUPDATE "notes" SET "title" = 'restored ' || ctid::text;\nALTER TABLE "notes" ALTER COLUMN "title" SET NOT NULL;`,
    );
  });

  it("passes with rows", async () => {
    expect(await roundTripFrom(files, 2)).toStrictEqual([]);
  });

  it("the naive down fails with rows: sql-down-fails-with-rows names the migration, file and line", async () => {
    const text = broken.find((f) => f.path === downFile.path)!.contents;
    expect(text).not.toBe(downFile.contents);
    const line = text.split("\n").findIndex((l) => l.includes(`ADD COLUMN "title" varchar(80) NOT NULL`)) + 1;
    expect(await roundTripFrom(broken, 2)).toStrictEqual([
      {
        code: "sql-down-fails-with-rows",
        severity: "error",
        message: `the down of migration 2 fails on tables holding rows: PostgreSQL rejected the statement: column "title" of relation "notes" contains null values`,
        path: `${downFile.path}:${line}`,
      },
    ]);
    const chainResult = await withPgliteSchema((engine, schema) =>
      roundTrip(engine, schema, readMigrations(broken, "golang-migrate")),
    );
    expect(chainResult.diagnostics.map((d) => [d.code, d.path])).toStrictEqual([
      ["sql-down-fails-with-rows", `${downFile.path}:${line}`],
    ]);
  });

  it("the naive down passes without rows (what the round trip on empty tables saw)", async () => {
    const [first, second] = readMigrations(broken, "golang-migrate");
    const diff = await onEngine(undefined, async (engine, schema) => {
      const out: Diagnostic[] = [];
      await applyScript(engine, first!.up, out);
      const start = await snapshot(engine, schema);
      await applyScript(engine, second!.up, out);
      await applyScript(engine, second!.down!, out);
      expect(out).toStrictEqual([]);
      return compareSnapshots(start, await snapshot(engine, schema));
    });
    expect(diff).toStrictEqual([]);
  });
});

describe("CHANGES.md: what a rollback does not restore", () => {
  it.each([
    [
      "a dropped NOT NULL column",
      mini(),
      mini((d) => {
        entity(d).fields = entity(d).fields.filter((f) => f.name !== "title");
      }),
      [
        "down of 0002_x re-creates column `notes.title` with the placeholder `'restored ' || ctid::text` in every row: its values are not restored",
      ],
    ],
    [
      "a dropped nullable column and a dropped table",
      mini((d) => d.data.entities.push({ name: "Gone", fields: [{ name: "id", type: "uuid", primaryKey: true }] })),
      mini((d) => {
        entity(d).fields = entity(d).fields.filter((f) => f.name !== "body");
      }),
      [
        "down of 0002_x re-creates table `gones` empty: its rows are not restored",
        "down of 0002_x re-creates column `notes.body` empty (NULL): its values are not restored",
      ],
    ],
    [
      "a widened column and an added enum value",
      mini(),
      mini((d) => {
        d.data.enums![0]!.values.push("done");
        Object.assign(d.data.entities[0]!.fields[1]!, { maxLength: 200 });
      }),
      [
        "down of 0002_x removes value `done` from enum `note_kind`: rows holding it get `todo`",
        'down of 0002_x converts `notes.title` back from `varchar(200)` to `varchar(80)` with `left("title"::text, 80)`: a value that does not fit `varchar(80)` is cut or replaced',
      ],
    ],
    [
      "a renamed column",
      mini(),
      mini((d) => {
        Object.assign(d.data.entities[0]!.fields[2]!, { name: "text", renamedFrom: "body" });
      }),
      [],
    ],
  ] as const)("%s", (_name, a, b, want) => {
    expect(rollbackNotes("0002_x", planNextMigration(a, b).up)).toStrictEqual(want);
  });

  it("renders the notes under the rollback, deterministically", () => {
    const a = mini();
    const b = mini((d) => {
      entity(d).fields = entity(d).fields.filter((f) => f.name !== "title");
    });
    const render = () => {
      const report = compareDesigns(a, b, { allowDestructive: true });
      const next = nextMigration(a, b, 2, options).migration!;
      report.migration = {
        name: next.name,
        files: next.files.map((f) => f.path),
        up: next.up.join(";\n"),
        down: next.down.join(";\n"),
        rollback: next.rollback,
      };
      return renderChanges(report);
    };
    const text = render();
    expect(text).toContain(
      "### Rollback (down)\n\nThe rollback restores the schema, not the data a destructive step removed.\n\nWhat the rollback does to data:\n\n- down of 0002_drop_notes_title re-creates column `notes.title` with the placeholder `'restored ' || ctid::text` in every row: its values are not restored\n",
    );
    expect(render()).toBe(text);
  });
});
