/** Every evolution code (destructive lint, API changes) is produced by a real input (the registry test leaves generator tables to their own tests). */
import { describe, expect, it } from "vitest";
import { evolutionCodes } from "../../../generators/evolution/codes.ts";
import { diffSchemas } from "../../../generators/migrations/schema-diff.ts";
import { lintDestructive } from "../../../generators/evolution/lint.ts";
import { evolutionFiles } from "../../../generators/evolution/output.ts";
import { designFile } from "../../../generators/migrations/history.ts";
import { deriveMigrations } from "../../../generators/migrations/derive.ts";
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
    const files = (m: Record<string, string>, designJson?: string) => ({
      files: new Map(Object.entries(m)),
      ...(designJson ? { designJson } : {}),
    });
    const evoCtx = {
      design: mini((d) => {
        field(d, "body").visibility = [];
      }),
      input: miniInput((d) => {
        field(d, "body").visibility = [];
      }),
      options: resolveOptions({}),
      previous: files({}, designFile(miniInput()).contents),
    };
    add(evolutionFiles(evoCtx, deriveMigrations(evoCtx)).diagnostics);
    expect(Object.keys(evolutionCodes).filter((c) => !seen.has(c))).toStrictEqual([]);
  });
});
