/**
 * The listly series through real builds of the SQL and evolution artifacts into one out dir:
 * v1 → v2 → v3. Each new migration round-trips on PGlite in the SQL artifact's check, on top of
 * the earlier ones, and the chain is compared with the design.
 */
import { describe, expect, it } from "vitest";
import { mkdtemp, readFile, readdir, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../../src/pipeline/build.ts";
import { evolutionArtifact } from "../../../generators/evolution/index.ts";
import { sqlArtifact } from "../../../generators/migrations/index.ts";
import { repoRoot } from "../../helpers.ts";

const artifacts = [sqlArtifact, evolutionArtifact];
const fixture = (v: string) => `${repoRoot}fixtures/evolution/listly-${v}.yaml`;

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile())
      out[join(e.parentPath, e.name).slice(dir.length + 1)] = await readFile(join(e.parentPath, e.name), "utf8");
  }
  return out;
}
const codes = (r: { diagnostics: Array<{ code: string; severity: string; path: string }> }) =>
  r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}`);

describe("evolution along listly v1 → v2 → v3", () => {
  it("adds one migration per schema change, never rewrites one, and round-trips each on PGlite", {
    timeout: 120_000,
  }, async () => {
    const out = join(await mkdtemp(join(tmpdir(), "contractor-evolution-")), "out");

    const r1 = await build({ file: fixture("v1") }, { out, artifacts, release: true });
    expect(codes(r1)).toStrictEqual([]);
    const t1 = await tree(out);
    expect(Object.keys(t1).sort()).toStrictEqual([
      ".contractor-manifest.json",
      "design.json",
      "design.released.json",
      "migrations/0001_listly.down.sql",
      "migrations/0001_listly.up.sql",
      "migrations/contractor.lock.json",
    ]);

    // v2: exactly the breaking API changes, no destructive finding; 0002 round-trips (check ran).
    const steps: string[] = [];
    const r2 = await build(
      { file: fixture("v2") },
      { out, artifacts, release: true, onStep: (s) => steps.push(`${s.step}${s.detail ? ` (${s.detail})` : ""}`) },
    );
    expect(r2.ok).toBe(true);
    expect(codes(r2)).toStrictEqual([
      "warning api-breaking-change openapi.yaml#/components/schemas/Item/properties/notes",
      "warning api-breaking-change openapi.yaml#/components/schemas/ItemCreate/properties/notes",
      "warning api-breaking-change openapi.yaml#/components/schemas/ItemPriority",
      "warning api-breaking-change openapi.yaml#/components/schemas/ItemUpdate/properties/notes",
      "warning api-breaking-change openapi.yaml#/paths/~1lists~1{listId}~1items/get/parameters/5/schema/items",
    ]);
    expect(steps.find((s) => s.startsWith("check sql"))).toMatch(
      /engine \(pglite\) up\/down\/up round trip ok, migration chain = design in \d+ ms/,
    );
    const t2 = await tree(out);
    for (const [path, text] of Object.entries(t1)) if (path.startsWith("migrations/0001")) expect(t2[path]).toBe(text);
    expect(
      Object.keys(t2)
        .filter((p) => p.startsWith("migrations/0002"))
        .sort(),
    ).toStrictEqual([
      "migrations/0002_create_reminders_rename_items_note_and_more.down.sql",
      "migrations/0002_create_reminders_rename_items_note_and_more.up.sql",
    ]);
    const up2 = t2["migrations/0002_create_reminders_rename_items_note_and_more.up.sql"]!;
    expect(up2).toContain(`ALTER TABLE "items" RENAME COLUMN "note" TO "notes";`);
    expect(up2).not.toMatch(/DROP COLUMN/);
    expect(up2).toContain(`ALTER TYPE "item_priority" ADD VALUE 'urgent' AFTER 'high';`);
    expect(t2["CHANGES.md"]).toContain("# Design changes: listly 1.4.0 → 1.5.0");
    const lock = JSON.parse(t2["migrations/contractor.lock.json"]!) as { migrations: Array<{ name: string }> };
    expect(lock.migrations.map((m) => m.name)).toStrictEqual([
      "0001_listly",
      "0002_create_reminders_rename_items_note_and_more",
    ]);

    // Rebuilding the unchanged design adds nothing and changes no byte.
    const again = await build({ file: fixture("v2") }, { out, artifacts });
    expect(again.ok).toBe(true);
    expect(await tree(out)).toStrictEqual(t2);

    // v3 drops a column: refused without --allow-destructive, and nothing is written.
    const refused = await build({ file: fixture("v3") }, { out, artifacts });
    expect(refused.ok).toBe(false);
    expect(codes(refused).filter((c) => !c.includes("api-breaking-change"))).toStrictEqual([
      "error destructive-drop-column /data/entities/7",
    ]);
    expect(await tree(out)).toStrictEqual(t2);

    const r3 = await build({ file: fixture("v3") }, { out, artifacts, allowDestructive: true });
    expect(codes(r3)).toStrictEqual([
      "warning destructive-drop-column /data/entities/7",
      "warning api-breaking-change openapi.yaml#/components/schemas/Item/properties/unit",
      "warning api-breaking-change openapi.yaml#/paths/~1categories/get/parameters/0",
      "warning api-breaking-change openapi.yaml#/paths/~1lists~1{listId}~1items/get/parameters/5/schema/items",
    ]);
    const t3 = await tree(out);
    for (const [path, text] of Object.entries(t2)) if (/^migrations\/000[12]/.test(path)) expect(t3[path]).toBe(text);
    expect(t3["migrations/0003_drop_items_unit.up.sql"]).toContain(`ALTER TABLE "items" DROP COLUMN "unit";`);
    expect(t3["migrations/0003_drop_items_unit.down.sql"]).toContain(
      `ALTER TABLE "items" ADD COLUMN "unit" varchar(16);`,
    );
  });

  it("refuses a tampered or missing earlier migration", { timeout: 60_000 }, async () => {
    const out = join(await mkdtemp(join(tmpdir(), "contractor-evolution-")), "out");
    await build({ file: fixture("v1") }, { out, artifacts, release: true });
    const up = join(out, "migrations/0001_listly.up.sql");
    const original = await readFile(up, "utf8");
    await writeFile(up, original.replace("CREATE TABLE", "CREATE UNLOGGED TABLE"));
    const before = await tree(out);
    const tampered = await build({ file: fixture("v2") }, { out, artifacts });
    expect(tampered.ok).toBe(false);
    expect(codes(tampered).filter((c) => c.startsWith("error"))).toStrictEqual([
      "error migration-tampered migrations/0001_listly.up.sql:1",
    ]);
    expect(await tree(out)).toStrictEqual(before);

    await rm(up);
    const missing = await build({ file: fixture("v1") }, { out, artifacts });
    expect(codes(missing)).toStrictEqual(["error migration-missing migrations/0001_listly.up.sql:1"]);
  });
});
