/**
 * Writing the out dir: only the files the build owns, crash-safely, under a journal.
 *
 * The build owns the files it generates and the files the previous build listed in
 * `.contractor-manifest.json`; nothing else in the out dir is opened, copied, moved or re-moded.
 * contractor's own scratch space is `<out>/.contractor/` (same file system, so renames are atomic):
 *
 *  1. stage each changed file in `.contractor/staging-<id>/` (written, fsynced; the mode of the
 *     file it replaces is kept);
 *  2. write the journal `.contractor/journal.json` (via a temporary name, fsynced): for each path
 *     the sha256 of the new contents (null: removed) and where the old file is kept (`absent`);
 *  3. keep every old file in `.contractor/backup-<id>/` (a hard link, so the path is never
 *     empty; a rename where links are not supported; owned files no longer generated are moved
 *     there), fsync the backup directories, then rename each staged file over its path;
 *  4. fsync the touched directories, then commit: rename the journal to `committed.json`;
 *  5. remove backups and staging, then `committed.json`.
 *
 * Recovery (`recoverOutDir`, run under the lock before the previous build is read): a
 * `journal.json` means the write did not commit, so it is rolled back (each backup renamed onto
 * its path, each new file of a path that had none removed); a `committed.json` means it did, so
 * it is rolled forward (backups and staging removed). Both are idempotent, so a kill during
 * recovery is recovered by the next run. Either way the out dir holds exactly the complete
 * old or the complete new build.
 *
 * Unchanged owned files are not touched (same inode, links and times). A changed owned file is
 * replaced by a new inode with the old one's permission bits: another hard link to the old file
 * keeps the old bytes.
 *
 * What holds: after a kill at any instant (SIGKILL, Ctrl-C, a crash), the next build under the
 * lock sees the complete old or the complete new build. After a power loss the same holds as far
 * as the file system honours fsync on files and directories (ext4, XFS, APFS do): every staged
 * file and the journal are fsynced before the first rename, every backup before the first
 * placement, every placement before the commit. What does not: a reader outside contractor
 * that looks mid-write sees some files new and some old (each file is always whole); a file
 * system without hard links leaves a path empty between its backup and its placement; an owned
 * directory reached through a link onto another file system cannot be renamed into (EXDEV,
 * reported as `fs-error`).
 */
import { link, lstat, mkdir, open, readdir, rename, rm, rmdir, stat, unlink, constants } from "node:fs/promises";
import { createHash, randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import type { GeneratedFile, PreviousBuild } from "../core/artifact.ts";
import { assert } from "../design/diagnostics.ts";
import { OutDirProblem, isSystemError } from "./fs-errors.ts";

export const MANIFEST = ".contractor-manifest.json";
/** contractor's scratch space inside the out dir: lock, journal, staging, backups. */
export const WORK_DIR = ".contractor";
const JOURNAL = "journal.json";
const COMMITTED = "committed.json";

interface Manifest {
  generator: "contractor";
  files: string[];
}

interface JournalEntry {
  path: string;
  /** sha256 of the new contents; null when the file is removed. */
  sha256: string | null;
  /** The old file's place under `.contractor/`, or "absent" when the path had no file. */
  backup: string;
}

interface Journal {
  version: 1;
  id: string;
  /** Directories the write creates in the out dir (removed again, when empty, by a rollback). */
  dirs: string[];
  entries: JournalEntry[];
}

// ---- Test-only fault injection -------------------------------------------------------------
// The fault tests stop the write at every named point. `CONTRACTOR_TEST_KILL_AT=<point>:<n>`
// makes the process SIGKILL itself the n-th time it reaches <point> (the crash test spawns the
// real CLI with it); `faults.hook` lets an in-process test throw there instead. Neither is set
// outside tests.

export type FaultPoint = "staged" | "journal" | "rename" | "synced" | "committed" | "cleanup" | "recover";

/** Test-only: thrown by an in-process fault hook to stand for a kill (no rollback runs after it). */
export class SimulatedKill extends Error {}

export const faults: { hook?: (point: FaultPoint, n: number) => void } = {};

function faultCounter(): (point: FaultPoint) => void {
  const counts = new Map<FaultPoint, number>();
  const killAt = process.env.CONTRACTOR_TEST_KILL_AT;
  return (point) => {
    const n = (counts.get(point) ?? 0) + 1;
    counts.set(point, n);
    if (killAt === `${point}:${n}`) process.kill(process.pid, "SIGKILL");
    faults.hook?.(point, n);
  };
}

// ---- Reading owned files safely --------------------------------------------------------------

function isSafeRelative(p: string): boolean {
  return !p.startsWith("/") && !p.split("/").some((s) => s === ".." || s === "" || s === ".");
}

/**
 * The contents of an owned file, or undefined when there is none. Opened without following a
 * link and without blocking, and checked to be a regular file before a byte is read: a FIFO or a
 * device where an owned file belongs is reported, never read.
 */
async function readOwned(outDir: string, path: string): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(join(outDir, path), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (isSystemError(error) && error.code === "ENOENT") return undefined;
    if (isSystemError(error) && (error.code === "ELOOP" || error.code === "EMLINK"))
      throw notRegular(outDir, path, "a symbolic link");
    throw error;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile())
      throw notRegular(
        outDir,
        path,
        st.isDirectory() ? "a directory" : st.isFIFO() ? "a FIFO" : st.isSocket() ? "a socket" : "a device",
      );
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

function notRegular(outDir: string, path: string, what: string): OutDirProblem {
  return new OutDirProblem(
    "out-file-not-regular",
    `${join(outDir, path)} is ${what}, not a regular file; contractor owns this path and never opens anything else there: remove it`,
    join(outDir, path),
  );
}

async function readManifest(outDir: string): Promise<string[]> {
  const raw = await readOwned(outDir, MANIFEST);
  if (raw === undefined) return [];
  try {
    const m = JSON.parse(raw.toString("utf8")) as Manifest;
    return Array.isArray(m.files)
      ? m.files.filter((f) => typeof f === "string" && isSafeRelative(f) && !f.startsWith(`${WORK_DIR}/`))
      : [];
  } catch {
    return [];
  }
}

export async function readPrevious(outDir: string): Promise<PreviousBuild | undefined> {
  const owned = await readManifest(outDir);
  if (owned.length === 0) return undefined;
  const files = new Map<string, string>();
  for (const path of owned) {
    // A missing owned file is the evolution check's business; here it is simply absent.
    const raw = await readOwned(outDir, path);
    if (raw !== undefined) files.set(path, raw.toString("utf8"));
  }
  const designJson = files.get("design.json");
  return { files, ...(designJson !== undefined ? { designJson } : {}) };
}

function manifestFile(files: readonly GeneratedFile[]): GeneratedFile {
  const m: Manifest = { generator: "contractor", files: files.map((f) => f.path).sort() };
  return { path: MANIFEST, contents: JSON.stringify(m, null, 2) + "\n" };
}

// ---- Durability helpers ------------------------------------------------------------------------

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch (error) {
    if (isSystemError(error) && (error.code === "ENOENT" || error.code === "ENOTDIR")) return false;
    throw error;
  }
}

