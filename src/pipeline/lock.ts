/**
 * One build at a time per out dir: `<out>/.contractor/lock`, created exclusively (O_EXCL) and
 * holding the pid, host, boot and start time of its holder. A second build waits (bounded) and
 * then gives up with a diagnostic; a lock whose holder no longer runs on this host (or ran before
 * the last reboot) is taken over. A lock held from another host is never taken over.
 */
import { mkdir, open, readFile, rmdir, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { OutDirProblem, isSystemError } from "./fs-errors.ts";
import { WORK_DIR } from "./write.ts";

export const DEFAULT_LOCK_TIMEOUT_MS = 5 * 60_000;
/** A lock file that stays empty or unreadable this long was left by a holder killed while writing it. */
const UNREADABLE_STALE_MS = 10_000;

interface Holder {
  pid: number;
  host: string;
  /** Linux's id of the current boot: a lock from before a reboot (a power loss) is stale even if its pid is reused. */
  boot?: string;
  started: string;
  token: string;
}

async function bootId(): Promise<string | undefined> {
  try {
    return (await readFile("/proc/sys/kernel/random/boot_id", "utf8")).trim();
  } catch {
    return undefined;
  }
}

export interface OutDirLock {
  release(): Promise<void>;
}

export interface LockOptions {
  timeoutMs?: number;
  /** Told once, when the build starts waiting for another one. */
  onWait?: (message: string) => void;
}

async function readHolder(file: string): Promise<Holder | "unreadable" | "gone"> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (isSystemError(error) && error.code === "ENOENT") return "gone";
    throw error;
  }
  try {
    const h = JSON.parse(text) as Holder;
    if (Number.isInteger(h.pid) && typeof h.host === "string" && typeof h.token === "string") return h;
  } catch {
    // being written, or cut short by a kill
  }
  return "unreadable";
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(file)).mtimeMs > ms;
  } catch {
    return false;
  }
}

/**
 * Removes a stale lock. The removal runs under a second, short-lived guard (a directory, created
 * atomically), so that two builds judging the same lock stale cannot remove each other's new one.
 */
async function takeOver(work: string, file: string, stale: Holder | "unreadable"): Promise<void> {
  const guard = join(work, "lock.takeover");
  try {
    await mkdir(guard);
  } catch (error) {
    if (!(isSystemError(error) && error.code === "EEXIST")) throw error;
    if (await olderThan(guard, UNREADABLE_STALE_MS)) await rmdir(guard).catch(() => undefined);
    return;
  }
  try {
    const now = await readHolder(file);
    const same =
      now === "unreadable"
        ? stale === "unreadable"
        : now !== "gone" && stale !== "unreadable" && now.token === stale.token;
    if (same) await unlink(file).catch(() => undefined);
  } finally {
    await rmdir(guard).catch(() => undefined);
  }
}

export async function acquireLock(dir: string, options: LockOptions = {}): Promise<OutDirLock> {
  const work = join(dir, WORK_DIR);
  const file = join(work, "lock");
  const boot = await bootId();
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    ...(boot ? { boot } : {}),
    started: new Date().toISOString(),
    token: randomBytes(8).toString("hex"),
  };
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  let announced = false;
  for (;;) {
    await mkdir(work, { recursive: true });
    try {
      const handle = await open(file, "wx");
      try {
        await handle.writeFile(JSON.stringify(me) + "\n");
      } finally {
        await handle.close();
      }
      return { release: () => release(work, file, me.token) };
    } catch (error) {
      // ENOENT: the holder removed `.contractor/` as it finished; try again.
      if (!(isSystemError(error) && (error.code === "EEXIST" || error.code === "ENOENT"))) throw error;
    }
    const holder = await readHolder(file);
    if (holder === "gone") continue;
    const stale =
      holder === "unreadable"
        ? await olderThan(file, UNREADABLE_STALE_MS)
        : holder.host === me.host && ((holder.boot !== undefined && holder.boot !== me.boot) || !alive(holder.pid));
    if (stale) {
      await takeOver(work, file, holder);
      continue;
    }
    const who =
      holder === "unreadable"
        ? "another contractor build"
        : `contractor process ${holder.pid} on ${holder.host} (started ${holder.started})`;
    if (Date.now() > deadline) {
      throw new OutDirProblem(
        "out-locked",
        `${dir} is locked by ${who}; wait for it to finish, or remove ${file} if no contractor build is running`,
        file,
      );
    }
    if (!announced) options.onWait?.(`waiting for ${who} to finish with ${dir}`);
    announced = true;
    await sleep(40 + Math.floor(Math.random() * 80));
  }
}

async function release(work: string, file: string, token: string): Promise<void> {
  const holder = await readHolder(file);
  if (holder !== "gone" && holder !== "unreadable" && holder.token === token) await unlink(file);
  // The scratch space goes when nothing is left in it; a waiting build recreates it.
  await rmdir(work).catch(() => undefined);
}
