/**
 * The migration chain proven equal to the design (chain.ts, in the SQL check): the tamper test. listly v1 is built
 * into an out dir, its `0001` is edited by hand (`"title" varchar(200)` → `varchar(10)`), with the
 * lock hash updated to match or left as it was, and v2 (or v1 again) is built on top.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../../src/pipeline/build.ts";
import { LOCK_FILE, sha256 } from "../../../generators/migrations/history.ts";
import { chainDifferences } from "../../../generators/migrations/chain.ts";
import { readMigrations } from "../../../generators/migrations/format.ts";
import { repoRoot } from "../../helpers.ts";

const fixture = (v: string) => `${repoRoot}fixtures/evolution/listly-${v}.yaml`;
const UP = "migrations/0001_listly.up.sql";
let root: string;
let built: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "contractor-chain-"));
  built = join(root, "v1");
  const r = await build({ file: fixture("v1") }, { out: built, release: true });
  expect(r.ok).toBe(true);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A copy of the v1 out dir with `0001`'s items.title narrowed; the lock updated to match when `relock`. */
async function tampered(name: string, relock: boolean): Promise<string> {
  const out = join(root, name);
  await cp(built, out, { recursive: true });
  const path = join(out, UP);
  const text = await readFile(path, "utf8");
  const edited = text.replace(`"title" varchar(200) NOT NULL,\n  "note"`, `"title" varchar(10) NOT NULL,\n  "note"`);
  expect(edited).not.toBe(text);
  await writeFile(path, edited);
  if (relock) {
    const lock = JSON.parse(await readFile(join(out, LOCK_FILE), "utf8")) as {
      migrations: Array<{ files: Record<string, string> }>;
    };
    lock.migrations[0]!.files[UP] = sha256(edited);
    await writeFile(join(out, LOCK_FILE), JSON.stringify(lock, null, 2) + "\n");
  }
  return out;
}

const NAMED = `${UP}:1  error  migration-chain-differs  the migrations applied in order do not give the schema of the design: column "items"."title" differs: character varying(10) NOT NULL ≠ character varying(200) NOT NULL (migrations ≠ design)`;

describe("an edited 0001", () => {
  it("lock hash updated, v2 built on top with the CLI: exit 1, the differing column named", async () => {
    const out = await tampered("relocked-v2", true);
    const before = await readFile(join(out, LOCK_FILE), "utf8");
    const r = spawnSync(process.execPath, [join(repoRoot, "bin/contractor.js"), "build", fixture("v2"), "--out", out], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain(NAMED);
    expect(r.stdout.match(/ error /g)).toHaveLength(1);
    // Nothing written: no 0002 appended to a chain that disagrees with the design.
    expect(await readFile(join(out, LOCK_FILE), "utf8")).toBe(before);
  });

  it("lock hash updated, the same design built again (one migration): the chain is still compared", async () => {
    const out = await tampered("relocked-v1", true);
    const r = await build({ file: fixture("v1") }, { out });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.path])).toStrictEqual([
      ["migration-chain-differs", `${UP}:1`],
    ]);
    expect(r.diagnostics.find((d) => d.code === "migration-chain-differs")!.message).toContain(
      `column "items"."title" differs: character varying(10) NOT NULL ≠ character varying(200) NOT NULL`,
    );
  });

  it("lock hash not updated: migration-tampered, before any check runs", async () => {
    const out = await tampered("edited", false);
    const r = await build({ file: fixture("v2") }, { out });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.path])).toStrictEqual([
      ["migration-tampered", `${UP}:1`],
    ]);
  });

  it("untouched: v2 on top passes, the chain compared on the engine", async () => {
    const out = join(root, "clean");
    await cp(built, out, { recursive: true });
    const steps: string[] = [];
    const r = await build({ file: fixture("v2") }, { out, onStep: (s) => steps.push(`${s.step} ${s.detail ?? ""}`) });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toStrictEqual([]);
    expect(steps.find((s) => s.startsWith("check sql"))).toContain("migration chain = design");
  });
});

describe("no engine run when the chain is the fresh migration by construction", () => {
  it("the same design rebuilt over its one untouched migration", async () => {
    const out = join(root, "again");
    await cp(built, out, { recursive: true });
    const steps: string[] = [];
    const r = await build({ file: fixture("v1") }, { out, onStep: (s) => steps.push(`${s.step} ${s.detail ?? ""}`) });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toStrictEqual([]);
    expect(steps.find((s) => s.startsWith("check sql"))).toMatch(/round trip ok in/);
  });
});

describe("chainDifferences", () => {
  const files = [
    { path: "migrations/0001_a.up.sql", contents: `CREATE TABLE "items" ("title" varchar(10));\n` },
    { path: "migrations/0002_b.up.sql", contents: `ALTER TABLE "items" ADD COLUMN "due" date;\n` },
  ];
  const chain = readMigrations(files, "golang-migrate");
  const fresh = new Map([
    ['column "items"."due"', "date"],
    ['column "items"."title"', "character varying(20)"],
    ['table "items"', "exists"],
  ]);

  it.each([
    ["equal", fresh, []],
    [
      "a column differs (named in 0001)",
      new Map([...fresh, ['column "items"."title"', "character varying(10)"]]),
      [
        "migrations/0001_a.up.sql:1",
        `column "items"."title" differs: character varying(10) ≠ character varying(20)`,
        "",
      ],
    ],
    [
      "missing, and one more difference",
      new Map([
        ['table "items"', "exists"],
        ['index "x"', "CREATE INDEX"],
      ]),
      ["migrations/0002_b.up.sql:1", `column "items"."due" is missing`, " (and 2 more differences)"],
    ],
    [
      "PostgreSQL's NOT NULL constraint names are not compared",
      new Map([...fresh, ['constraint "old_title_not_null" on "items"', "NOT NULL title"]]),
      [],
    ],
  ] as const)("%s", (_what, got, want) => {
    const found = chainDifferences(got, fresh, chain, files);
    if (want.length === 0) return expect(found).toStrictEqual([]);
    expect(found.map((d) => [d.code, d.path])).toStrictEqual([["migration-chain-differs", want[0]]]);
    expect(found[0]!.message).toContain(`design: ${want[1]} (migrations ≠ design)${want[2]}. An earlier`);
  });
});
