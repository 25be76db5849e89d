/**
 * The listly series v1 → v2 → v3 with every default artifact on a real PostgreSQL server
 * (`--database-url`): the SQL check runs the round trip of each new migration on top of the
 * earlier ones there, and the chain against the design, in a throw-away database that is gone
 * afterwards. Skipped only
 * where no PostgreSQL binaries exist (CI installs them).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { build, type StepTiming } from "../../../src/pipeline/build.ts";
import { repoRoot } from "../../helpers.ts";
import { startPostgres, type PostgresServer } from "../../setup/postgres.ts";

let server: PostgresServer = { skip: "not started" };
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(() => {
  if ("stop" in server) server.stop();
});

const fixture = (v: string) => `${repoRoot}fixtures/evolution/listly-${v}.yaml`;
const errors = (r: { diagnostics: Array<{ code: string; severity: string; path: string }> }) =>
  r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.path}`);

async function databases(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ datname: string }>("SELECT datname FROM pg_database ORDER BY datname")).rows.map(
      (r) => r.datname,
    );
  } finally {
    await client.end();
  }
}

describe("evolution on a PostgreSQL server (--database-url)", () => {
  it("v1 → v2 → v3 through full builds: every migration checked on the server, no database left behind", {
    timeout: 180_000,
  }, async (t) => {
    if ("skip" in server) return t.skip(server.skip);
    const databaseUrl = server.url;
    const before = await databases(databaseUrl);
    const out = join(await mkdtemp(join(tmpdir(), "contractor-evolution-pg-")), "out");
    const run = async (v: string, allowDestructive = false) => {
      const steps: StepTiming[] = [];
      const r = await build(
        { file: fixture(v) },
        { out, databaseUrl, allowDestructive, release: true, onStep: (s) => steps.push(s) },
      );
      const detail = (step: string) => steps.find((s) => s.step === step)?.detail ?? "";
      return { r, sql: detail("check sql") };
    };

    const v1 = await run("v1");
    expect(errors(v1.r)).toStrictEqual([]);
    expect(v1.sql).toMatch(/engine \(postgres server\) up\/down\/up round trip ok/);

    const v2 = await run("v2");
    expect(errors(v2.r)).toStrictEqual([]);
    expect(v2.sql).toMatch(/engine \(postgres server\) up\/down\/up round trip ok, migration chain = design/);

    const v3 = await run("v3", true);
    expect(errors(v3.r)).toStrictEqual([]);
    expect(v3.sql).toMatch(/engine \(postgres server\) up\/down\/up round trip ok, migration chain = design/);
    const migrations = (await readdir(join(out, "migrations"))).filter((f) => f.endsWith(".up.sql")).sort();
    expect(migrations).toStrictEqual([
      "0001_listly.up.sql",
      "0002_create_reminders_rename_items_note_and_more.up.sql",
      "0003_drop_items_unit.up.sql",
    ]);

    // Every throw-away check database was dropped.
    expect(await databases(databaseUrl)).toStrictEqual(before);
  });
});
