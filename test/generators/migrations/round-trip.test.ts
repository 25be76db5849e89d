import { describe, expect, it } from "vitest";
import { engineCheck, onEngine, snapshot, compareSnapshots } from "../../../generators/migrations/round-trip.ts";
import { applyScript } from "../../../generators/migrations/engine.ts";
import type { Diagnostic } from "../../../src/design/diagnostics.ts";
import { readMigrations } from "../../../generators/migrations/format.ts";
import { nextMigration } from "../../../generators/migrations/derive.ts";
import { planInitialMigration } from "../../../generators/migrations/initial-plan.ts";
import { migrationFiles, toSql } from "../../../generators/migrations/format.ts";
import { resolveOptions } from "../../../src/pipeline/build.ts";
import type { GeneratedFile, MigrationFormat } from "../../../src/core/artifact.ts";
import type { Design } from "../../../src/design/schema.ts";
import { mini, entity, field, series } from "../evolution/mini.ts";
import type { NDesign } from "../../../src/design/normalize.ts";

function filesFor(before: NDesign, after: NDesign, format: MigrationFormat = "golang-migrate") {
  const options = resolveOptions({ migrationsFormat: format, allowDestructive: true });
  const init = planInitialMigration(before);
  const first = migrationFiles({ version: 1, slug: "init", up: toSql(init.up), down: toSql(init.down) }, format);
  const next = nextMigration(before, after, 2, options);
  expect(next.diagnostics).toStrictEqual([]);
  return { files: [...first, ...next.migration!.files], options };
}

/** The round trip of `files` with migration `from` on as the ones a build wrote (the first migration as the earlier one). */
const roundTripFrom = async (files: readonly GeneratedFile[], from: number, format: MigrationFormat) =>
  (await engineCheck(readMigrations(files, format), { from })).diagnostics;

/** Schema changes of every planner step; each must round-trip on the engine. */
const cases: Array<[string, (d: Design) => void]> = [
  [
    "rename entity (table, pkey, derived names)",
    (d) =>
      Object.assign(entity(d), { name: "Memo", renamedFrom: "Note" }) &&
      d.api.endpoints.forEach((e) => {
        if (e.body) e.body.schema = "Memo";
        if (e.response.schema) e.response.schema = "Memo";
      }),
  ],
  [
    "rename field with a check and an index on it",
    (d) => {
      Object.assign(field(d, "title"), { name: "heading", renamedFrom: "title", minLength: 1 });
      entity(d).indexes = [{ name: "notes_title", fields: ["heading"] }];
    },
  ],
  [
    "add, drop and alter columns",
    (d) => {
      const n = entity(d);
      n.fields = n.fields.filter((f) => f.name !== "body");
      n.fields.push({
        name: "pinned",
        type: "boolean",
        default: { kind: "literal", value: false },
        description: "Pinned to the top.",
      });
      Object.assign(field(d, "title"), { maxLength: 200, description: "The heading." });
      Object.assign(field(d, "size"), { type: "bigint", nullable: true });
    },
  ],
  [
    "retyped and made nullable, the old default a literal of the old type (the down refills NULLs after the type is back)",
    (d) => {
      const t = field(d, "title");
      Object.assign(t, { type: "integer", nullable: true });
      delete t.maxLength;
    },
  ],
  [
    "nullable → NOT NULL with a default (backfill)",
    (d) => {
      Object.assign(field(d, "size"), { default: { kind: "literal", value: 1 } });
    },
  ],
  [
    "drop a table, add a table with a foreign key",
    (d) => {
      d.data.entities.push({
        name: "Tag",
        description: "A tag.",
        fields: [
          { name: "id", type: "integer", primaryKey: true, default: { kind: "identity" } },
          { name: "noteId", type: "uuid", references: { entity: "Note", onDelete: "cascade" } },
        ],
        indexes: [{ name: "tags_note", fields: ["noteId"], description: "Tags of a note." }],
      });
    },
  ],
  [
    "unique, check, index added",
    (d) => {
      const n = entity(d);
      n.uniques = [{ name: "notes_title_kind", fields: ["title", "kind"], description: "One title per kind." }];
      n.checks = [{ name: "notes_size_small", field: "size", operator: "<", value: 1000 }];
      n.indexes = [
        { name: "notes_kind_todo", fields: ["title"], where: [{ field: "kind", operator: "=", value: "todo" }] },
      ];
    },
  ],
  [
    "enum value added (down rebuilds the type, default and dependent partial index)",
    (d) => {
      d.data.enums![0]!.values.splice(1, 0, "idea");
      entity(d).indexes = [
        { name: "notes_kind_todo", fields: ["title"], where: [{ field: "kind", operator: "=", value: "todo" }] },
      ];
    },
  ],
  [
    "enum value removed (type rebuild)",
    (d) => {
      d.data.enums![0]!.values = ["plain"];
    },
  ],
  [
    "enum renamed (ALTER TYPE … RENAME) with a check and a partial index over its column",
    (d) => {
      d.data.enums = [{ name: "NoteType", values: ["plain", "todo"], renamedFrom: "NoteKind" }];
      field(d, "kind").enum = "NoteType";
      entity(d).checks = [{ name: "notes_kind_not_todo_big", field: "kind", operator: "<>", value: "todo" }];
      entity(d).indexes = [
        { name: "notes_kind_todo", fields: ["title"], where: [{ field: "kind", operator: "=", value: "todo" }] },
      ];
    },
  ],
  [
    "enum renamed and extended in one migration",
    (d) => {
      d.data.enums = [{ name: "NoteType", values: ["plain", "idea", "todo"], renamedFrom: "NoteKind" }];
      field(d, "kind").enum = "NoteType";
    },
  ],
  [
    "enum dropped with its column, new enum added",
    (d) => {
      entity(d).fields = entity(d).fields.filter((f) => f.name !== "kind");
      d.data.enums = [{ name: "Mood", values: ["ok", "meh"], description: "How it feels." }];
      entity(d).fields.push({ name: "mood", type: "enum", enum: "Mood", nullable: true });
    },
  ],
];

