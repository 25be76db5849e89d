import { describe, expect, it } from "vitest";
import { parseStatement, parseCheck, PARSER_GAPS } from "../../../generators/migrations/parse-check.ts";
import { readMigrations } from "../../../generators/migrations/format.ts";

/** Each allow-listed gap: a statement PostgreSQL accepts that node-sql-parser rejects as written. */
const gaps: Array<[string, string]> = [
  ["escaped-quote-in-identifier", `CREATE INDEX "i" ON "we""ird" ("a")`],
  ["backslash-in-string", `COMMENT ON TABLE "t" IS 'a\\ \\''b'`],
  ["array-element-type", `CREATE TABLE "t" ("a" uuid[] NOT NULL DEFAULT '{}', "b" "item_priority"[])`],
  ["brin-index", `CREATE INDEX "i" ON "t" USING brin ("a")`],
  ["comment-on-type", `COMMENT ON TYPE "member_role" IS 'x'`],
  ["comment-on-constraint", `COMMENT ON CONSTRAINT "c" ON "t" IS 'x'`],
];

describe("parser allow-list", () => {
  it("lists these gaps of the initial migration (first; evolution's ALTER shapes follow), each with a reason", () => {
    expect(PARSER_GAPS.map((g) => g.id).slice(0, gaps.length)).toStrictEqual(gaps.map(([id]) => id));
    for (const g of PARSER_GAPS) expect(g.reason.length).toBeGreaterThan(20);
  });
  it.each(gaps)("%s: parses only through its rewrite", (id, sql) => {
    const gap = PARSER_GAPS.find((g) => g.id === id)!;
    expect(gap.applies(sql)).toBe(true);
    expect(parseStatement(sql)).toStrictEqual({ ok: true, gaps: [id] });
  });
  it("parses ordinary statements without the allow-list", () => {
    expect(parseStatement(`CREATE TABLE "t" ("a" varchar(32)[] NOT NULL DEFAULT '{}')`)).toStrictEqual({
      ok: true,
      gaps: [],
    });
  });
  it("still rejects a broken statement that merely shows a gap's shape", () => {
    const r = parseStatement(`COMMENT ON TYPE "member_role" IS`);
    expect(r.ok).toBe(false);
  });
  it("reports unparseable statements as sql-parse-error at file:line, and counts allow-listed ones", () => {
    const files = [
      { path: "migrations/0001_x.up.sql", contents: `BEGIN;\nCOMMENT ON TYPE "k" IS 'x';\nFROBNICATE "t";\nCOMMIT;\n` },
      { path: "migrations/0001_x.down.sql", contents: "BEGIN;\nCOMMIT;\n" },
    ];
    const report = parseCheck(readMigrations(files, "golang-migrate"));
    expect(report.statements).toBe(6);
    expect(report.allowListed).toStrictEqual({ "comment-on-type": 1 });
    expect(report.diagnostics.map((d) => [d.code, d.path])).toStrictEqual([
      ["sql-parse-error", "migrations/0001_x.up.sql:3"],
    ]);
  });
});
