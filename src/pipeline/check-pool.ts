/**
 * Checks off the main thread. The heavy checkers (PGlite for the migrations, the TypeScript
 * compiler with its lib files, mermaid's parser) take seconds to start and then run in
 * milliseconds; on a multi-core machine they start in worker threads at the very beginning of a
 * build (`warm`), while the main thread loads, validates and generates, and they stay warm for
 * the next build of the same process. Artifacts that share a cache (DESIGN.md's check reuses the
 * mermaid parses of the .mmd files; the evolution check uses the SQL check's engine) share a worker.
 *
 * Only the default artifacts (one folder each under `generators/`) run in workers: a worker
 * imports `generators/<name>/index.ts` itself. Everything else, and every check when workers are
 * off (`CONTRACTOR_WORKERS=0`, or a single CPU), runs in process exactly as before.
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { getCompileCacheDir } from "node:module";
import type { Artifact, GeneratedFile, PreviousBuild, ResolvedOptions } from "./artifact.ts";
import type { Diagnostic } from "../design/diagnostics.ts";
import type { NDesign } from "../design/normalize.ts";
import { guardServer, onInterrupt } from "../../generators/migrations/throwaway.ts";
import { workerArtifactLoaders } from "../../generators/worker-modules.ts";

/** Which default artifacts' checks run in which worker (groups share a thread and its caches). */
/**
 * The engine's group. Its checks read no files but its own artifacts' (the migrations,
 * CHANGES.md): the build generates them first and starts their checks at once, while the main
 * thread generates the rest (the engine round trip of a large design takes as long as all the
 * other work).
 */
export const ENGINE_GROUP: readonly string[] = ["sql", "evolution"];

export const WORKER_GROUPS: readonly (readonly string[])[] = [ENGINE_GROUP, ["typescript", "mermaid", "markdown"]];

/**
 * The groups a process starts. The engine always gets a thread. A one-shot build (the CLI's
 * `build`) checks the rest on the main thread, and the types in a process started from a
 * compiler snapshot (generators/typescript/check-process.ts): a TypeScript worker would load a
 * second copy of the compiler (~250 ms of CPU) and parse the lib files again (listly on 2 cores:
 * 2.3 s with it, 1.7 s without). A process that lives on (`--watch`, library use) pays those once
 * and keeps both workers.
 */
export function workerGroups(oneShot: boolean): readonly (readonly string[])[] {
  return oneShot ? [ENGINE_GROUP] : WORKER_GROUPS;
}

export type WorkerRequest =
  | { type: "warm"; names: readonly string[]; options: ResolvedOptions }
  | {
      type: "build";
      build: number;
      files: GeneratedFile[];
      design: NDesign;
      options: ResolvedOptions;
      previous?: PreviousBuild;
    }
  | { type: "check"; id: number; build: number; name: string; own: string[] }
  | { type: "end"; build: number };

export type WorkerReply = { id: number; diagnostics: Diagnostic[]; notes: string[] } | { id: number; error: string };

interface Pending {
  resolve: (r: { diagnostics: Diagnostic[]; notes: string[] }) => void;
  reject: (e: Error) => void;
}

/** The worker's entry beside this module: `.ts` when running from the sources, `.js` once compiled. */
const WORKER_ENTRY = import.meta.url.endsWith(".ts") ? "./check-worker.ts" : "./check-worker.js";

class CheckWorker {
  readonly names: readonly string[];
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failed: Error | undefined;

  constructor(names: readonly string[]) {
    this.names = names;
    // A worker uses the on-disk compile cache when its process does (bin/contractor.js turns it on).
    this.worker = new Worker(new URL(WORKER_ENTRY, import.meta.url), {
      workerData: { compileCache: getCompileCacheDir() },
    });
    this.worker.unref();
    this.worker.on("message", (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      if ("error" in reply) p.reject(new Error(`check in worker failed: ${reply.error}`));
      else p.resolve(reply);
    });
    this.worker.on("error", (error: Error) => this.fail(error));
    this.worker.on("exit", (code) => this.fail(new Error(`check worker exited with code ${code}`)));
  }

  private fail(error: Error): void {
    this.failed ??= error;
    // Interrupted: the process ends once its throw-away databases are dropped; a check failing
    // meanwhile would end the build (and the process) first.
    if (stopping) return;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    if (pool?.includes(this)) pool = undefined;
  }

  private readonly warmed = new Set<string>();

  /** Starts warming `names` for `options`, once per name and options in the worker's life. */
  warm(names: readonly string[], options: ResolvedOptions): void {
    const key = JSON.stringify(options);
    const fresh = names.filter((n) => !this.warmed.has(`${n} ${key}`));
    for (const n of fresh) this.warmed.add(`${n} ${key}`);
    if (fresh.length) this.post({ type: "warm", names: fresh, options });
  }

  post(msg: WorkerRequest): void {
    if (!this.failed) this.worker.postMessage(msg);
  }

  /** Stops the thread at once (an interrupt: its checks are abandoned). */
  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  check(
    build: number,
    name: string,
    own: readonly GeneratedFile[],
  ): Promise<{ diagnostics: Diagnostic[]; notes: string[] }> {
    if (this.failed) return Promise.reject(this.failed);
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.post({ type: "check", id, build, name, own: own.map((f) => f.path) });
    });
  }
}

