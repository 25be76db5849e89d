import { describe, expect, it } from "vitest";
import { diffSchemas } from "../../../generators/migrations/schema-diff.ts";
import { lintDestructive, isWidening } from "../../../generators/evolution/lint.ts";
import { evolutionCodes } from "../../../generators/evolution/codes.ts";
import type { Design, Field } from "../../../src/design/schema.ts";
import { mini, entity, field, series } from "./mini.ts";

const lint = (edit: (d: Design) => void, allow = false, from: (d: Design) => void = () => {}) =>
  lintDestructive(diffSchemas(mini(from), mini(edit)), allow).map((d) => `${d.severity} ${d.code} ${d.path}`);

const cases: Array<[string, (d: Design) => void, string[]]> = [
  ["no change", () => {}, []],
  [
    "table added",
    (d) => {
      d.data.entities.push({ name: "Other", fields: [{ name: "id", type: "uuid", primaryKey: true }] });
    },
    [],
  ],
  [
    "drop column",
    (d) => {
      entity(d).fields = entity(d).fields.filter((f) => f.name !== "body");
    },
    ["error destructive-drop-column /data/entities/0"],
  ],
  ["rename is not a drop", (d) => Object.assign(field(d, "body"), { name: "content", renamedFrom: "body" }), []],
  [
    "varchar narrowed",
    (d) => {
      field(d, "title").maxLength = 40;
    },
    ["error destructive-type-narrowing /data/entities/0/fields/1"],
  ],
  [
    "varchar widened",
    (d) => {
      field(d, "title").maxLength = 400;
    },
    [],
  ],
  [
    "integer to bigint is widening",
    (d) => {
      field(d, "size").type = "bigint";
    },
    [],
  ],
  [
    "integer to uuid is narrowing",
    (d) => {
      Object.assign(field(d, "size"), { type: "uuid", default: { kind: "uuid" } });
    },
    ["error destructive-type-narrowing /data/entities/0/fields/3"],
  ],
  [
    "new NOT NULL column without default",
    (d) => entity(d).fields.push({ name: "owner", type: "uuid" }),
    ["error destructive-not-null-without-default /data/entities/0/fields/5"],
  ],
  [
    "new NOT NULL column with default",
    (d) => entity(d).fields.push({ name: "pinned", type: "boolean", default: { kind: "literal", value: false } }),
    [],
  ],
  ["new nullable column", (d) => entity(d).fields.push({ name: "owner", type: "uuid", nullable: true }), []],
  [
    "nullable made NOT NULL without default",
    (d) => {
      field(d, "body").nullable = false;
    },
    ["error destructive-not-null-without-default /data/entities/0/fields/2"],
  ],
  [
    "nullable made NOT NULL with default (backfilled)",
    (d) => {
      Object.assign(field(d, "body"), { nullable: false, default: { kind: "literal", value: "" } });
    },
    [],
  ],
  [
    "unique flag on existing column",
    (d) => {
      field(d, "title").unique = true;
    },
    ["error destructive-unique-added /data/entities/0/fields/1"],
  ],
  [
    "unique on a new nullable column is safe",
    (d) => entity(d).fields.push({ name: "slug", type: "string", nullable: true, unique: true }),
    [],
  ],
  [
    "uniques entry over existing data",
    (d) => {
      entity(d).uniques = [{ name: "notes_title_kind", fields: ["title", "kind"] }];
    },
    ["error destructive-unique-added /data/entities/0/uniques/0"],
  ],
  [
    "enum value removed",
    (d) => {
      d.data.enums![0]!.values = ["plain"];
    },
    ["error destructive-enum-value-removed /data/enums"],
  ],
  [
    "enum value added",
    (d) => {
      d.data.enums![0]!.values.push("idea");
    },
    [],
  ],
  [
    "index on existing table locks it",
    (d) => {
      entity(d).indexes = [{ name: "notes_title", fields: ["title"] }];
    },
    ["error locking-index-creation /data/entities/0/indexes/0"],
  ],
  [
    "unique index on existing table",
    (d) => {
      entity(d).indexes = [{ name: "notes_title", fields: ["title"], unique: true }];
    },
    [
      "error destructive-unique-added /data/entities/0/indexes/0",
      "error locking-index-creation /data/entities/0/indexes/0",
    ],
  ],
  [
    "new FK column on existing table builds its index",
    (d) => {
      d.data.entities.push({ name: "Folder", fields: [{ name: "id", type: "uuid", primaryKey: true }] });
      entity(d).fields.push({ name: "folderId", type: "uuid", nullable: true, references: { entity: "Folder" } });
    },
    ["error locking-index-creation /data/entities/0/fields/5"],
  ],
  [
    "FK without index does not lock",
    (d) => {
      d.data.entities.push({ name: "Folder", fields: [{ name: "id", type: "uuid", primaryKey: true }] });
      entity(d).fields.push({
        name: "folderId",
        type: "uuid",
        nullable: true,
        references: { entity: "Folder", index: false },
      });
    },
    [],
  ],
  [
    "indexes of a new table do not lock anything",
    (d) => {
      d.data.entities.push({
        name: "Folder",
        fields: [
          { name: "id", type: "uuid", primaryKey: true },
          { name: "noteId", type: "uuid", references: { entity: "Note" } },
        ],
        indexes: [{ name: "folders_note", fields: ["noteId"] }],
      });
    },
    [],
  ],
];

