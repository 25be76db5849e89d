import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import {
  dropDatabase,
  FOREIGN_MAX_AGE_MS,
  HOST_KEY,
  isStale,
  parseThrowawayName,
  pidAlive,
  THROWAWAY_MARKER,
  THROWAWAY_PREFIX,
  throwawayName,
  type SqlClient,
} from "../../../generators/migrations/throwaway.ts";

const now = Date.UTC(2026, 0, 1);
const other = HOST_KEY === "00000000" ? "11111111" : "00000000";
const name = (pid: number, host: string, ms: number) =>
  `${THROWAWAY_PREFIX}${pid}_${host}_${Math.floor(ms / 1000).toString(36)}_0badc0de`;

describe("throw-away names", () => {
  it("carry this process, this host key and the time, and fit PostgreSQL's 63 bytes", () => {
    const n = throwawayName(now);
    expect(n.length).toBeLessThanOrEqual(63);
    expect(parseThrowawayName(n)).toStrictEqual({ pid: process.pid, host: HOST_KEY, createdMs: now });
  });

  it.each([
    ["an older contractor's name", "contractor_check_0a1b2c3d4e5f"],
    ["another prefix", "contractor_test_12_0badc0de_tpeyka_0badc0de"],
    ["upper case", "contractor_check_12_0BADC0DE_tpeyka_0badc0de"],
    ["a suffix", `${name(12, HOST_KEY, now)}_x`],
  ])("other names do not parse: %s", (_what, n) => {
    expect(parseThrowawayName(n)).toBe(undefined);
  });
});

describe("isStale", () => {
  const alive = (pid: number) => pid === 7;
  it.each([
    ["this host, creator gone", name(8, HOST_KEY, now), THROWAWAY_MARKER, now, true],
    ["this host, creator alive", name(7, HOST_KEY, now - 10 * FOREIGN_MAX_AGE_MS), THROWAWAY_MARKER, now, false],
    ["this very process", name(process.pid, HOST_KEY, now), THROWAWAY_MARKER, now, false],
    ["no marker", name(8, HOST_KEY, now), null, now, false],
    ["another comment", name(8, HOST_KEY, now), "keep me", now, false],
    [
      "another host, a day and a second old",
      name(7, other, now - FOREIGN_MAX_AGE_MS - 1000),
      THROWAWAY_MARKER,
      now,
      true,
    ],
    ["another host, younger than a day", name(8, other, now - FOREIGN_MAX_AGE_MS + 1000), THROWAWAY_MARKER, now, false],
    ["not a throw-away name", `${THROWAWAY_PREFIX}mine`, THROWAWAY_MARKER, now, false],
  ] as const)("%s", (_what, n, comment, at, want) => {
    expect(isStale(n, comment, at, alive)).toBe(want);
  });

  it("pidAlive: this process yes, an exited (reaped) child no", () => {
    expect(pidAlive(process.pid)).toBe(true);
    expect(pidAlive(spawnSync(process.execPath, ["-e", ""]).pid)).toBe(false);
  });
});

describe("dropDatabase", () => {
  const recorder = (version: number, busy: number) => {
    const sent: string[] = [];
    const client: SqlClient = {
      query: async (sql) => {
        sent.push(sql.replace(/\s+/g, " "));
        if (sql.includes("server_version_num")) return { rows: [{ v: String(version) }] };
        if (sql.startsWith("DROP DATABASE") && busy-- > 0)
          throw Object.assign(new Error("being accessed"), { code: "55006" });
        return { rows: [] };
      },
    };
    return { client, sent };
  };

  it("PostgreSQL 13+: one DROP … WITH (FORCE)", async () => {
    const { client, sent } = recorder(150004, 0);
    await dropDatabase(client, "contractor_check_x");
    expect(sent.slice(1)).toStrictEqual([`DROP DATABASE IF EXISTS "contractor_check_x" WITH (FORCE)`]);
  });

  it("before 13: ends the sessions, then drops, again while one lingers", async () => {
    const { client, sent } = recorder(120010, 1);
    await dropDatabase(client, "contractor_check_x");
    const end = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()";
    expect(sent.slice(1)).toStrictEqual([
      end,
      `DROP DATABASE IF EXISTS "contractor_check_x"`,
      end,
      `DROP DATABASE IF EXISTS "contractor_check_x"`,
    ]);
  });
});