/** fsync a directory, so the renames in it survive a power loss (not every file system can). */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } catch (error) {
    if (!(isSystemError(error) && (error.code === "EINVAL" || error.code === "ENOTSUP"))) throw error;
  } finally {
    await handle.close();
  }
}

async function writeDurably(path: string, contents: string, mode?: number): Promise<void> {
  const handle = await open(path, "wx", 0o666);
  try {
    await handle.writeFile(contents);
    if (mode !== undefined) await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Directories of `path` (relative, `/`-separated), outermost first: `a/b/c.txt` → a, a/b. */
function parents(path: string): string[] {
  const parts = path.split("/").slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}

// ---- The write -----------------------------------------------------------------------------------

/**
 * Replaces the build's files in `outDir` (an existing, resolved directory, held under the lock)
 * crash-safely; files the build does not own are not touched. See the module comment.
 */
export async function writeOutDir(outDir: string, files: readonly GeneratedFile[]): Promise<void> {
  const reached = faultCounter();
  const wanted = [...files, manifestFile(files)];
  for (const f of wanted)
    assert(
      isSafeRelative(f.path) && !f.path.startsWith(`${WORK_DIR}/`) && f.path !== WORK_DIR,
      `unsafe output path ${f.path}`,
    );
  const previous = await readManifest(outDir);
  const owned = new Set([...previous, MANIFEST]);
  const id = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const staging = `staging-${id}`;
  const backups = `backup-${id}`;
  const work = join(outDir, WORK_DIR);

  // Plan: every path changes only if its bytes do; what is there must be a regular file we own.
  const entries: JournalEntry[] = [];
  const modes = new Map<string, number>();
  const dirs: string[] = [];
  const checkedDirs = new Set<string>();
  const planDirs = async (path: string) => {
    for (const dir of parents(path)) {
      if (checkedDirs.has(dir)) continue;
      checkedDirs.add(dir);
      let st;
      try {
        st = await lstat(join(outDir, dir));
      } catch (error) {
        if (!(isSystemError(error) && error.code === "ENOENT")) throw error;
        dirs.push(dir);
        continue;
      }
      // A directory the user made a link to another directory is written through.
      if (st.isSymbolicLink()) st = await stat(join(outDir, dir)).catch(() => st!);
      if (!st.isDirectory())
        throw new OutDirProblem(
          "out-not-a-directory",
          `${join(outDir, dir)} is not a directory, but generated files go into it: remove it`,
          join(outDir, dir),
        );
    }
  };
  for (const f of wanted) {
    await planDirs(f.path);
    const old = dirs.some((d) => f.path.startsWith(d + "/")) ? undefined : await readOwned(outDir, f.path);
    if (old !== undefined && old.equals(Buffer.from(f.contents, "utf8"))) continue;
    if (old !== undefined && !owned.has(f.path)) {
      throw new OutDirProblem(
        "out-file-not-owned",
        `${join(outDir, f.path)} exists and was not written by contractor (it is not in ${MANIFEST}); move it away or choose another --out`,
        join(outDir, f.path),
      );
    }
    if (old !== undefined) modes.set(f.path, (await lstat(join(outDir, f.path))).mode & 0o777);
    entries.push({
      path: f.path,
      sha256: sha256(f.contents),
      backup: old !== undefined ? `${backups}/${f.path}` : "absent",
    });
  }
  const generated = new Set(wanted.map((f) => f.path));
  for (const path of previous) {
    if (generated.has(path)) continue;
    let st;
    try {
      st = await lstat(join(outDir, path));
    } catch (error) {
      if (isSystemError(error) && (error.code === "ENOENT" || error.code === "ENOTDIR")) continue;
      throw error;
    }
    // Something else now stands where a file of ours was (a directory, a link): it is not ours.
    if (st.isFile()) entries.push({ path, sha256: null, backup: `${backups}/${path}` });
  }
  if (entries.length === 0) return;
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  await mkdir(work, { recursive: true });
  try {
    // 1. Stage.
    const contents = new Map(wanted.map((f) => [f.path, f.contents]));
    for (const e of entries) {
      if (e.sha256 === null) continue;
      const dest = join(work, staging, e.path);
      await mkdir(dirname(dest), { recursive: true });
      await writeDurably(dest, contents.get(e.path)!, modes.get(e.path));
    }
    reached("staged");

    // 2. Journal.
    const journal: Journal = { version: 1, id, dirs, entries };
    const tmp = join(work, `journal-${id}.tmp`);
    await writeDurably(tmp, JSON.stringify(journal, null, 2) + "\n");
    await rename(tmp, join(work, JOURNAL));
    await syncDir(work);
    reached("journal");

    // 3. Per-file renames: first every old file is kept in the backup (and that made durable),
    // then every new file is renamed into place, so no placement can outlive its backup.
    for (const dir of dirs) await mkdir(join(outDir, dir));
    const backedUp = new Set<string>();
    for (const e of entries) {
      if (e.backup === "absent") continue;
      const target = join(outDir, e.path);
      const backup = join(work, e.backup);
      await mkdir(dirname(backup), { recursive: true });
      backedUp.add(dirname(backup));
      if (e.sha256 === null) {
        await rename(target, backup);
        backedUp.add(dirname(target));
      } else {
        try {
          await link(target, backup);
        } catch (error) {
          if (!(isSystemError(error) && ["EPERM", "ENOTSUP", "EOPNOTSUPP", "EMLINK", "ENOSYS"].includes(error.code)))
            throw error;
          await rename(target, backup);
          backedUp.add(dirname(target));
        }
      }
      reached("rename");
    }
    for (const dir of backedUp) await syncDir(dir);
    const placed = new Set<string>([outDir, ...dirs.map((d) => join(outDir, d))]);
    for (const e of entries) {
      if (e.sha256 === null) continue;
      const target = join(outDir, e.path);
      await rename(join(work, staging, e.path), target);
      placed.add(dirname(target));
      reached("rename");
    }
    for (const dir of placed) await syncDir(dir);
    reached("synced");

    // 4. Commit.
    await rename(join(work, JOURNAL), join(work, COMMITTED));
    await syncDir(work);
    reached("committed");
  } catch (error) {
    if (error instanceof SimulatedKill) throw error;
    // Put the old build back now; if that fails too, the journal stays for the next run.
    await recoverOutDir(outDir).catch(() => undefined);
    throw error;
  }
  // 5. Clean up. The new build is in place: a failure or a kill from here on leaves scratch
  // files that the next run removes (rolling forward), never a failed build.
  await rm(join(work, backups), { recursive: true, force: true }).catch(() => undefined);
  await rm(join(work, staging), { recursive: true, force: true }).catch(() => undefined);
  reached("cleanup");
  await unlink(join(work, COMMITTED)).catch(() => undefined);
  await rmdir(work).catch(() => undefined);
}

// ---- Recovery ------------------------------------------------------------------------------------

async function readJournal(work: string, name: string): Promise<Journal> {
  const raw = await readOwned(work, name);
  try {
    const j = JSON.parse(raw!.toString("utf8")) as Journal;
    const ok =
      j.version === 1 &&
      Array.isArray(j.dirs) &&
      j.dirs.every((d) => typeof d === "string" && isSafeRelative(d)) &&
      Array.isArray(j.entries) &&
      j.entries.every(
        (e) =>
          typeof e.path === "string" &&
          isSafeRelative(e.path) &&
          (e.sha256 === null || typeof e.sha256 === "string") &&
          typeof e.backup === "string" &&
          (e.backup === "absent" || isSafeRelative(e.backup)),
      );
    if (ok) return j;
  } catch {
    // reported below
  }
  throw new OutDirProblem(
    "out-journal-unreadable",
    `${join(work, name)} cannot be read, so the interrupted build it describes cannot be rolled back; restore the out dir from version control and remove ${work}`,
    join(work, name),
  );
}

/**
 * Finishes or undoes a write that was interrupted (see the module comment) and removes stale
 * staging and backup directories. Returns true when there was something to recover.
 */
export async function recoverOutDir(outDir: string): Promise<boolean> {
  const reached = faultCounter();
  const work = join(outDir, WORK_DIR);
  let names: string[];
  try {
    names = await readdir(work);
  } catch (error) {
    if (isSystemError(error) && (error.code === "ENOENT" || error.code === "ENOTDIR")) return false;
    throw error;
  }
  let recovered = false;
  if (names.includes(JOURNAL)) {
    // Not committed: roll back, last step first.
    const journal = await readJournal(work, JOURNAL);
    const touched = new Set<string>([outDir]);
    for (const e of [...journal.entries].reverse()) {
      const target = join(outDir, e.path);
      if (e.backup !== "absent") {
        const backup = join(work, e.backup);
        if (await exists(backup)) {
          await mkdir(dirname(target), { recursive: true });
          await rename(backup, target);
          touched.add(dirname(target));
          reached("recover");
        }
      } else if (e.sha256 !== null) {
        // Remove the new file only if it is the one this write placed.
        const current = await readOwned(outDir, e.path).catch(() => undefined);
        if (current !== undefined && sha256(current) === e.sha256) {
          await unlink(target);
          touched.add(dirname(target));
          reached("recover");
        }
      }
    }
    for (const dir of [...journal.dirs].reverse()) {
      try {
        await rmdir(join(outDir, dir));
      } catch {
        // Not empty (something else lives there now) or already gone: left as it is.
      }
    }
    for (const dir of touched) if (await exists(dir)) await syncDir(dir);
    await unlink(join(work, JOURNAL));
    await syncDir(work);
    recovered = true;
  } else if (names.includes(COMMITTED)) {
    recovered = true;
  }
  // Committed (roll forward) or rolled back: what is left of the scratch space goes.
  for (const name of names) {
    if (/^(staging|backup)-/.test(name) || /^journal-.*\.tmp$/.test(name))
      await rm(join(work, name), { recursive: true, force: true });
  }
  if (names.includes(COMMITTED)) await unlink(join(work, COMMITTED));
  return recovered;
}

/** True when `outDir` holds a write that did not finish (what `--check` reports as stale). */
export async function hasInterruptedWrite(outDir: string): Promise<boolean> {
  return (await exists(join(outDir, WORK_DIR, JOURNAL))) || (await exists(join(outDir, WORK_DIR, COMMITTED)));
}

export interface StaleFile {
  path: string;
  reason: "missing" | "different" | "no longer generated" | "left by an interrupted build";
}

/** Compares the in-memory build with the out dir (what `--check` reports). */
export async function compareOutDir(outDir: string, files: readonly GeneratedFile[]): Promise<StaleFile[]> {
  const stale: StaleFile[] = [];
  if (await hasInterruptedWrite(outDir))
    stale.push({ path: `${WORK_DIR}/${JOURNAL}`, reason: "left by an interrupted build" });
  const wanted = [...files, manifestFile(files)];
  for (const f of wanted) {
    let onDisk: Buffer | undefined;
    try {
      onDisk = await readOwned(outDir, f.path);
    } catch (error) {
      // Something that is not a regular file stands there (a FIFO, a directory): not the file.
      if (!(error instanceof OutDirProblem || (isSystemError(error) && error.code === "ENOTDIR"))) throw error;
      stale.push({ path: f.path, reason: "different" });
      continue;
    }
    if (onDisk === undefined) stale.push({ path: f.path, reason: "missing" });
    else if (!onDisk.equals(Buffer.from(f.contents, "utf8"))) stale.push({ path: f.path, reason: "different" });
  }
  const paths = new Set(wanted.map((f) => f.path));
  for (const owned of await readManifest(outDir)) {
    if (!paths.has(owned)) stale.push({ path: owned, reason: "no longer generated" });
  }
  return stale;
}
