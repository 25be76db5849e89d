/**
 * `--database-url` runs of the real CLI interrupted on a real PostgreSQL server: SIGINT to the
 * process group (what Ctrl-C does), SIGTERM to the process (through the re-executing parent for
 * a large design), and SIGKILL (which leaves the database; the next run removes it). Plus the
 * rules by which a run removes leftovers: prefix, marker, and a creator that is gone.
 *
 * The design has many tables and few endpoints, so the engine round trip (in the check worker)
 * outlasts everything else: the signal is sent once the throw-away database exists and the main
 * thread's last check has reported, i.e. while only the engine still works.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startPostgres, type PostgresServer } from "../setup/postgres.ts";
import { fixturePath, repoRoot } from "../helpers.ts";
import { largeDesign } from "../../fixtures/large.ts";
import { LARGE_DESIGN_BYTES } from "../../bin/liftoff.js";
import { dropStale, HOST_KEY, THROWAWAY_MARKER, THROWAWAY_PREFIX } from "../../generators/migrations/throwaway.ts";

let server: PostgresServer;
let dir: string;
let client: pg.Client;
const running = new Set<number>();

beforeAll(async () => {
  server = await startPostgres();
  dir = await mkdtemp(join(tmpdir(), "contractor-signals-"));
  const design = largeDesign(200);
  design.api.endpoints = design.api.endpoints.slice(0, 5);
  const text = JSON.stringify(design);
  await writeFile(join(dir, "design.json"), text);
  // Above LARGE_DESIGN_BYTES, bin/contractor.js runs the command in a child process.
  await writeFile(join(dir, "large.json"), text + " ".repeat(LARGE_DESIGN_BYTES + 1024));
  if ("url" in server) {
    client = new pg.Client({ connectionString: server.url });
    await client.connect();
  }
});

afterAll(async () => {
  for (const pid of running) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  await client?.end();
  if (server && "stop" in server) server.stop();
  await rm(dir, { recursive: true, force: true });
});

const schemas = async () =>
  (
    await client.query<{ name: string }>(
      "SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'contractor\\_check\\_%' ORDER BY 1",
    )
  ).rows.map((r) => r.name);
const leftovers = async () =>
  (
    await client.query<{ name: string; comment: string | null }>(
      "SELECT datname AS name, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname LIKE 'contractor\\_check\\_%' ORDER BY 1",
    )
  ).rows;

/**
 * Starts `contractor build <design> --database-url` as the shebang does (`--liftoff-only`), in its
 * own process group, with the engine checks in a worker thread; once its throw-away database
 * exists and the main thread's last check (types) has reported, `interrupt` is called.
 */
async function interruptBuild(
  design: string,
  interrupt: (pid: number) => void,
  url = (server as { url: string }).url,
  created = async () => (await leftovers())[0]?.name,
) {
  const child = spawn(
    process.execPath,
    [
      "--liftoff-only",
      join(repoRoot, "bin/contractor.js"),
      "build",
      design,
      "--out",
      join(dir, "out"),
      "--database-url",
      url,
    ],
    {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", CONTRACTOR_WORKERS: "1" },
    },
  );
  running.add(child.pid!);
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      done = true;
      running.delete(child.pid!);
      resolve({ code, signal });
    }),
  );
  let database: string | undefined;
  // The throw-away database exists only while the engine check runs (it is dropped when the check
  // ends), so once it is seen the signal lands mid-check, whatever else the build is doing.
  while (!done && !database) {
    database = await created();
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(done, `the build ended before it could be interrupted:\n${output}`).toBe(false);
  interrupt(child.pid!);
  const exit = await new Promise<Awaited<typeof exited> | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 60_000);
    void exited.then((e) => {
      clearTimeout(timer);
      resolve(e);
    });
  });
  const tree = () =>
    spawnSync("ps", ["-o", "pid,ppid,stat,args", "-g", String(child.pid)], { encoding: "utf8" }).stdout;
  expect(exit, `no exit within 60 s of the signal:\n${tree()}\n${output}`).toBeDefined();
  return { ...exit!, output, database: database! };
}

