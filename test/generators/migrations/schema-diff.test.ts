import { describe, expect, it } from "vitest";
import { diffSchemas, isEmptyDiff, type SchemaDiff } from "../../../generators/migrations/schema-diff.ts";
import type { Design } from "../../../src/design/schema.ts";
import { mini, entity, field, series } from "../evolution/mini.ts";

/** One line per change, so each case asserts the whole diff exactly. */
function summary(d: SchemaDiff): string[] {
  const out: string[] = [];
  for (const e of d.enums.added) out.push(`enum+ ${e.name}`);
  for (const e of d.enums.removed) out.push(`enum- ${e.name}`);
  for (const c of d.enums.changed)
    out.push(
      `enum~ ${c.after.name} +[${c.added}] -[${c.removed}]${c.reordered ? " reordered" : ""}${c.description ? " description" : ""}`,
    );
  for (const e of d.entities.added) out.push(`entity+ ${e.item.name} ${e.path}`);
  for (const e of d.entities.removed) out.push(`entity- ${e.name}`);
  for (const c of d.entities.changed) {
    const flags = (["renamed", "table", "description", "primaryKey"] as const).filter((k) => c[k]);
    if (flags.length) out.push(`entity~ ${c.before.name}→${c.after.name} ${flags.join(",")}`);
    for (const f of c.fields.added) out.push(`field+ ${c.after.name}.${f.item.name} ${f.path}`);
    for (const f of c.fields.removed) out.push(`field- ${c.after.name}.${f.name}`);
    for (const f of c.fields.changed) {
      const k = (["renamed", "column", "type", "nullable", "default", "unique", "description"] as const).filter(
        (x) => f[x],
      );
      out.push(`field~ ${c.after.name}.${f.before.name}→${f.after.name} ${k.join(",")} ${f.path}`);
    }
    for (const key of ["uniques", "indexes", "checks", "foreignKeys"] as const) {
      for (const x of c[key].added) out.push(`${key}+ ${c.after.name}.${x.name}`);
      for (const x of c[key].removed) out.push(`${key}- ${c.after.name}.${x.name}`);
    }
  }
  for (const x of d.diagnostics) out.push(`${x.code} ${x.path}`);
  return out;
}

const addEntity = (d: Design) =>
  d.data.entities.push({
    name: "Tag",
    fields: [
      { name: "id", type: "integer", primaryKey: true, default: { kind: "identity" } },
      { name: "noteId", type: "uuid", references: { entity: "Note" } },
    ],
    timestamps: false,
  });

