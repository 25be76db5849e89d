import { describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diff } from "../../src/index.ts";
import { repoRoot } from "../helpers.ts";

const v = (n: number) => `${repoRoot}fixtures/evolution/listly-v${n}.yaml`;

describe("diff, the library call behind `contractor diff`", () => {
  it("classifies the changes and fails the verdict on breaking ones unless allowed", async () => {
    const strict = await diff(v(1), v(2));
    expect([strict.ok, strict.breaking, strict.destructive]).toStrictEqual([false, 5, 0]);
    const allowed = await diff(v(1), v(2), { allowBreaking: true });
    expect([allowed.ok, allowed.breaking]).toStrictEqual([true, 5]);
    expect(allowed.markdown).toContain("breaking");
  });

  it("names the next migration in the chosen layout and gives CI its JSON", async () => {
    const r = await diff(v(2), v(3), { allowBreaking: true, allowDestructive: true, migrationsFormat: "dbmate" });
    expect(r.ok).toBe(true);
    expect(r.report?.migration?.name).toBe("0002_drop_items_unit");
    expect(r.report?.migration?.files).toStrictEqual(["migrations/0002_drop_items_unit.sql"]); // dbmate: one file, up and down
    expect(r.json).toMatchObject({ ok: true });
  });

  it("reports a broken design as a diagnostic with its location, without throwing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "contractor-diff-"));
    try {
      const bad = join(dir, "bad.yaml");
      await writeFile(bad, "contractor: 1\ninfo: [\n");
      const r = await diff(v(1), bad);
      expect(r.ok).toBe(false);
      expect(r.report).toBeUndefined();
      expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toContain("parse-error");
      expect(r.json).toMatchObject({ ok: false });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
