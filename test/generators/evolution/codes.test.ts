/** Every evolution code is produced by a real input (the registry test leaves generator tables to their own tests). */
import { describe, expect, it } from "vitest";
import { evolutionCodes } from "../../../generators/evolution/codes.ts";
import { diffSchemas } from "../../../generators/evolution/schema-diff.ts";
import { lintDestructive } from "../../../generators/evolution/lint.ts";
import { planNextMigration } from "../../../generators/evolution/plan.ts";
import { readHistory, migrationHistory, LOCK_FILE } from "../../../generators/evolution/history.ts";
import { evolutionArtifact } from "../../../generators/evolution/index.ts";
import { designFile } from "../../../generators/evolution/history.ts";
import { chainDifferences } from "../../../generators/evolution/chain.ts";
import { readMigrations } from "../../../generators/sql/format.ts";
import { resolveOptions } from "../../../src/pipeline/build.ts";
import type { Design } from "../../../src/design/schema.ts";
import type { Diagnostic } from "../../../src/design/diagnostics.ts";
import { mini, miniInput, entity, field } from "./mini.ts";

const edits: Array<(d: Design) => void> = [
  (d) => {
    entity(d).fields = entity(d).fields.filter((f) => f.name !== "body");
    field(d, "title").maxLength = 5;
    field(d, "title").unique = true;
  },
  (d) => {
    entity(d).fields.push({ name: "owner", type: "uuid", renamedFrom: "nobody" });
    entity(d).indexes = [{ name: "notes_size", fields: ["size"] }];
    d.data.enums![0]!.values = ["plain"];
  },
  (d) => {
    d.data.entities.push({ name: "Tag", fields: [{ name: "id", type: "uuid", primaryKey: true }] });
  },
];

describe("evolution codes", () => {
  it("each is produced by some input", () => {
    const seen = new Set<string>();
    const add = (ds: readonly Diagnostic[]) => ds.forEach((d) => seen.add(d.code));
    for (const e of edits) {
      const diff = diffSchemas(mini(), mini(e));
      add(diff.diagnostics);
      add(lintDestructive(diff, false));
    }
    add(lintDestructive(diffSchemas(mini(edits[2]), mini()), false));
    add(
      planNextMigration(
        mini(),
        mini((d) => {
          d.data.enums![0]!.values.push("idea");
          field(d, "kind").default = { kind: "literal", value: "idea" };
        }),
      ).diagnostics,
    );
    add(
      planNextMigration(
        mini(),
        mini((d) => {
          field(d, "size").default = { kind: "identity" };
        }),
      ).diagnostics,
    );
    const files = (m: Record<string, string>, designJson?: string) => ({
      files: new Map(Object.entries(m)),
      ...(designJson ? { designJson } : {}),
    });
    const lock = JSON.stringify({
      generator: "contractor",
      format: "golang-migrate",
      migrations: [{ version: 1, name: "0001_x", files: { "migrations/0001_x.up.sql": "0" } }],
    });
    add(
      readHistory(files({ [LOCK_FILE]: lock, "migrations/0001_x.up.sql": "changed" }), "golang-migrate")!.diagnostics,
    );
    add(readHistory(files({ [LOCK_FILE]: lock }), "flyway")!.diagnostics);
    add(readHistory(files({ [LOCK_FILE]: "nope" }), "golang-migrate")!.diagnostics);
    const ctx = {
      design: mini(),
      options: resolveOptions({}),
      previous: files(
        {
          [LOCK_FILE]: JSON.stringify({
            generator: "contractor",
            format: "golang-migrate",
            migrations: [{ version: 1, name: "0001_x", files: {} }],
          }),
        },
        "{",
      ),
    };
    add(
      migrationHistory(
        ctx,
        () => {
          throw new Error("no");
        },
        () => ({ diagnostics: [] }),
      ).diagnostics,
    );
    const out = evolutionArtifact.generate({
      design: mini((d) => {
        field(d, "body").visibility = [];
      }),
      input: miniInput((d) => {
        field(d, "body").visibility = [];
      }),
      options: resolveOptions({}),
      previous: files({}, designFile(miniInput()).contents),
    });
    add(Array.isArray(out) ? [] : out.diagnostics);
    const chainFiles = [{ path: "migrations/0001_x.up.sql", contents: `CREATE TABLE "x" ();\n` }];
    add(
      chainDifferences(
        new Map([['table "x"', "exists"]]),
        new Map(),
        readMigrations(chainFiles, "golang-migrate"),
        chainFiles,
      ),
    );
    expect(Object.keys(evolutionCodes).filter((c) => !seen.has(c))).toStrictEqual([]);
  });
});
