/**
 * Every code of the next plan and the history (the `sql-*` codes of the parser and engine are
 * produced by index.test.ts and round-trip.test.ts) is produced by a real input.
 */
import { describe, expect, it } from "vitest";
import { migrationCodes } from "../../../generators/migrations/codes.ts";
import { diffSchemas } from "../../../generators/migrations/schema-diff.ts";
import { planNextMigration } from "../../../generators/migrations/next-plan.ts";
import { readHistory, LOCK_FILE } from "../../../generators/migrations/history.ts";
import { deriveMigrations } from "../../../generators/migrations/derive.ts";
import { chainDifferences } from "../../../generators/migrations/chain.ts";
import { readMigrations } from "../../../generators/migrations/format.ts";
import { resolveOptions } from "../../../src/pipeline/build.ts";
import type { Diagnostic } from "../../../src/design/diagnostics.ts";
import { mini, entity, field } from "../evolution/mini.ts";

describe("migration codes", () => {
  it("each code of the next plan and the history is produced by some input", () => {
    const seen = new Set<string>();
    const add = (ds: readonly Diagnostic[]) => ds.forEach((d) => seen.add(d.code));
    add(
      diffSchemas(
        mini(),
        mini((d) => {
          entity(d).fields.push({ name: "owner", type: "uuid", renamedFrom: "nobody" });
        }),
      ).diagnostics,
    );
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
    const previous = files(
      {
        [LOCK_FILE]: JSON.stringify({
          generator: "contractor",
          format: "golang-migrate",
          migrations: [{ version: 1, name: "0001_x", files: {} }],
        }),
      },
      "{",
    );
    add(deriveMigrations({ design: mini(), options: resolveOptions({}), previous }).diagnostics);
    const chainFiles = [{ path: "migrations/0001_x.up.sql", contents: `CREATE TABLE "x" ();\n` }];
    add(
      chainDifferences(
        new Map([['table "x"', "exists"]]),
        new Map(),
        readMigrations(chainFiles, "golang-migrate"),
        chainFiles,
      ),
    );
    expect(Object.keys(migrationCodes).filter((c) => !c.startsWith("sql-") && !seen.has(c))).toStrictEqual([]);
  });
});
