/**
 * `contractor build --watch`: builds, then rebuilds every time the design file's contents change,
 * in one process whose check workers stay warm (PGlite started, compiler lib files parsed, mermaid
 * loaded), so a rebuild with every check costs what a warm build costs, not a fresh process.
 *
 * The design's directory is watched, not the file: editors save by writing a new file and
 * renaming it over the old one, which ends a watch on the file itself. Events are debounced and
 * a rebuild runs only when the bytes changed; a change during a build queues one more build.
 */
import { watch } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createHash } from "node:crypto";
import { basename, dirname, resolve } from "node:path";

export interface WatchOptions {
  /** Wait this long after the last event before rebuilding (editors write in bursts). */
  debounceMs?: number;
  /** Files larger than this are not hashed; a change of size or time alone triggers the build (which reports the size). */
  maxBytes: number;
  /** Stops watching; the build in progress, if any, finishes first. */
  signal: AbortSignal;
  /** Called when a change is seen, before its build. */
  onChange?: () => void;
}

/** What identifies the file's current contents: a hash, or for an oversized or missing file its size and time. */
async function fingerprint(file: string, maxBytes: number): Promise<string> {
  const s = await stat(file).catch(() => undefined);
  if (!s) return "missing";
  if (s.size > maxBytes) return `size ${s.size} mtime ${s.mtimeMs}`;
  const bytes = await readFile(file).catch(() => undefined);
  return bytes ? createHash("sha256").update(bytes).digest("hex") : "unreadable";
}

/**
 * Runs `build` once, then after each change of `file`'s contents, until `signal` aborts.
 * Builds never overlap. Resolves when watching has stopped and the last build has finished.
 */
export async function watchDesign(file: string, build: () => Promise<void>, options: WatchOptions): Promise<void> {
  const path = resolve(file);
  const name = basename(path);
  const debounceMs = options.debounceMs ?? 80;
  let last = await fingerprint(path, options.maxBytes);
  await build();
  if (options.signal.aborted) return;

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const rebuild = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    do {
      again = false;
      const now = await fingerprint(path, options.maxBytes);
      if (now === last || options.signal.aborted) continue;
      last = now;
      options.onChange?.();
      running = build();
      await running;
      running = undefined;
    } while (again && !options.signal.aborted);
  };

  const watcher = watch(dirname(path), (_event, changed) => {
    // Some platforms omit the name: then any change in the directory is checked (by hash).
    if (changed && changed !== name) return;
    clearTimeout(timer);
    timer = setTimeout(() => void rebuild(), debounceMs);
  });
  await new Promise<void>((done) => {
    const stop = () => {
      clearTimeout(timer);
      watcher.close();
      void (running ?? Promise.resolve()).then(done);
    };
    if (options.signal.aborted) stop();
    else options.signal.addEventListener("abort", stop, { once: true });
  });
}
