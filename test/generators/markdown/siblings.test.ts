import { describe, expect, it } from "vitest";
import { latestMigration } from "../../../generators/markdown/siblings.ts";
import type { MigrationFormat } from "../../../src/pipeline/artifact.ts";

const f = (path: string) => ({ path, contents: `-- ${path}\n` });

describe("latestMigration", () => {
  const cases: Array<
    [string, { format: MigrationFormat; given: string[]; want: { up: string; down?: string } | undefined }]
  > = [
    [
      "golang-migrate pair",
      {
        format: "golang-migrate",
        given: ["migrations/0001_x.down.sql", "migrations/0001_x.up.sql", "openapi.yaml"],
        want: { up: "migrations/0001_x.up.sql", down: "migrations/0001_x.down.sql" },
      },
    ],
    [
      "golang-migrate newest",
      {
        format: "golang-migrate",
        given: [
          "migrations/0001_x.up.sql",
          "migrations/0001_x.down.sql",
          "migrations/0002_y.up.sql",
          "migrations/0002_y.down.sql",
        ],
        want: { up: "migrations/0002_y.up.sql", down: "migrations/0002_y.down.sql" },
      },
    ],
    [
      "flyway numeric order",
      {
        format: "flyway",
        given: ["migrations/V2__b.sql", "migrations/U2__b.sql", "migrations/V10__c.sql", "migrations/U10__c.sql"],
        want: { up: "migrations/V10__c.sql", down: "migrations/U10__c.sql" },
      },
    ],
    [
      "dbmate single file",
      { format: "dbmate", given: ["migrations/0001_x.sql"], want: { up: "migrations/0001_x.sql" } },
    ],
    [
      "another format's names are not migrations",
      {
        format: "flyway",
        given: ["migrations/0003_x.up.sql", "migrations/V2__b.sql"],
        want: { up: "migrations/V2__b.sql" },
      },
    ],
    ["no migrations", { format: "golang-migrate", given: ["types.ts"], want: undefined }],
  ];
  it.each(cases)("%s", (_n, { format, given, want }) => {
    const m = latestMigration(given.map(f), format);
    expect(m && { up: m.up.path, ...(m.down ? { down: m.down.path } : {}) }).toStrictEqual(want);
  });
});
