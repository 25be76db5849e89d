import { describe, it, expect, afterAll } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  sharedPglite,
  closeSharedPglite,
  pgliteCacheFile,
  withPgliteSchema,
} from "../../../generators/migrations/engine.ts";

/** Paths of the regular files in a tar (ustar: name at 0, size at 124, type at 156, prefix at 345). */
function tarFiles(tar: Uint8Array): string[] {
  const str = (from: number, length: number) =>
    new TextDecoder().decode(tar.subarray(from, from + length)).replace(/\0.*$/s, "");
  const files: string[] = [];
  for (let at = 0; at + 512 <= tar.length && str(at, 100) !== ""; ) {
    const size = parseInt(str(at + 124, 12).trim() || "0", 8);
    const prefix = str(at + 345, 155);
    if (tar[at + 156] === 0x30 || tar[at + 156] === 0)
      files.push(`${prefix}${prefix ? "/" : ""}${str(at, 100)}`.replace(/^\/+/, ""));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

describe("the PGlite data dir snapshot", () => {
  const savedTmp = process.env.TMPDIR;
  afterAll(async () => {
    await closeSharedPglite();
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  });

  it("a first start writes it without template0 and template1; a start from it runs the checks' work", async () => {
    const dir = await mkdtemp(join(tmpdir(), "contractor-pglite-cache-"));
    process.env.TMPDIR = dir;
    try {
      await closeSharedPglite();
      const first = await sharedPglite();
      const databases = (
        await first.query<{ oid: number; datname: string }>(
          "SELECT oid::int AS oid, datname FROM pg_database ORDER BY oid",
        )
      ).rows;
      expect(databases.map((d) => d.datname)).toStrictEqual(["template1", "template0", "postgres"]);
      const current = (await first.query<{ db: string }>("SELECT current_database() AS db")).rows[0]!.db;
      const keep = databases.find((d) => d.datname === current)!.oid;

      const cache = pgliteCacheFile();
      expect(cache.startsWith(dir)).toBe(true);
      const files = tarFiles(await readFile(cache));
      expect(files).toContain("pg_wal/000000010000000000000001");
      expect(files.filter((f) => f.startsWith(`base/${keep}/`)).length).toBeGreaterThan(100);
      for (const other of databases.filter((d) => d.oid !== keep))
        expect(
          files.filter((f) => f.startsWith(`base/${other.oid}/`)),
          other.datname,
        ).toStrictEqual([]);

      await closeSharedPglite();
      const rows = await withPgliteSchema(async (engine) => {
        await engine.exec(
          `CREATE TYPE "mood" AS ENUM ('ok', 'sad'); CREATE TABLE "t" ("id" serial PRIMARY KEY, "m" "mood" NOT NULL); CREATE INDEX "t_m" ON "t" ("m")`,
        );
        await engine.exec(`INSERT INTO "t" ("m") SELECT 'ok' FROM generate_series(1, 1000); ANALYZE "t"`);
        return engine.query<{ n: number }>(`SELECT count(*)::int AS n FROM "t" WHERE "m" = 'ok'`);
      });
      expect(rows).toStrictEqual([{ n: 1000 }]);
      expect(
        (await (await sharedPglite()).query<{ sb: string }>("SELECT current_setting('shared_buffers') AS sb")).rows,
      ).toStrictEqual([{ sb: "32MB" }]);
    } finally {
      await closeSharedPglite();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
