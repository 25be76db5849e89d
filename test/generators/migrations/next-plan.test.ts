import { describe, expect, it } from "vitest";
import { planNextMigration } from "../../../generators/migrations/next-plan.ts";
import { toSql } from "../../../generators/migrations/format.ts";
import type { Design } from "../../../src/design/schema.ts";
import { mini, entity, field } from "../evolution/mini.ts";

const plan = (edit: (d: Design) => void, from: (d: Design) => void = () => {}) =>
  planNextMigration(mini(from), mini(edit));
const sql = (edit: (d: Design) => void, from?: (d: Design) => void) => {
  const p = plan(edit, from);
  return { up: toSql(p.up), down: toSql(p.down) };
};

describe("planNextMigration", () => {
  it.each<[string, (d: Design) => void, { up: string[]; down: string[] }]>([
    ["no change", () => {}, { up: [], down: [] }],
    [
      "field renamed: RENAME, never drop-and-add",
      (d) => Object.assign(field(d, "body"), { name: "content", renamedFrom: "body" }),
      {
        up: ['ALTER TABLE "notes" RENAME COLUMN "body" TO "content"'],
        down: ['ALTER TABLE "notes" RENAME COLUMN "content" TO "body"'],
      },
    ],
    [
      "column added with a comment",
      (d) =>
        entity(d).fields.push({
          name: "pinned",
          type: "boolean",
          default: { kind: "literal", value: false },
          description: "On top.",
        }),
      {
        up: [
          'ALTER TABLE "notes" ADD COLUMN "pinned" boolean NOT NULL DEFAULT false',
          `COMMENT ON COLUMN "notes"."pinned" IS 'On top.'`,
        ],
        down: [`COMMENT ON COLUMN "notes"."pinned" IS NULL`, 'ALTER TABLE "notes" DROP COLUMN "pinned"'],
      },
    ],
    [
      "varchar widened, no USING needed (the down cuts longer values back to fit)",
      (d) => {
        field(d, "title").maxLength = 200;
      },
      {
        up: ['ALTER TABLE "notes" ALTER COLUMN "title" TYPE varchar(200)'],
        down: ['ALTER TABLE "notes" ALTER COLUMN "title" TYPE varchar(80) USING left("title"::text, 80)'],
      },
    ],
    [
      "NOT NULL with a default backfills first",
      (d) => {
        Object.assign(field(d, "body"), { nullable: false, default: { kind: "literal", value: "" } });
      },
      {
        up: [
          `ALTER TABLE "notes" ALTER COLUMN "body" SET DEFAULT ''`,
          `UPDATE "notes" SET "body" = '' WHERE "body" IS NULL;\nALTER TABLE "notes" ALTER COLUMN "body" SET NOT NULL`,
        ],
        down: [
          'ALTER TABLE "notes" ALTER COLUMN "body" DROP NOT NULL',
          'ALTER TABLE "notes" ALTER COLUMN "body" DROP DEFAULT',
        ],
      },
    ],
    [
      "enum value added at its position",
      (d) => {
        d.data.enums![0]!.values = ["idea", "plain", "todo"];
      },
      {
        up: [`ALTER TYPE "note_kind" ADD VALUE 'idea' BEFORE 'plain'`],
        down: [
          [
            `ALTER TYPE "note_kind" RENAME TO "note_kind__old"`,
            `CREATE TYPE "note_kind" AS ENUM ('plain', 'todo')`,
            `ALTER TABLE "notes" ALTER COLUMN "kind" DROP DEFAULT`,
            `ALTER TABLE "notes" ALTER COLUMN "kind" TYPE "note_kind" USING (CASE "kind"::text WHEN 'idea' THEN 'plain' ELSE "kind"::text END)::"note_kind"`,
            `ALTER TABLE "notes" ALTER COLUMN "kind" SET DEFAULT 'plain'`,
            `DROP TYPE "note_kind__old"`,
          ].join(";\n"),
        ],
      },
    ],
    [
      "index added",
      (d) => {
        entity(d).indexes = [{ name: "notes_title", fields: ["title"] }];
      },
      {
        up: ['CREATE INDEX "notes_title" ON "notes" ("title")'],
        down: ['DROP INDEX "notes_title"'],
      },
    ],
  ])("%s", (_name, edit, want) => {
    expect(sql(edit)).toStrictEqual(want);
  });

  it("enum renamed (renamedFrom): ALTER TYPE … RENAME, no rebuild, no column conversion", () => {
    const rename = (d: Design) => {
      d.data.enums = [{ name: "NoteType", values: ["plain", "todo"], renamedFrom: "NoteKind" }];
      field(d, "kind").enum = "NoteType";
    };
    const p = plan(rename);
    expect(p.diagnostics).toStrictEqual([]);
    expect(p.diff.diagnostics).toStrictEqual([]);
    expect(toSql(p.up)).toStrictEqual(['ALTER TYPE "note_kind" RENAME TO "note_type"']);
    expect(toSql(p.down)).toStrictEqual(['ALTER TYPE "note_type" RENAME TO "note_kind"']);
    expect(p.slug).toBe("rename_note_kind");
    // Renamed and extended: the new value is added to the renamed type.
    const both = plan((d) => {
      rename(d);
      d.data.enums![0]!.values = ["plain", "todo", "done"];
    });
    expect(toSql(both.up)).toStrictEqual([
      'ALTER TYPE "note_kind" RENAME TO "note_type"',
      `ALTER TYPE "note_type" ADD VALUE 'done' AFTER 'todo'`,
    ]);
  });

  it("an enum renamedFrom naming nothing is ignored with stale-renamed-from: the type is replaced", () => {
    const p = plan((d) => {
      d.data.enums = [{ name: "NoteType", values: ["plain", "todo"], renamedFrom: "Nothing" }];
      field(d, "kind").enum = "NoteType";
    });
    expect(p.diff.diagnostics.map((x) => [x.code, x.path])).toStrictEqual([
      ["stale-renamed-from", "/data/enums/0/renamedFrom"],
    ]);
    const up = toSql(p.up);
    expect(up[0]).toBe(`CREATE TYPE "note_type" AS ENUM ('plain', 'todo')`);
    expect(up.at(-1)).toBe('DROP TYPE "note_kind"');
  });

  it("renames derived constraint names along with the table", () => {
    const p = sql(
      (d) =>
        Object.assign(entity(d), { name: "Memo", renamedFrom: "Note" }) &&
        d.api.endpoints.forEach((e) => {
          if (e.body) e.body.schema = "Memo";
          if (e.response.schema) e.response.schema = "Memo";
        }),
    );
    expect(p.up).toStrictEqual([
      'ALTER TABLE "notes" RENAME TO "memos"',
      'ALTER TABLE "memos" RENAME CONSTRAINT "notes_pkey" TO "memos_pkey"',
    ]);
  });

  it("names the change in its slug", () => {
    expect(
      plan((d) => {
        entity(d).fields = entity(d).fields.filter((f) => f.name !== "body");
      }).slug,
    ).toBe("drop_notes_body");
  });

  it("refuses to use a new enum value in the migration that adds it", () => {
    const p = plan((d) => {
      d.data.enums![0]!.values.push("idea");
      field(d, "kind").default = { kind: "literal", value: "idea" };
    });
    expect(p.diagnostics.map((d) => `${d.code} ${d.path}`)).toStrictEqual([
      "enum-value-used-in-same-migration /data/enums",
    ]);
  });

  it("refuses to turn identity on or off", () => {
    const p = plan((d) => {
      Object.assign(field(d, "size"), { default: { kind: "identity" } });
    });
    expect(p.diagnostics.map((d) => d.code)).toStrictEqual(["evolution-unsupported-change"]);
  });
});
