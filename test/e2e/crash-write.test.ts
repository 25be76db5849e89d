/**
 * The real CLI killed with SIGKILL in the middle of writing listly v2 over v1
 * (CONTRACTOR_TEST_KILL_AT, see src/pipeline/write.ts), then run again: the recovery leaves the
 * complete old or new build, the next build completes, migration 0001 is never rewritten and the
 * user's files, empty dirs, modes and links are untouched. Three concurrent builds into one out
 * dir all succeed and leave one complete build. Every point of the write is covered in process
 * by test/pipeline/write-fault.test.ts; these are the real kills.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import {
  chmod,
  cp,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { createHash } from "node:crypto";
import { repoRoot } from "../helpers.ts";

const v1 = join(repoRoot, "fixtures/evolution/listly-v1.yaml");
const v2 = join(repoRoot, "fixtures/evolution/listly-v2.yaml");

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, NO_COLOR: "1", ...env } });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.resume();
    child.on("error", fail);
    child.on("exit", (code, signal) => done({ code, signal, stderr }));
  });
}
const contractor = (design: string, out: string, env: Record<string, string> = {}, flags: string[] = []) =>
  run([join(repoRoot, "bin/contractor.js"), "build", design, "--out", out, "--no-engine", ...flags], env);
/** The recovery alone, in a fresh process: what the next build does first. */
const recoverOnly = (out: string) =>
  run([
    "--input-type=module",
    "-e",
    `const m = await import(${JSON.stringify(pathToFileURL(join(repoRoot, "src/pipeline/write.ts")).href)}); await m.recoverOutDir(${JSON.stringify(out)});`,
  ]);

/** Runs `tasks` at most `width` at a time. */
async function pool<T>(tasks: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

const USER = ["notes", "notes/mine.md", "empty", "link.md", "hard.txt"];

/**
 * Owned files (and the dirs holding them), bytes and modes; the user's things are checked apart.
 * `staleLock`: the lock of the killed process may still be there (the next build takes it over).
 */
async function owned(out: string, staleLock = false): Promise<Record<string, string>> {
  const shot: Record<string, string> = {};
  for (const e of await readdir(out, { recursive: true, withFileTypes: true })) {
    const rel = join(e.parentPath, e.name).slice(out.length + 1);
    if (USER.includes(rel)) continue;
    if (rel === ".contractor" || (staleLock && rel === ".contractor/lock")) {
      if (rel === ".contractor")
        expect(
          (await readdir(join(out, rel))).filter((n) => !(staleLock && n === "lock")),
          "scratch space left with something in it",
        ).toStrictEqual([]);
      continue;
    }
    const st = await lstat(join(out, rel));
    shot[rel] = e.isFile()
      ? `${(st.mode & 0o777).toString(8)} sha256:${createHash("sha256")
          .update(await readFile(join(out, rel)))
          .digest("hex")}`
      : `${e.isDirectory() ? "dir" : "other"}`;
  }
  return shot;
}

/** Adds the user's things; returns a check that they are exactly as they were. */
async function addUserThings(out: string): Promise<() => Promise<void>> {
  await mkdir(join(out, "notes"));
  await chmod(join(out, "notes"), 0o700);
  await writeFile(join(out, "notes", "mine.md"), "the user's\n");
  await chmod(join(out, "notes", "mine.md"), 0o600);
  await mkdir(join(out, "empty"));
  await symlink("notes/mine.md", join(out, "link.md"));
  await writeFile(join(out, "..", "outside.txt"), "hard-linked\n");
  await link(join(out, "..", "outside.txt"), join(out, "hard.txt"));
  const was = { mine: await lstat(join(out, "notes", "mine.md")), hard: await lstat(join(out, "hard.txt")) };
  return async () => {
    expect((await stat(join(out, "notes"))).mode & 0o777).toBe(0o700);
    const mine = await lstat(join(out, "notes", "mine.md"));
    expect([mine.ino, mine.mode, mine.mtimeMs]).toStrictEqual([was.mine.ino, was.mine.mode, was.mine.mtimeMs]);
    expect(await readdir(join(out, "empty"))).toStrictEqual([]);
    expect(await readlink(join(out, "link.md"))).toBe("notes/mine.md");
    const hard = await lstat(join(out, "hard.txt"));
    expect([hard.ino, hard.nlink]).toStrictEqual([was.hard.ino, 2]);
  };
}

let root: string;
let oldDir: string;
let refOld: Record<string, string>;
let refNew: Record<string, string>;
let migration0001: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "contractor-crash-"));
  oldDir = join(root, "ref-old");
  // Released, so that v2 appends 0002 instead of regenerating the open 0001.
  const first = await contractor(v1, oldDir, {}, ["--release"]);
  expect(first.code, first.stderr).toBe(0);
  refOld = await owned(oldDir);
  await cp(oldDir, join(root, "ref-new"), { recursive: true });
  const second = await contractor(v2, join(root, "ref-new"));
  expect(second.code, second.stderr).toBe(0);
  refNew = await owned(join(root, "ref-new"));
  migration0001 = refOld["migrations/0001_listly.up.sql"]!;
  expect(refNew["migrations/0001_listly.up.sql"]).toBe(migration0001);
  expect(Object.keys(refNew).filter((p) => p.startsWith("migrations/0002_"))).toHaveLength(2);
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function oldCopy(name: string): Promise<{ out: string; userIntact: () => Promise<void> }> {
  const out = join(root, name, "out");
  await mkdir(join(root, name));
  await cp(oldDir, out, { recursive: true });
  return { out, userIntact: await addUserThings(out) };
}