const cases: Array<[string, (d: Design) => void, string[]]> = [
  ["nothing changed", () => {}, []],
  ["entity added", addEntity, ["entity+ Tag /data/entities/1"]],
  [
    "entity renamed via renamedFrom",
    (d) =>
      Object.assign(entity(d), { name: "Memo", renamedFrom: "Note" }) &&
      d.api.endpoints.forEach((e) => {
        if (e.body) e.body.schema = "Memo";
        if (e.response.schema) e.response.schema = "Memo";
      }),
    ["entity~ Note→Memo renamed,table"],
  ],
  [
    "entity renamed without renamedFrom is drop + add",
    (d) =>
      Object.assign(entity(d), { name: "Memo" }) &&
      d.api.endpoints.forEach((e) => {
        if (e.body) e.body.schema = "Memo";
        if (e.response.schema) e.response.schema = "Memo";
      }),
    ["entity+ Memo /data/entities/0", "entity- Note"],
  ],
  [
    "table override changed",
    (d) => {
      entity(d).table = "memos";
    },
    ["entity~ Note→Note table"],
  ],
  [
    "field added",
    (d) => entity(d).fields.push({ name: "pinned", type: "boolean", default: { kind: "literal", value: false } }),
    ["field+ Note.pinned /data/entities/0/fields/5"],
  ],
  [
    "field removed",
    (d) => {
      entity(d).fields = entity(d).fields.filter((f) => f.name !== "body");
    },
    ["field- Note.body"],
  ],
  [
    "field renamed via renamedFrom",
    (d) => Object.assign(field(d, "body"), { name: "content", renamedFrom: "body" }),
    ["field~ Note.body→content renamed,column /data/entities/0/fields/2"],
  ],
  [
    "column override only",
    (d) => {
      field(d, "body").column = "text_body";
    },
    ["field~ Note.body→body column /data/entities/0/fields/2"],
  ],
  [
    "varchar widened",
    (d) => {
      field(d, "title").maxLength = 200;
    },
    ["field~ Note.title→title type /data/entities/0/fields/1"],
  ],
  [
    "string default length is 255",
    (d) => {
      delete field(d, "title").maxLength;
    },
    ["field~ Note.title→title type /data/entities/0/fields/1"],
  ],
  [
    "nullability and default",
    (d) => {
      Object.assign(field(d, "body"), { nullable: false, default: { kind: "literal", value: "" } });
    },
    ["field~ Note.body→body nullable,default /data/entities/0/fields/2"],
  ],
  [
    "unique flag",
    (d) => {
      field(d, "title").unique = true;
    },
    ["field~ Note.title→title unique /data/entities/0/fields/1"],
  ],
  [
    "description only",
    (d) => {
      field(d, "title").description = "Shown in lists.";
    },
    ["field~ Note.title→title description /data/entities/0/fields/1"],
  ],
  [
    "index added",
    (d) => {
      entity(d).indexes = [{ name: "notes_title", fields: ["title"] }];
    },
    ["indexes+ Note.notes_title"],
  ],
  [
    "check, unique and FK added",
    (d) => {
      addEntity(d);
      const n = entity(d);
      n.checks = [{ name: "notes_size_positive", field: "size", operator: ">=", value: 0 }];
      n.uniques = [{ name: "notes_title_kind", fields: ["title", "kind"] }];
    },
    ["entity+ Tag /data/entities/1", "uniques+ Note.notes_title_kind", "checks+ Note.notes_size_positive"],
  ],
  [
    "enum value added",
    (d) => {
      d.data.enums![0]!.values.push("idea");
    },
    ["enum~ NoteKind +[idea] -[]"],
  ],
  [
    "enum value removed",
    (d) => {
      d.data.enums![0]!.values = ["plain"];
    },
    ["enum~ NoteKind +[] -[todo]"],
  ],
  [
    "enum reordered",
    (d) => {
      d.data.enums![0]!.values = ["todo", "plain"];
    },
    ["enum~ NoteKind +[] -[] reordered"],
  ],
  [
    "enum added",
    (d) => {
      d.data.enums!.push({ name: "Mood", values: ["ok"] });
      entity(d).fields.push({ name: "mood", type: "enum", enum: "Mood", nullable: true });
    },
    ["enum+ Mood", "field+ Note.mood /data/entities/0/fields/5"],
  ],
  [
    "renamedFrom on a field that kept its name is history, not a rename",
    (d) => {
      field(d, "body").renamedFrom = "nothing";
    },
    [],
  ],
  [
    "renamedFrom naming nothing is ignored with a warning",
    (d) => {
      entity(d).fields.push({ name: "extra", type: "text", nullable: true, renamedFrom: "nothing" });
    },
    ["field+ Note.extra /data/entities/0/fields/5", "stale-renamed-from /data/entities/0/fields/5/renamedFrom"],
  ],
  [
    "renamedFrom of a name still in use is ignored",
    (d) => {
      entity(d).fields.push({ name: "content", type: "text", nullable: true, renamedFrom: "body" });
    },
    ["field+ Note.content /data/entities/0/fields/5", "stale-renamed-from /data/entities/0/fields/5/renamedFrom"],
  ],
];

describe("diffSchemas", () => {
  it.each(cases)("%s", (_name, edit, want) => {
    expect(summary(diffSchemas(mini(), mini(edit)))).toStrictEqual(want);
  });

  it("keeps an index and its FK unchanged when the fields they cover are renamed", () => {
    const before = mini((d) => {
      addEntity(d);
      entity(d).indexes = [
        { name: "notes_title", fields: ["title"], where: [{ field: "body", operator: "is-not-null" }] },
      ];
    });
    const after = mini((d) => {
      addEntity(d);
      Object.assign(field(d, "title"), { name: "heading", renamedFrom: "title" });
      Object.assign(field(d, "body"), { name: "content", renamedFrom: "body" });
      entity(d).indexes = [
        { name: "notes_title", fields: ["heading"], where: [{ field: "content", operator: "is-not-null" }] },
      ];
      Object.assign(field(d, "noteId", "Tag"), { name: "memoId", renamedFrom: "noteId" });
    });
    expect(summary(diffSchemas(before, after))).toStrictEqual([
      "field~ Note.title→heading renamed,column /data/entities/0/fields/1",
      "field~ Note.body→content renamed,column /data/entities/0/fields/2",
      "field~ Tag.noteId→memoId renamed,column /data/entities/1/fields/1",
    ]);
  });

  it("finds exactly the listly series' schema changes", async () => {
    const [v1, v2, v3] = [await series("v1"), await series("v2"), await series("v3")];
    expect(summary(diffSchemas(v1, v2))).toStrictEqual([
      "enum~ ItemPriority +[urgent] -[]",
      "entity+ Reminder /data/entities/8",
      "field~ Item.note→notes renamed,column /data/entities/7/fields/3",
    ]);
    expect(summary(diffSchemas(v2, v3))).toStrictEqual(["field- Item.unit"]);
    expect(isEmptyDiff(diffSchemas(v3, v3))).toBe(true);
  });
});
