/**
 * The write stopped at every point it has, in process: a simulated kill (nothing after it runs,
 * as with SIGKILL) followed by the next run's recovery, and a file-system error (rolled back at
 * once). The out dir must always be exactly the complete old or the complete new build, with the
 * user's files, empty dirs, modes, links and hard links as they were. test/e2e/crash-write.test.ts
 * does the same with real SIGKILLs of the CLI at a few of these points.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chmod,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  faults,
  recoverOutDir,
  SimulatedKill,
  writeOutDir,
  WORK_DIR,
  type FaultPoint,
} from "../../src/pipeline/write.ts";
import { errno, failingAt } from "./out-dir-cases.ts";

const files = (entries: Record<string, string>) =>
  Object.entries(entries).map(([path, contents]) => ({ path, contents }));

const OLD = files({
  "design.json": '{"v":1}\n',
  "migrations/0001_init.up.sql": "create table a (id int);\n",
  "migrations/contractor.lock.json": '{"migrations":1}\n',
  "same.txt": "unchanged\n",
  "gone.txt": "no longer generated\n",
  "deep/a/b.txt": "old\n",
});
const NEW = files({
  "design.json": '{"v":2}\n',
  "migrations/0001_init.up.sql": "create table a (id int);\n",
  "migrations/0002_more.up.sql": "alter table a add column b int;\n",
  "migrations/contractor.lock.json": '{"migrations":2}\n',
  "same.txt": "unchanged\n",
  "deep/a/b.txt": "new\n",
  "fresh/sub/x.txt": "x\n",
});

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "contractor-fault-"));
});
afterAll(async () => {
  delete faults.hook;
  await rm(root, { recursive: true, force: true });
});

let count = 0;
/** A fresh out dir holding the old build and the user's things. */
async function oldOutDir(): Promise<string> {
  const dir = join(root, `case-${++count}`);
  const out = join(dir, "out");
  await mkdir(out, { recursive: true });
  await writeOutDir(out, OLD);
  await chmod(join(out, "design.json"), 0o640);
  await mkdir(join(out, "notes"));
  await writeFile(join(out, "notes", "mine.md"), "the user's\n");
  await chmod(join(out, "notes", "mine.md"), 0o600);
  await mkdir(join(out, "empty"));
  await chmod(join(out, "empty"), 0o700);
  await mkdir(join(out, "migrations", "applied"));
  await symlink("notes/mine.md", join(out, "link.md"));
  await writeFile(join(dir, "outside.txt"), "hard-linked\n");
  await link(join(dir, "outside.txt"), join(out, "hard.txt"));
  return out;
}

/** Everything observable in the out dir: type, mode, bytes or link target; inode of the user's files. */
async function snapshot(out: string): Promise<Record<string, string>> {
  const shot: Record<string, string> = {};
  for (const e of await readdir(out, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name);
    const rel = p.slice(out.length + 1);
    const st = await lstat(p);
    const mode = (st.mode & 0o7777).toString(8);
    if (rel === WORK_DIR) {
      // Scratch space may stay behind empty; never with anything in it.
      expect(await readdir(p)).toStrictEqual([]);
      continue;
    }
    if (e.isSymbolicLink()) shot[rel] = `link ${await readlink(p)}`;
    else if (e.isDirectory()) shot[rel] = `dir ${mode}`;
    else {
      const user = ["notes/mine.md", "hard.txt"].includes(rel);
      shot[rel] =
        `file ${mode} ${JSON.stringify(await readFile(p, "utf8"))}${user ? ` ino ${st.ino} nlink ${st.nlink}` : ""}`;
    }
  }
  return shot;
}

/** Every (point, n) a complete write reaches, in order. */
async function points(): Promise<Array<[FaultPoint, number]>> {
  const seen: Array<[FaultPoint, number]> = [];
  const out = await oldOutDir();
  faults.hook = (p, n) => void seen.push([p, n]);
  try {
    await writeOutDir(out, NEW);
  } finally {
    delete faults.hook;
  }
  return seen;
}

/** The old and new builds as a clean run leaves them (user's inodes differ per case, so per case). */
async function expected(out: string) {
  const old = await snapshot(out);
  const copy = await oldOutDir();
  await writeOutDir(copy, NEW);
  const fresh = await snapshot(copy);
  // The user's inodes are those of this case's files; everything else comes from the clean run.
  const userIno = (shot: Record<string, string>) =>
    Object.fromEntries(Object.entries(shot).map(([k, v]) => [k, v.replace(/ ino \d+/, " ino ?")]));
  return { old: userIno(old), new: userIno(fresh), userIno };
}