describe("SIGKILL during the write", () => {
  // The renames are 10 backups (hard links, in path order: at 4 design.json's is made) then 13
  // placements (at 15 the new manifest, CHANGES.md, DESIGN.md, client.ts and design.json are in
  // place, the old migration lock file still is: the mix that would restart history if read as the
  // previous build); committed: the journal is marked done, the cleanup has not run. A kill before
  // any rename (after staging) is covered in process by write-fault.test.ts with every other point.
  const points = ["rename:4", "rename:15", "committed:1"];

  it("the next run recovers the complete old or new build, then builds v2 with the same 0001, user files intact", async () => {
    const outcomes = await pool(
      points.map((point, i) => async () => {
        const { out, userIntact } = await oldCopy(`kill-${i}`);
        const killed = await contractor(v2, out, { CONTRACTOR_TEST_KILL_AT: point });
        expect(killed.signal, `${point}: ${killed.stderr}`).toBe("SIGKILL");
        if (point === "rename:15") {
          // Killed again, while rolling back.
          const again = await contractor(v2, out, { CONTRACTOR_TEST_KILL_AT: "recover:2" });
          expect(again.signal, again.stderr).toBe("SIGKILL");
        }
        const recovered = await recoverOnly(out);
        expect(recovered.code, recovered.stderr).toBe(0);
        const state = await owned(out, /* staleLock */ true);
        await userIntact();
        const rerun = await contractor(v2, out);
        expect(rerun.code, rerun.stderr).toBe(0);
        await userIntact();
        return {
          point,
          state: isDeepStrictEqual(state, refOld) ? "old" : isDeepStrictEqual(state, refNew) ? "new" : "neither",
          final: await owned(out),
        };
      }),
      3,
    );
    expect(outcomes.map((o) => `${o.point} → ${o.state}`)).toStrictEqual(
      points.map((p) => `${p} → ${p === "committed:1" ? "new" : "old"}`),
    );
    for (const o of outcomes) {
      expect(o.final, o.point).toStrictEqual(refNew);
      expect(o.final["migrations/0001_listly.up.sql"]).toBe(migration0001);
    }
  });
});

describe("concurrent builds", () => {
  it("three builds into one out dir all succeed (one at a time) and leave one complete build", async () => {
    const { out, userIntact } = await oldCopy("concurrent");
    const runs = await Promise.all(Array.from({ length: 3 }, () => contractor(v2, out)));
    expect(
      runs.map((r) => r.code),
      runs.map((r) => r.stderr).join("\n"),
    ).toStrictEqual([0, 0, 0]);
    expect(runs.some((r) => /waiting for contractor process \d+ on .+ to finish with /.test(r.stderr))).toBe(true);
    expect(await owned(out)).toStrictEqual(refNew);
    await userIntact();
  });
});
