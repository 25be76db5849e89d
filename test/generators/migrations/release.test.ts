/**
 * The release flow (history.ts): the newest migration stays open — regenerated from the released
 * design on every build — until `build --release` seals it; the next schema change then appends
 * the next migration. Edit → build → release → edit → build, on the starter design, through the
 * library and the CLI's `main`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, type BuildOptions } from "../../../src/pipeline/build.ts";
import { main } from "../../../src/cli/main.ts";
import { LOCK_FILE, RELEASED_FILE } from "../../../generators/migrations/history.ts";
import { repoRoot } from "../../helpers.ts";

const ARCHIVED = "        - { name: archived, type: boolean, default: { kind: literal, value: false } }\n";
const color = (maxLength: number) =>
  `        - { name: color, type: string, maxLength: ${maxLength}, nullable: true }\n`;
const UP1 = "migrations/0001_habits.up.sql";

let root: string;
let v1: string;
/** v1 with Habit.color of this length. */
const withColor = (maxLength: number) => v1.replace(ARCHIVED, ARCHIVED + color(maxLength));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "contractor-release-"));
  v1 = await readFile(join(repoRoot, "templates/design.yaml"), "utf8");
  expect(v1).toContain(ARCHIVED);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile())
      out[join(e.parentPath, e.name).slice(dir.length + 1)] = await readFile(join(e.parentPath, e.name), "utf8");
  }
  return out;
}
const migrations = (t: Record<string, string>) =>
  Object.keys(t)
    .filter((p) => /^migrations\/\d{4}_/.test(p))
    .sort();
const lockOf = (t: Record<string, string>) =>
  JSON.parse(t[LOCK_FILE]!) as { released?: number; migrations: Array<{ name: string }> };
const errors = (r: { diagnostics: Array<{ code: string; severity: string }> }) =>
  r.diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
const codes = (r: { diagnostics: Array<{ code: string }> }) => r.diagnostics.map((d) => d.code);

/** Writes `text` as the design of `dir` and builds it into `dir/out` (no engine unless asked). */
async function buildText(dir: string, text: string, options: BuildOptions = {}) {
  const file = join(dir, "design.yaml");
  await writeFile(file, text);
  return build({ file }, { out: join(dir, "out"), engine: false, ...options });
}

/** `contractor build <dir>/design.yaml --out <dir>/out …` in-process: exit code and stderr. */
async function cli(dir: string, ...flags: string[]) {
  let stderr = "";
  const code = await main(["build", join(dir, "design.yaml"), "--out", join(dir, "out"), "--no-engine", ...flags], {
    stdout: () => undefined,
    stderr: (t) => void (stderr += t),
    color: false,
  });
  return { code, stderr };
}