describe("a write stopped at any point", () => {
  let all: Array<[FaultPoint, number]>;
  beforeAll(async () => {
    all = await points();
  });

  it("reaches every step of the write: staged, journal, each rename, synced, committed, cleanup", () => {
    const names = all.map(([p, n]) => `${p}:${n}`);
    // 4 changed files (the manifest among them): a backup and a placement each; 1 removed: its
    // backup; 2 new: their placement. 11 renames.
    expect(names).toStrictEqual([
      "staged:1",
      "journal:1",
      ...Array.from({ length: 11 }, (_, i) => `rename:${i + 1}`),
      "synced:1",
      "committed:1",
      "cleanup:1",
    ]);
  });

  it("killed at each point, the next run's recovery leaves the complete old (before the commit) or new build", async () => {
    for (const [point, n] of all) {
      const out = await oldOutDir();
      const want = await expected(out);
      await expect(failingAt(point, n, new SimulatedKill(), () => writeOutDir(out, NEW))).rejects.toBeInstanceOf(
        SimulatedKill,
      );
      await recoverOutDir(out);
      const committed = point === "committed" || point === "cleanup";
      expect(want.userIno(await snapshot(out)), `killed at ${point}:${n}`).toStrictEqual(
        committed ? want.new : want.old,
      );
      // The user's files are the very same inodes, not copies.
      expect((await lstat(join(out, "notes", "mine.md"))).ino).toBe(
        Number(/ino (\d+)/.exec((await snapshot(out))["notes/mine.md"]!)![1]),
      );
      // And the next build completes.
      await writeOutDir(out, NEW);
      expect(want.userIno(await snapshot(out)), `rebuilt after ${point}:${n}`).toStrictEqual(want.new);
    }
  });

  it("killed again during the recovery, at each of its steps, the run after that still recovers", async () => {
    const mid = all.filter(([p]) => p === "rename").at(-2)!;
    const probe = await oldOutDir();
    await expect(failingAt(mid[0], mid[1], new SimulatedKill(), () => writeOutDir(probe, NEW))).rejects.toBeInstanceOf(
      SimulatedKill,
    );
    const steps: number[] = [];
    faults.hook = (p, n) => void (p === "recover" && steps.push(n));
    await recoverOutDir(probe).finally(() => delete faults.hook);
    expect(steps.length).toBeGreaterThan(3);
    for (const k of steps) {
      const out = await oldOutDir();
      const want = await expected(out);
      await expect(failingAt(mid[0], mid[1], new SimulatedKill(), () => writeOutDir(out, NEW))).rejects.toBeInstanceOf(
        SimulatedKill,
      );
      await expect(failingAt("recover", k, new SimulatedKill(), () => recoverOutDir(out))).rejects.toBeInstanceOf(
        SimulatedKill,
      );
      expect(await recoverOutDir(out)).toBe(true);
      expect(want.userIno(await snapshot(out)), `recovery killed at recover:${k}`).toStrictEqual(want.old);
    }
  });

  it("a file-system error at each point before the commit is rolled back at once; after it, the new build stands", async () => {
    for (const [point, n] of all) {
      const out = await oldOutDir();
      const want = await expected(out);
      const error = errno("ENOSPC", "write", join(out, "x"));
      const committed = point === "committed" || point === "cleanup";
      await expect(failingAt(point, n, error, () => writeOutDir(out, NEW))).rejects.toBe(error);
      if (committed) await recoverOutDir(out);
      expect(want.userIno(await snapshot(out)), `failed at ${point}:${n}`).toStrictEqual(
        committed ? want.new : want.old,
      );
    }
  });

  it("a new file is removed by a rollback only when it is the one the write placed", async () => {
    const out = await oldOutDir();
    const placed = all.filter(([p]) => p === "rename").at(-1)!;
    await expect(
      failingAt(placed[0], placed[1], new SimulatedKill(), () => writeOutDir(out, NEW)),
    ).rejects.toBeInstanceOf(SimulatedKill);
    // Someone replaced a new file before the recovery ran: it is left alone.
    await writeFile(join(out, "migrations", "0002_more.up.sql"), "edited by hand\n");
    await recoverOutDir(out);
    expect(await readFile(join(out, "migrations", "0002_more.up.sql"), "utf8")).toBe("edited by hand\n");
    expect(await readFile(join(out, "design.json"), "utf8")).toBe('{"v":1}\n');
  });
});