describe("lintDestructive", () => {
  it.each(cases)("%s", (_name, edit, want) => {
    expect(lint(edit)).toStrictEqual(want);
  });

  it("reports a dropped table at the entities list", () => {
    const addOther = (d: Design) => {
      d.data.entities.push({ name: "Other", fields: [{ name: "id", type: "uuid", primaryKey: true }] });
    };
    expect(lint(() => {}, false, addOther)).toStrictEqual(["error destructive-drop-table /data/entities"]);
  });

  it("downgrades every finding to a warning with allowDestructive", () => {
    expect(
      lint((d) => {
        entity(d).fields = entity(d).fields.filter((f) => f.name !== "body");
        field(d, "title").maxLength = 10;
      }, true),
    ).toStrictEqual([
      "warning destructive-drop-column /data/entities/0",
      "warning destructive-type-narrowing /data/entities/0/fields/1",
    ]);
  });

  it("flags exactly the v3 column drop in the listly series", async () => {
    const [v1, v2, v3] = [await series("v1"), await series("v2"), await series("v3")];
    expect(lintDestructive(diffSchemas(v1, v2), false)).toStrictEqual([]);
    expect(lintDestructive(diffSchemas(v2, v3), false)).toStrictEqual([
      {
        code: "destructive-drop-column",
        severity: "error",
        message:
          "column items.unit (field Item.unit) is dropped with its data; declare renamedFrom on the new field if it was renamed",
        path: "/data/entities/7",
      },
    ]);
  });

  it("every lint code is declared in the code table", () => {
    for (const c of [
      "destructive-drop-table",
      "destructive-drop-column",
      "destructive-type-narrowing",
      "destructive-not-null-without-default",
      "destructive-unique-added",
      "destructive-enum-value-removed",
      "locking-index-creation",
    ]) {
      expect(evolutionCodes).toHaveProperty(c);
    }
  });
});

describe("isWidening", () => {
  const t = (type: Field["type"], extra: Partial<Field> = {}) => ({ type, ...extra }) as Field;
  it.each([
    ["varchar(10) → varchar(20)", t("string", { maxLength: 10 }), t("string", { maxLength: 20 }), true],
    ["varchar(20) → varchar(10)", t("string", { maxLength: 20 }), t("string", { maxLength: 10 }), false],
    ["varchar → text", t("string"), t("text"), true],
    ["text → varchar", t("text"), t("string"), false],
    ["email(320) → url(2048)", t("email", { maxLength: 320 }), t("url", { maxLength: 2048 }), true],
    ["bigint → integer", t("bigint"), t("integer"), false],
    ["integer → decimal(12,2)", t("integer"), t("decimal", { precision: 12, scale: 2 }), true],
    ["integer → decimal(8,2)", t("integer"), t("decimal", { precision: 8, scale: 2 }), false],
    [
      "decimal(10,3) → decimal(12,3)",
      t("decimal", { precision: 10, scale: 3 }),
      t("decimal", { precision: 12, scale: 3 }),
      true,
    ],
    [
      "decimal(10,3) → decimal(10,2)",
      t("decimal", { precision: 10, scale: 3 }),
      t("decimal", { precision: 10, scale: 2 }),
      false,
    ],
    ["date → timestamp", t("date"), t("timestamp"), true],
    ["timestamp → date", t("timestamp"), t("date"), false],
    ["uuid → text", t("uuid"), t("text"), true],
    ["json → text", t("json"), t("text"), false],
    ["enum A → enum B", t("enum", { enum: "A" }), t("enum", { enum: "B" }), false],
    [
      "varchar(8)[] → varchar(16)[]",
      t("array", { items: { type: "string", maxLength: 8 } }),
      t("array", { items: { type: "string", maxLength: 16 } }),
      true,
    ],
  ])("%s", (_n, a, b, want) => {
    expect(isWidening(a, b)).toBe(want);
  });
});
