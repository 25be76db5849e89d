import { describe, expect, it } from "vitest";
import { splitStatements, tokenize } from "../../../generators/migrations/sqltext.ts";

describe("splitStatements", () => {
  it("splits on semicolons outside literals, identifiers and comments, with start lines", () => {
    const script = [
      "-- header; with a semicolon",
      "BEGIN;",
      "",
      `CREATE TABLE "a;b" (`,
      `  "x" text DEFAULT 'it''s; fine'`,
      ");",
      '/* block; comment */ COMMENT ON TABLE "a;b" IS \'multi',
      "line; text';",
      "COMMIT;",
    ].join("\n");
    expect(splitStatements(script, 10)).toStrictEqual([
      { sql: "BEGIN", line: 12 },
      { sql: `CREATE TABLE "a;b" (\n  "x" text DEFAULT 'it''s; fine'\n)`, line: 14 },
      { sql: `COMMENT ON TABLE "a;b" IS 'multi\nline; text'`, line: 17 },
      { sql: "COMMIT", line: 19 },
    ]);
  });
  it("tokenises losslessly", () => {
    const sql = `SELECT 'a''b', "c""d" -- e\n/* f */;`;
    expect(
      tokenize(sql)
        .map((t) => t.text)
        .join(""),
    ).toBe(sql);
    expect(tokenize(sql).map((t) => t.kind)).toStrictEqual([
      "other",
      "string",
      "other",
      "ident",
      "other",
      "comment",
      "other",
      "comment",
      "semicolon",
    ]);
  });
});
