/** `contractor import sql` through the CLI entry (PGlite runs, so this is an engine-tier file). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { main } from "../../src/cli/main.ts";
import type { Io } from "../../src/cli/io.ts";
import { validateDesign } from "../../src/design/validate.ts";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "contractor-import-sql-cli-"));
  await writeFile(
    join(dir, "shop.sql"),
    "CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  placed_at timestamp(3) NOT NULL\n);\n",
  );
  await writeFile(join(dir, "typo.sql"), "CREATE TABLE a (id int PRIMARY KEY);\n\nCREATE TABEL b (id int);\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), color: false };
  const code = await main(["import", ...args], io);
  return { code, stdout, stderr };
}

describe("contractor import sql", () => {
  it("sql: a DDL file becomes a design, the loss summary names the column", async () => {
    const report = join(dir, "sql-loss.json");
    const r = await run(["sql", join(dir, "shop.sql"), "--report", report]);
    expect(r.code).toBe(0);
    const design = parse(r.stdout);
    expect(validateDesign(design).diagnostics.filter((d) => d.severity === "error")).toStrictEqual([]);
    expect(design.data.entities[0].fields.map((f: { name: string }) => f.name)).toStrictEqual(["id", "placedAt"]);
    expect(r.stderr).toContain("placeholder-endpoint");
    expect(r.stderr).toContain("sql-type");
    expect(r.stderr).toContain("imported 1 of 1 table(s)");
    const losses = JSON.parse(await readFile(report, "utf8")).losses;
    expect(losses).toStrictEqual([
      {
        pointer: "/tables/orders/columns/placed_at",
        lost: "type timestamp(3) without time zone",
        instead: "timestamp with time zone (precision 6)",
        class: "sql-type",
      },
    ]);
  });

  it("sql: a DDL the engine rejects is reported at its line, exit 1, nothing written", async () => {
    const out = join(dir, "never-typo.yaml");
    const r = await run(["sql", join(dir, "typo.sql"), "--out", out, "--report", join(dir, "never-typo.json")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^typo\.sql:3:8 {2}error {2}ddl-rejected {2}the embedded PostgreSQL rejected the DDL: syntax error at or near "TABEL"/m,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect((await readdir(dir)).filter((f) => f.startsWith("never-"))).toStrictEqual([]);
  });
});