const withIndex = (d: Design) => {
  entity(d).indexes = [
    { name: "notes_kind_todo", fields: ["title"], where: [{ field: "kind", operator: "=", value: "todo" }] },
  ];
};
/** The enum-rename cases start from a design whose check and partial index already use the enum column. */
const withCheckAndIndex = (d: Design) => {
  withIndex(d);
  entity(d).checks = [{ name: "notes_kind_not_todo_big", field: "kind", operator: "<>", value: "todo" }];
};
const beforeOf = (name: string) =>
  name.startsWith("enum value added")
    ? mini(withIndex)
    : name.startsWith("retyped and made nullable")
      ? mini((d) => {
          field(d, "title").default = { kind: "literal", value: "it's" };
        })
      : name.startsWith("enum renamed (")
        ? mini(withCheckAndIndex)
        : name.startsWith("drop a table")
          ? mini((d) =>
              d.data.entities.push({ name: "Gone", fields: [{ name: "id", type: "uuid", primaryKey: true }] }),
            )
          : mini();

describe("the round trip of a next migration on top of the first (PGlite)", () => {
  it.each(cases)("%s round-trips", { timeout: 60_000 }, async (name, edit) => {
    const before = beforeOf(name);
    const { files, options } = filesFor(before, mini(edit));
    expect(await roundTripFrom(files, 2, options.migrationsFormat)).toStrictEqual([]);
  });

  it.each(cases)(
    "%s: the migrated schema equals a fresh build of the new design",
    { timeout: 60_000 },
    async (name, edit) => {
      const before = beforeOf(name);
      const after = mini(edit);
      const { files, options } = filesFor(before, after);
      const fresh = planInitialMigration(after);
      const migrated = await onEngine(undefined, async (engine, schema) => {
        const out: Diagnostic[] = [];
        for (const m of readMigrations(files, options.migrationsFormat)) await applyScript(engine, m.up, out);
        expect(out).toStrictEqual([]);
        return snapshot(engine, schema);
      });
      const built = await onEngine(undefined, async (engine, schema) => {
        const out: Diagnostic[] = [];
        const [first] = readMigrations(
          migrationFiles({ version: 1, slug: "fresh", up: toSql(fresh.up), down: toSql(fresh.down) }, "golang-migrate"),
          "golang-migrate",
        );
        await applyScript(engine, first!.up, out);
        expect(out).toStrictEqual([]);
        return snapshot(engine, schema);
      });
      // NOT NULL constraints get PostgreSQL-chosen names (PG 18) that follow the table it was created as.
      // Index definitions name the (throw-away) schema; the two builds ran in different ones.
      const named = (c: ReadonlyMap<string, string>) =>
        new Map(
          [...c]
            .filter(([k]) => !/_not_null" on /.test(k))
            .map(([k, v]) => [k, v.replace(/ ON [a-z0-9_]+\./g, " ON ")] as const),
        );
      expect(compareSnapshots(named(built), named(migrated))).toStrictEqual([]);
    },
  );

  it.each(["golang-migrate", "dbmate", "flyway"] as const)(
    "the listly v1 → v2 migration round-trips as %s",
    { timeout: 60_000 },
    async (format) => {
      const { files, options } = filesFor(await series("v1"), await series("v2"), format);
      expect(await roundTripFrom(files, 2, options.migrationsFormat)).toStrictEqual([]);
    },
  );

  it("catches a broken rollback and names the leftover object", { timeout: 60_000 }, async () => {
    const { files, options } = filesFor(await series("v1"), await series("v2"));
    const broken = files.map((f) =>
      f.path.endsWith("0002_create_reminders_rename_items_note_and_more.down.sql")
        ? { ...f, contents: f.contents.replace(/ALTER TABLE "items" RENAME COLUMN "notes" TO "note";\n/, "") }
        : f,
    );
    const found = await roundTripFrom(broken, 2, options.migrationsFormat);
    // The leftover rename is named, at the broken down; the round trip stops there.
    const down = "migrations/0002_create_reminders_rename_items_note_and_more.down.sql";
    expect(found.map((d) => [d.code, d.path])).toStrictEqual([
      ["sql-rollback-mismatch", down],
      ["sql-rollback-mismatch", down],
    ]);
    expect(found.map((d) => d.message)).toStrictEqual([
      'column "items"."note" missing after migrations/0002_create_reminders_rename_items_note_and_more.up.sql and its down',
      expect.stringMatching(/^leftover column "items"."notes" after migrations\/0002_.*\.up\.sql and its down$/),
    ]);
  });
});
