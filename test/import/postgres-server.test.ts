/**
 * `import postgres` against a real server (test/setup/postgres.ts; skipped without the binaries):
 * a corpus schema loaded into a schema of its own reads back as the same design `import sql`
 * gives, and an unreachable server, a missing database and a role without USAGE on the schema
 * are diagnostics that never show the password.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { parse } from "yaml";
import { importPostgres, importSql } from "../../src/import/postgres.ts";
import { main } from "../../src/cli/main.ts";
import type { Io } from "../../src/cli/io.ts";
import { startPostgres, type PostgresServer } from "../setup/postgres.ts";
import { corpusFolder } from "./corpus.ts";

const HOPPSCOTCH = join(corpusFolder("sql"), "hoppscotch-init-20230406064219.migration.sql");
const PASSWORD = "s3cret-Pa55word";
let server: PostgresServer = { skip: "not started" };
let dir = "";
const url = (user = "postgres", password?: string, database = "postgres") => {
  if ("skip" in server) throw new Error(server.skip);
  const u = new URL(server.url);
  u.username = user;
  if (password) u.password = password;
  u.pathname = `/${database}`;
  return u.toString();
};

beforeAll(async () => {
  server = await startPostgres();
  dir = await mkdtemp(join(tmpdir(), "contractor-import-pg-"));
  if ("skip" in server) return;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query("CREATE SCHEMA app");
    await admin.query("SET search_path TO app");
    if (existsSync(HOPPSCOTCH)) await admin.query(await readFile(HOPPSCOTCH, "utf8"));
    else await admin.query('CREATE TABLE "Team" (id text PRIMARY KEY)');
    await admin.query("CREATE SCHEMA shop; CREATE TABLE shop.owners (id bigint PRIMARY KEY, email text NOT NULL)");
    // A role that may log in but has no USAGE on `app` (a new schema grants none).
    await admin.query(`CREATE ROLE reader LOGIN PASSWORD '${PASSWORD}'`);
  } finally {
    await admin.end();
  }
}, 180_000);
afterAll(async () => {
  if (!("skip" in server)) server.stop();
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), color: false };
  const code = await main(["import", ...args], io);
  return { code, stdout, stderr };
}

describe("import postgres (a real server)", () => {
  it.skipIf(!existsSync(HOPPSCOTCH))("reads the schema as import sql reads the same DDL", async (t) => {
    if ("skip" in server) return t.skip(server.skip);
    const live = await importPostgres({ databaseUrl: url() }, { schema: "app" });
    expect(live.diagnostics.map((d) => d.code)).toStrictEqual(["placeholder-endpoint"]);
    expect(live.tables).toHaveLength(16);
    const file = await importSql({ file: HOPPSCOTCH });
    expect(live.design!.data).toStrictEqual(file.design!.data);
    expect(live.losses).toStrictEqual(file.losses);
    expect(live.design!.info.name).toBe("postgres");
  });

  it("CLI: --database-url --schema --out --report", async (t) => {
    if ("skip" in server) return t.skip(server.skip);
    const out = join(dir, "design.yaml");
    const report = join(dir, "loss.json");
    const r = await cli(["postgres", "--database-url", url(), "--schema", "app", "--out", out, "--report", report]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const design = parse(await readFile(out, "utf8"));
    expect(design.data.entities.length).toBeGreaterThan(0);
    const losses = JSON.parse(await readFile(report, "utf8")).losses as Array<{ pointer: string }>;
    for (const l of losses) expect(l.pointer).toMatch(/^\/(tables|enums)\//);
    expect(r.stderr).toMatch(/imported \d+ of \d+ table\(s\) to /);
  });

  it("CLI: --openapi with --database-url merges the spec with the live schema; --baseline from it", async (t) => {
    if ("skip" in server) return t.skip(server.skip);
    const spec = join(dir, "owners.json");
    const owner = {
      type: "object",
      required: ["id", "email"],
      properties: { id: { type: "integer", format: "int64" }, email: { type: "string" } },
    };
    await writeFile(
      spec,
      JSON.stringify({
        openapi: "3.1.0",
        info: { title: "Owners", version: "1.0.0" },
        paths: {
          "/owners/{id}": {
            get: {
              operationId: "getOwner",
              parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer", format: "int64" } }],
              responses: {
                "200": {
                  description: "OK",
                  content: { "application/json": { schema: { $ref: "#/components/schemas/Owner" } } },
                },
              },
            },
          },
        },
        components: { schemas: { Owner: owner } },
      }),
    );
    const report = join(dir, "merged.json");
    const base = join(dir, "baseline");
    const r = await cli([
      "--openapi",
      spec,
      "--database-url",
      url("postgres", PASSWORD),
      "--schema",
      "shop",
      "--report",
      report,
      "--baseline",
      base,
    ]);
    expect(r.stderr).not.toContain(PASSWORD);
    expect(r.code).toBe(0);
    const design = parse(r.stdout);
    expect(design.api.endpoints[0].response.schema).toBe("Owner");
    expect(design.schemas).toBeUndefined();
    const merged = JSON.parse(await readFile(report, "utf8"));
    expect(merged.matched.map((m: { schema: string; table: string }) => `${m.schema} → ${m.table}`)).toStrictEqual([
      "Owner → owners",
    ]);
    expect(merged.source.database).not.toContain(PASSWORD);
    const lock = JSON.parse(await readFile(join(base, "migrations", "contractor.lock.json"), "utf8"));
    expect(lock).toMatchObject({ released: 1, baseline: 1, migrations: [{ name: "0001_baseline" }] });
  });

  it.for([
    ["a port nobody listens on", () => `postgres://postgres:${PASSWORD}@127.0.0.1:1/postgres`, "database-unreachable"],
    ["a database that does not exist", () => url("postgres", PASSWORD, "nope"), "database-unreachable"],
    ["a role without USAGE on the schema", () => url("reader", PASSWORD), "schema-permission-denied"],
    ["a schema that does not exist", () => url("postgres", PASSWORD, "postgres"), "schema-not-found"],
    ["a URL of another database", () => `mysql://root:${PASSWORD}@localhost/db`, "invalid-database-url"],
  ] as Array<[string, () => string, string]>)(
    "%s: a diagnostic without the password, exit 1, nothing written",
    async ([name, target, code], t) => {
      if ("skip" in server && code !== "invalid-database-url") return t.skip(server.skip);
      const schema = code === "schema-not-found" ? "missing" : "app";
      const out = join(dir, `never-${code}.yaml`);
      const r = await cli(["postgres", "--database-url", target(), "--schema", schema, "--out", out]);
      expect(r.code, name).toBe(1);
      expect(r.stderr).toContain(code);
      expect(r.stderr).not.toContain(PASSWORD);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect((await readdir(dir)).filter((f) => f.startsWith("never-"))).toStrictEqual([]);
    },
  );
});
