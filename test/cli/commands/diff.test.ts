import { afterAll, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../../src/cli/main.ts";
import type { Io } from "../../../src/cli/io.ts";
import { repoRoot } from "../../helpers.ts";
import { series } from "../../generators/evolution/mini.ts";
import { canonicalJson } from "../../../generators/migrations/history.ts";

const temp = await mkdtemp(join(tmpdir(), "contractor-diff-"));
afterAll(() => rm(temp, { recursive: true, force: true }));

const v = (n: number) => `${repoRoot}fixtures/evolution/listly-v${n}.yaml`;

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), color: false };
  const code = await main(["diff", ...args], io);
  return { code, stdout, stderr };
}

describe("contractor diff", () => {
  it.each([
    ["v1 → v2: breaking API changes fail", [v(1), v(2)], 1],
    ["v1 → v2 with --allow-breaking", [v(1), v(2), "--allow-breaking"], 0],
    ["v2 → v3: breaking and destructive", [v(2), v(3), "--allow-breaking"], 1],
    ["v2 → v3 with both allowed", [v(2), v(3), "--allow-breaking", "--allow-destructive"], 0],
    ["same design", [v(3), v(3)], 0],
  ])("%s", async (_name, args, code) => {
    expect((await run(args as string[])).code).toBe(code);
  });

  it("prints CHANGES.md: the API changes, the migration and its rollback, the destructive findings", async () => {
    const r = await run([v(2), v(3)]);
    expect(r.stdout).toContain("- API: **3 breaking**, 2 non-breaking change(s).");
    expect(r.stdout).toContain("- Database: migration `0002_drop_items_unit`.");
    expect(r.stdout).toContain("| error | `destructive-drop-column` | `/data/entities/7` |");
    expect(r.stdout).toContain('```sql\nALTER TABLE "items" DROP COLUMN "unit";\n```');
    expect(r.stdout).toContain('```sql\nALTER TABLE "items" ADD COLUMN "unit" varchar(16);\n```');
    expect(r.stderr).toContain("3 breaking API change(s), 1 destructive finding(s) — failing");
  });

  it("--json gives CI the classified changes", async () => {
    const r = await run([v(1), v(2), "--json"]);
    const j = JSON.parse(r.stdout) as {
      ok: boolean;
      breaking: Array<{ kind: string }>;
      nonBreaking: unknown[];
      destructive: unknown[];
      entities: { added: string[] };
      endpoints: { added: string[] };
      migration: { name: string };
    };
    expect(j.ok).toBe(false);
    expect(j.breaking.map((c) => c.kind)).toStrictEqual([
      "property-renamed",
      "property-renamed",
      "enum-value-added",
      "property-renamed",
      "enum-value-removed",
    ]);
    expect(j.nonBreaking).toHaveLength(4);
    expect(j.destructive).toStrictEqual([]);
    expect(j.entities.added).toStrictEqual(["Reminder"]);
    expect(j.endpoints.added).toStrictEqual([
      "createReminder (POST /lists/{listId}/items/{itemId}/reminders)",
      "listReminders (GET /me/reminders)",
    ]);
    expect(j.migration.name).toBe("0002_create_reminders_rename_items_note_and_more");
  });

  it("reads a build's design.json as the old design and numbers the migration after its lock", async () => {
    const dir = await mkdtemp(join(temp, "build-"));
    await writeFile(join(dir, "design.json"), canonicalJson(await series("v2")));
    await mkdir(join(dir, "migrations"));
    await writeFile(
      join(dir, "migrations/contractor.lock.json"),
      JSON.stringify({
        generator: "contractor",
        format: "golang-migrate",
        migrations: [
          { version: 1, name: "0001_listly", files: {} },
          { version: 2, name: "0002_x", files: {} },
        ],
      }),
    );
    const r = await run([join(dir, "design.json"), v(3), "--json", "--allow-breaking", "--allow-destructive"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { migration: { name: string } }).migration.name).toBe("0003_drop_items_unit");
  });

  it("an invalid design is reported and exits 1", async () => {
    const dir = await mkdtemp(join(temp, "bad-"));
    await writeFile(join(dir, "bad.yaml"), "contractor: 1\ninfo: {}\n");
    const r = await run([v(1), join(dir, "bad.yaml")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("schema-violation");
  });

  it("a missing argument is a usage error", async () => {
    expect((await run([v(1)])).code).toBe(2);
  });
});