describe("edit → build → release → edit → build", () => {
  it("keeps one open migration until the release, then appends the next", { timeout: 60_000 }, async () => {
    const dir = join(root, "flow");
    const out = join(dir, "out");
    await mkdir(dir);

    // First build: 0001 is open (nothing released), no released design, no report.
    expect(errors(await buildText(dir, v1))).toStrictEqual([]);
    const t1 = await tree(out);
    expect(migrations(t1)).toStrictEqual(["migrations/0001_habits.down.sql", UP1]);
    expect(lockOf(t1).released).toBe(0);
    expect(t1[RELEASED_FILE]).toBeUndefined();
    expect(t1["CHANGES.md"]).toBeUndefined();

    // Edit: the field lands in 0001, regenerated; no 0002.
    expect(errors(await buildText(dir, withColor(7)))).toStrictEqual([]);
    const t2 = await tree(out);
    expect(migrations(t2)).toStrictEqual(["migrations/0001_habits.down.sql", UP1]);
    expect(t2[UP1]).toContain(`"color" varchar(7)`);

    // Correcting the never-released column is not destructive (narrowing it would be, once released).
    const corrected = await buildText(dir, withColor(6));
    expect(codes(corrected).filter((c) => c.startsWith("destructive"))).toStrictEqual([]);
    expect(errors(corrected)).toStrictEqual([]);
    const t3 = await tree(out);
    expect(t3[UP1]).toContain(`"color" varchar(6)`);
    expect(t3[UP1]).not.toContain(`varchar(7)`);

    // Release: 0001 sealed as it is, the released design recorded.
    const released = await cli(dir, "--release");
    expect(released.code, released.stderr).toBe(0);
    expect(released.stderr).toContain("released migration 0001_habits");
    const t4 = await tree(out);
    expect(t4[UP1]).toBe(t3[UP1]);
    expect(lockOf(t4).released).toBe(1);
    expect(t4[RELEASED_FILE]).toBe(t4["design.json"]);

    // Releasing again: nothing open, nothing changes.
    const again = await cli(dir, "--release");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("nothing to release: no open migration");
    expect(await tree(out)).toStrictEqual(t4);

    // Edit after the release: 0002 appended and open; 0001 byte for byte the released one.
    const due = (text: string) =>
      text.replace(
        color(6),
        color(6) + "        - { name: target, type: integer, minimum: 1, maximum: 7, nullable: true }\n",
      );
    const next = await buildText(dir, due(withColor(6)), { engine: true });
    expect(errors(next)).toStrictEqual([]);
    const t5 = await tree(out);
    expect(migrations(t5)).toStrictEqual([
      "migrations/0001_habits.down.sql",
      UP1,
      "migrations/0002_add_habits_target.down.sql",
      "migrations/0002_add_habits_target.up.sql",
    ]);
    for (const p of migrations(t4)) expect(t5[p]).toBe(t4[p]);
    expect(t5[RELEASED_FILE]).toBe(t4[RELEASED_FILE]);
    expect(lockOf(t5)).toMatchObject({
      released: 1,
      migrations: [{ name: "0001_habits" }, { name: "0002_add_habits_target" }],
    });
    expect(t5["CHANGES.md"]).toContain("0002_add_habits_target");
    const open = await cli(dir);
    expect(open.stderr).toContain("migration 0002_add_habits_target is open");

    // A hand edit of the open migration is refused, not overwritten; deleted, it is regenerated.
    const up2 = join(out, "migrations/0002_add_habits_target.up.sql");
    await writeFile(up2, t5["migrations/0002_add_habits_target.up.sql"] + "-- mine\n");
    const edited = await buildText(dir, due(withColor(6)));
    expect(errors(edited)).toStrictEqual(["migration-tampered"]);
    expect(edited.diagnostics.find((d) => d.code === "migration-tampered")!.message).toContain(
      "open migration 0002_add_habits_target",
    );
    await rm(up2);
    expect(errors(await buildText(dir, due(withColor(6))))).toStrictEqual([]);
    expect(await tree(out)).toStrictEqual(t5);

    // Back to the released design: the open migration and its report disappear.
    expect(errors(await buildText(dir, withColor(6)))).toStrictEqual([]);
    const t6 = await tree(out);
    expect(migrations(t6)).toStrictEqual(migrations(t4));
    expect(t6["CHANGES.md"]).toBeUndefined();
    expect(t6[LOCK_FILE]).toBe(t4[LOCK_FILE]);

    // Released, the column is sealed: narrowing it now is destructive.
    const narrowed = await buildText(dir, withColor(5));
    expect(errors(narrowed)).toStrictEqual(["destructive-type-narrowing"]);
  });
});

describe("a lock written before releases (no `released`)", () => {
  it("counts every migration as released: an unchanged design keeps the lock, a change appends", {
    timeout: 60_000,
  }, async () => {
    const dir = join(root, "old");
    const out = join(dir, "out");
    await mkdir(dir);
    expect(errors(await buildText(dir, v1))).toStrictEqual([]);
    // What an earlier contractor wrote: a lock without `released`, no released design.
    const lock = lockOf(await tree(out));
    delete lock.released;
    const oldLock = JSON.stringify(lock, null, 2) + "\n";
    await writeFile(join(out, LOCK_FILE), oldLock);
    const before = await tree(out);

    expect(errors(await buildText(dir, v1))).toStrictEqual([]);
    expect((await tree(out))[LOCK_FILE]).toBe(oldLock);

    expect(errors(await buildText(dir, withColor(7)))).toStrictEqual([]);
    const after = await tree(out);
    expect(after[UP1]).toBe(before[UP1]);
    expect(migrations(after)).toContain("migrations/0002_add_habits_color.up.sql");
    expect(lockOf(after).released).toBe(1);
    expect(after[RELEASED_FILE]).toBe(before["design.json"]);
  });
});

describe("determinism", () => {
  it("the same designs and releases give the same bytes", { timeout: 60_000 }, async () => {
    const run = async (name: string) => {
      const dir = join(root, name);
      await mkdir(dir);
      expect(errors(await buildText(dir, v1, { release: true }))).toStrictEqual([]);
      expect(errors(await buildText(dir, withColor(7)))).toStrictEqual([]);
      return tree(join(dir, "out"));
    };
    const [a, b] = [await run("same-a"), await run("same-b")];
    expect(migrations(a)).toContain("migrations/0002_add_habits_color.up.sql");
    expect(a).toStrictEqual(b);
  });
});