describe("--database-url runs interrupted", () => {
  it("Ctrl-C (SIGINT to the process group) drops the throw-away database; the process ends by SIGINT", async (t) => {
    if ("skip" in server) return t.skip(server.skip);
    const r = await interruptBuild(join(dir, "design.json"), (pid) => process.kill(-pid, "SIGINT"));
    expect(r.database.startsWith(THROWAWAY_PREFIX)).toBe(true);
    expect([r.signal, r.code]).toStrictEqual(["SIGINT", null]);
    // The engine check never reported: the database went on the signal, not at the end of the check.
    expect(r.output).not.toMatch(/check sql/);
    expect(await leftovers()).toStrictEqual([]);
  });

  it("SIGTERM to a large design's parent process is passed on: dropped, exit code 143", async (t) => {
    if ("skip" in server) return t.skip(server.skip);
    const r = await interruptBuild(join(dir, "large.json"), (pid) => process.kill(pid, "SIGTERM"));
    expect([r.signal, r.code]).toStrictEqual([null, 143]);
    expect(r.output).not.toMatch(/check sql/);
    expect(await leftovers()).toStrictEqual([]);
  });

  it("SIGKILL leaves the marked database; the next run against the server removes it and says so", async (t) => {
    if ("skip" in server) return t.skip(server.skip);
    const r = await interruptBuild(join(dir, "design.json"), (pid) => process.kill(-pid, "SIGKILL"));
    expect(r.signal).toBe("SIGKILL");
    expect(await leftovers()).toStrictEqual([{ name: r.database, comment: THROWAWAY_MARKER }]);

    const next = spawnSync(
      process.execPath,
      [
        join(repoRoot, "bin/contractor.js"),
        "build",
        fixturePath("listly"),
        "--out",
        join(dir, "out-next"),
        "--database-url",
        server.url,
      ],
      {
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
        timeout: 120_000,
      },
    );
    expect(next.status, next.stdout + next.stderr).toBe(0);
    expect(next.stdout).toContain(
      `info  sql-stale-database-dropped  removed database ${r.database} from ${server.url}`,
    );
    expect(await leftovers()).toStrictEqual([]);
  });
});

describe("a process that exits while a check is on the server", () => {
  it("leaves the drop to a detached process: the database goes soon after", async (t) => {
    if ("skip" in server) return t.skip(server.skip);
    const r = spawnSync(process.execPath, [join(repoRoot, "test/e2e/exit-child.ts"), server.url], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const name = r.stdout.trim();
    expect(name.startsWith(THROWAWAY_PREFIX)).toBe(true);
    for (let i = 0; i < 300 && (await leftovers()).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await leftovers()).toStrictEqual([]);
  });
});

describe("--database-url runs interrupted, without the CREATEDB privilege", () => {
  it("Ctrl-C drops the throw-away schema the checks use instead", async (t) => {
    if ("skip" in server) return t.skip(server.skip);
    await client.query("CREATE ROLE checker LOGIN NOCREATEDB; GRANT CREATE ON DATABASE postgres TO checker");
    try {
      const url = server.url.replace("postgres://postgres@", "postgres://checker@");
      const r = await interruptBuild(
        join(dir, "design.json"),
        (pid) => process.kill(-pid, "SIGINT"),
        url,
        async () => (await schemas())[0],
      );
      expect(r.database.startsWith(THROWAWAY_PREFIX)).toBe(true);
      expect([r.signal, r.code]).toStrictEqual(["SIGINT", null]);
      expect(r.output).not.toMatch(/check sql/);
      expect(await schemas()).toStrictEqual([]);
      expect(await leftovers()).toStrictEqual([]);
    } finally {
      await client.query("REVOKE CREATE ON DATABASE postgres FROM checker; DROP ROLE checker");
    }
  });
});

describe("removing leftovers", () => {
  it("drops only prefixed, marked objects whose creator is gone: a dead pid of this host, or another host's after a day", async (t) => {
    if ("skip" in server) return t.skip(server.skip);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const alive = process.ppid;
    const now = Math.floor(Date.now() / 1000);
    const other = HOST_KEY === "00000000" ? "11111111" : "00000000";
    const name = (pid: number, host: string, seconds: number, tag: string) =>
      `${THROWAWAY_PREFIX}${pid}_${host}_${seconds.toString(36)}_${tag}`;
    // Databases and schemas follow the same rules; schemas are cheaper to make.
    const database = name(dead, HOST_KEY, now, "00000001");
    const cases = {
      deadHere: name(dead, HOST_KEY, now, "00000002"),
      aliveHere: name(alive, HOST_KEY, now, "00000003"),
      unmarked: name(dead, HOST_KEY, now, "00000004"),
      oldElsewhere: name(alive, other, now - 2 * 24 * 3600, "00000005"),
      newElsewhere: name(dead, other, now - 3600, "00000006"),
      notOurs: `${THROWAWAY_PREFIX}by_hand`,
    };
    await client.query(`CREATE DATABASE "${database}"`);
    await client.query(`COMMENT ON DATABASE "${database}" IS '${THROWAWAY_MARKER}'`);
    for (const [what, schema] of Object.entries(cases)) {
      await client.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".t (id int)`);
      if (what !== "unmarked") await client.query(`COMMENT ON SCHEMA "${schema}" IS '${THROWAWAY_MARKER}'`);
    }
    try {
      expect(await dropStale(client)).toStrictEqual([
        `database ${database}`,
        ...[cases.deadHere, cases.oldElsewhere].sort().map((s) => `schema ${s}`),
      ]);
      expect(await leftovers()).toStrictEqual([]);
      expect(await schemas()).toStrictEqual(
        [cases.aliveHere, cases.unmarked, cases.newElsewhere, cases.notOurs].sort(),
      );
    } finally {
      await client.query(`DROP DATABASE IF EXISTS "${database}"`);
      for (const schema of Object.values(cases)) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });
});