let pool: CheckWorker[] | undefined;
let builds = 0;
let stopping = false;

// On SIGINT/SIGTERM during checks on a server, the workers stop before the main thread drops their
// throw-away databases (throwaway.ts): none of them can create another one after the drop.
onInterrupt(async () => {
  stopping = true;
  await Promise.allSettled((pool ?? []).map((w) => w.terminate()));
});

/** Whether checks run in worker threads in this process. */
export function workersEnabled(): boolean {
  const env = process.env.CONTRACTOR_WORKERS;
  if (env !== undefined) return env !== "0";
  return availableParallelism() > 1;
}

/**
 * The names among `artifacts` whose checks a worker can run: those of a worker group that are the
 * very object `generators/worker-modules.ts` loads (what the worker imports), not a test double.
 */
export async function workerArtifacts(artifacts: readonly Artifact[]): Promise<Set<string>> {
  const grouped = new Set(WORKER_GROUPS.flat());
  const names = new Set<string>();
  for (const a of artifacts) {
    if (!a.check || !grouped.has(a.name)) continue;
    const load = workerArtifactLoaders[a.name];
    if (load && (await load().catch(() => undefined)) === a) names.add(a.name);
  }
  return names;
}

/**
 * Starts the check workers and their warm-up for the default artifacts now, before the caller
 * imports the rest of contractor (the CLI's first half second); `build` then finds them running.
 * `oneShot`: the process builds once and exits (see `workerGroups`). Does nothing when workers are off.
 */
export function startCheckWorkers(options: ResolvedOptions, { oneShot = false }: { oneShot?: boolean } = {}): void {
  if (!workersEnabled()) return;
  pool ??= workerGroups(oneShot).map((group) => new CheckWorker(group));
  for (const w of pool) w.warm(w.names, options);
  // A one-shot build checks types.ts and client.ts in a process started from a compiler snapshot
  // (generators/typescript/check-process.ts), started now so that it is ready with the files.
  if (oneShot && !pool.some((w) => w.names.includes("typescript")))
    void import("../../generators/typescript/check-process.ts").then((m) => m.prestartCheckProcess());
}

/** One build's use of the pool: `warm` at its start, `begin` once files exist, `check`, `end`. */
export class CheckSession {
  private readonly workers: CheckWorker[];
  private readonly names: ReadonlySet<string>;
  private readonly build = ++builds;
  private begun = new Set<CheckWorker>();
  /** Releases the main thread's guard of the `--database-url` server (see `settle`). */
  private readonly release: (() => void) | undefined;
  private running = 0;
  private ended = false;

  /** `names`: from `workerArtifacts`; only their workers are warmed and used. */
  constructor(names: ReadonlySet<string>, options: ResolvedOptions) {
    pool ??= workerGroups(false).map((group) => new CheckWorker(group));
    const running = pool;
    // Names without a worker in this process's pool (see `workerGroups`) are checked in process.
    this.names = new Set([...names].filter((n) => running.some((w) => w.names.includes(n))));
    this.workers = pool.filter((w) => w.names.some((n) => this.names.has(n)));
    for (const w of this.workers)
      w.warm(
        w.names.filter((n) => this.names.has(n)),
        options,
      );
    // The workers' checks create throw-away databases there; signals reach only this thread.
    this.release = options.databaseUrl && this.workers.length ? guardServer(options.databaseUrl) : undefined;
  }

  /** The guard stays until the build has ended and its last check has settled (early ones may outlive it). */
  private settle(): void {
    if (this.ended && this.running === 0) this.release?.();
  }

  /** True when `name`'s check runs in a worker. */
  handles(name: string): boolean {
    return this.names.has(name);
  }

  /**
   * The names whose checks can start before the other artifacts are generated: ENGINE_GROUP's,
   * when this build checks every one of them in the worker (an evolution check beside a stand-in
   * SQL artifact reads files from outside the group, so it waits).
   */
  early(): readonly string[] {
    return ENGINE_GROUP.every((n) => this.names.has(n)) ? ENGINE_GROUP : [];
  }

  /**
   * Hands the build's files and context to the workers not yet begun that check only `names`
   * (all of them when `names` is undefined); once per worker and build.
   */
  begin(
    files: GeneratedFile[],
    design: NDesign,
    options: ResolvedOptions,
    previous?: PreviousBuild,
    names?: readonly string[],
  ): void {
    for (const w of this.workers) {
      if (this.begun.has(w) || (names && !w.names.filter((n) => this.names.has(n)).every((n) => names.includes(n))))
        continue;
      w.post({ type: "build", build: this.build, files, design, options, ...(previous ? { previous } : {}) });
      this.begun.add(w);
    }
  }

  check(name: string, own: readonly GeneratedFile[]): Promise<{ diagnostics: Diagnostic[]; notes: string[] }> {
    const w = this.workers.find((x) => x.names.includes(name));
    if (!w) return Promise.reject(new Error(`no worker checks ${name}`));
    this.running++;
    const checking = w.check(this.build, name, own);
    const done = () => {
      this.running--;
      this.settle();
    };
    checking.then(done, done);
    return checking;
  }

  end(): void {
    for (const w of this.begun) w.post({ type: "end", build: this.build });
    this.ended = true;
    this.settle();
  }
}
