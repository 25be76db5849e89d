/**
 * The pooled `CheckExecutor`: checks in worker threads. The heavy checkers (an embedded engine, a
 * compiler with its lib files, a diagram parser) take long to start and then run quickly; in a
 * worker they start at the very beginning of a build (`start`), while the main thread loads,
 * validates and generates, and they stay warm for the next build of the same process. Checks with
 * the same affinity (`Artifact.affinity`) share a thread and what it keeps warm.
 *
 * A check runs in a worker only when the worker can load its artifact: the very object that
 * `generators/worker-modules.ts` loads (what the worker imports), not a test double. The others,
 * and the affinities beyond the thread limit, run on the calling thread.
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { getCompileCacheDir } from "node:module";
import type { Artifact, ArtifactContext, GeneratedFile, ResolvedOptions } from "../core/artifact.ts";
import type { Diagnostic } from "../design/diagnostics.ts";
import { guardServer, onInterrupt } from "../../generators/migrations/throwaway.ts";
import { oneShotHelpers, workerArtifactLoaders } from "../../generators/worker-modules.ts";
import {
  affinityOf,
  checkHere,
  checkNeeds,
  inProcessExecutor,
  type CheckExecutor,
  type CheckInput,
  type CheckResult,
} from "./executor.ts";

/** What a worker is told about a build once: the check context without its files and note. */
export type WorkerContext = Omit<ArtifactContext, "input">;

export type WorkerRequest =
  | { type: "warm"; names: readonly string[]; options: ResolvedOptions }
  | { type: "context"; context: number; ctx: WorkerContext }
  | { type: "files"; context: number; files: readonly GeneratedFile[] }
  | { type: "forget"; context: number }
  | CheckRequest;

/** A check of the artifact's own files only (sent with them), or of all the context's files (its own named by path). */
type CheckRequest = { type: "check"; id: number; context: number; name: string } & (
  | { reads: "own"; own: readonly GeneratedFile[] }
  | { reads: "all"; own: readonly string[] }
);

export type WorkerReply = { id: number; diagnostics: Diagnostic[]; notes: string[] } | { id: number; error: string };

/** The worker's entry beside this module: `.ts` when running from the sources, `.js` once compiled. */
const WORKER_ENTRY = import.meta.url.endsWith(".ts") ? "./check-worker.ts" : "./check-worker.js";

/** One build's context as a worker holds it. */
interface SentContext {
  readonly id: number;
  readonly base: Readonly<Record<string, unknown>>;
  files: readonly GeneratedFile[] | undefined;
  running: number;
}

let nextContext = 0;
const live = new Set<CheckWorker>();
let stopping = false;

// On SIGINT/SIGTERM during checks on a server, the workers stop before the main thread drops their
// throw-away databases (throwaway.ts): none of them can create another one after the drop.
onInterrupt(async () => {
  stopping = true;
  await Promise.allSettled([...live].map((w) => w.terminate()));
});

class CheckWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: CheckResult) => void; reject: (e: Error) => void }>();
  private readonly warmed = new Set<string>();
  private readonly contexts: SentContext[] = [];
  private nextId = 0;
  failed: Error | undefined;
  terminated = false;

  constructor() {
    // A worker uses the on-disk compile cache when its process does (bin/contractor.js turns it on).
    this.worker = new Worker(new URL(WORKER_ENTRY, import.meta.url), {
      workerData: { compileCache: getCompileCacheDir() },
    });
    this.worker.unref();
    live.add(this);
    this.worker.on("message", (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      if ("error" in reply) p.reject(new Error(`check in worker failed: ${reply.error}`));
      else p.resolve({ diagnostics: reply.diagnostics, notes: reply.notes });
    });
    this.worker.on("error", (error: Error) => this.fail(error));
    this.worker.on("exit", (code) => this.fail(new Error(`check worker exited with code ${code}`)));
  }

  private fail(error: Error): void {
    this.failed ??= error;
    live.delete(this);
    // Interrupted: the process ends once its throw-away databases are dropped; a check failing
    // meanwhile would end the build (and the process) first.
    if (stopping) return;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private post(msg: WorkerRequest): void {
    if (!this.failed) this.worker.postMessage(msg);
  }

  /** Starts warming `names` for `options`, once per name and options in the worker's life. */
  warm(names: readonly string[], options: ResolvedOptions): void {
    const key = JSON.stringify(options);
    const fresh = names.filter((n) => !this.warmed.has(`${n} ${key}`));
    for (const n of fresh) this.warmed.add(`${n} ${key}`);
    if (fresh.length) this.post({ type: "warm", names: fresh, options });
  }

  /** The context `ctx` has in this worker, sent once (and its files once, when a check reads them all). */
  private contextFor(ctx: CheckInput, withFiles: boolean): SentContext {
    const { files, input: _input, ...base } = ctx;
    const same = (c: SentContext) =>
      Object.keys(base).length === Object.keys(c.base).length &&
      Object.entries(base).every(([k, v]) => c.base[k] === v) &&
      (!withFiles || c.files === undefined || c.files === files);
    let found = this.contexts.find(same);
    if (!found) {
      found = { id: ++nextContext, base, files: undefined, running: 0 };
      this.contexts.push(found);
      this.post({ type: "context", context: found.id, ctx: base });
    }
    if (withFiles && found.files === undefined) {
      found.files = files;
      this.post({ type: "files", context: found.id, files });
    }
    return found;
  }

  /** Forgets the contexts no check uses any more, but the newest (the next build's checks may reuse it). */
  private forgetIdle(): void {
    for (const c of this.contexts.slice(0, -1)) {
      if (c.running > 0) continue;
      this.contexts.splice(this.contexts.indexOf(c), 1);
      this.post({ type: "forget", context: c.id });
    }
  }

  check(artifact: Artifact, own: readonly GeneratedFile[], ctx: CheckInput): Promise<CheckResult> {
    if (this.failed) return Promise.reject(this.failed);
    const all = checkNeeds(artifact) === "all";
    const context = this.contextFor(ctx, all);
    const id = ++this.nextId;
    context.running++;
    this.forgetIdle();
    const checking = new Promise<CheckResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      const request = { type: "check", id, context: context.id, name: artifact.name } as const;
      this.post(all ? { ...request, reads: "all", own: own.map((f) => f.path) } : { ...request, reads: "own", own });
    });
    const settle = () => {
      context.running--;
      this.forgetIdle();
    };
    checking.then(settle, settle);
    return checking;
  }

  /** Stops the thread at once (its checks are abandoned). */
  terminate(): Promise<number> {
    this.terminated = true;
    live.delete(this);
    return this.worker.terminate();
  }
}

/** Whether checks may run in worker threads in this process (`CONTRACTOR_WORKERS=0` or one CPU: no). */
export function workersEnabled(): boolean {
  const env = process.env.CONTRACTOR_WORKERS;
  if (env !== undefined) return env !== "0";
  return availableParallelism() > 1;
}

export interface PoolOptions {
  /**
   * At most this many worker threads, given to the affinities in the order their artifacts are
   * listed; the affinities beyond it check on the calling thread. Default: one per affinity.
   */
  threads?: number;
  /**
   * The process builds once and exits: the checks on the calling thread get their one-shot helpers
   * (`generators/worker-modules.ts`), started with the first build.
   */
  oneShot?: boolean;
}

/** A `CheckExecutor` with worker threads; `end` stops them. */
export interface PooledExecutor extends CheckExecutor {
  /**
   * Starts `threads` workers now, before the artifacts are known (a new process spends much of its
   * start importing them); `start` then gives them their affinities.
   */
  prestart(): void;
}

export function pooledExecutor(options: PoolOptions = {}): PooledExecutor {
  const limit = options.threads ?? Number.POSITIVE_INFINITY;
  const idle: CheckWorker[] = [];
  const byAffinity = new Map<string, CheckWorker | "here">();
  // Whether a worker can load `artifact` itself (the same object), decided once per artifact.
  const loadable = new Map<Artifact, Promise<boolean>>();
  const canLoad = (artifact: Artifact) => {
    let found = loadable.get(artifact);
    if (!found) {
      const load = workerArtifactLoaders[artifact.name];
      found = load
        ? load().then(
            (a) => a === artifact,
            () => false,
          )
        : Promise.resolve(false);
      loadable.set(artifact, found);
    }
    return found;
  };
  let layout = Promise.resolve();
  const helped = new Set<Artifact>();
  const threadCount = () => [...byAffinity.values()].filter((w) => w !== "here").length + idle.length;
  const place = async (artifact: Artifact): Promise<CheckWorker | "here"> => {
    if (!artifact.check || !(await canLoad(artifact))) return "here";
    const affinity = affinityOf(artifact);
    let placed = byAffinity.get(affinity);
    if (placed === undefined || (placed !== "here" && placed.failed)) {
      placed = idle.shift() ?? (threadCount() < limit ? new CheckWorker() : "here");
      byAffinity.set(affinity, placed);
    }
    return placed;
  };

  return {
    prestart() {
      while (threadCount() < Math.min(limit, availableParallelism())) idle.push(new CheckWorker());
    },
    start(artifacts, resolved) {
      // Affinities get their threads in artifact order; each worker warms its artifacts' checkers.
      layout = layout.then(async () => {
        const names = new Map<CheckWorker, string[]>();
        for (const artifact of artifacts) {
          const worker = await place(artifact);
          if (worker !== "here" && artifact.warm) names.set(worker, [...(names.get(worker) ?? []), artifact.name]);
          const helper = oneShotHelpers[artifact.name];
          if (worker === "here" && options.oneShot && helper && !helped.has(artifact) && (await canLoad(artifact))) {
            helped.add(artifact);
            void helper().catch(() => undefined);
          }
        }
        for (const [worker, warm] of names) worker.warm(warm, resolved);
      });
    },
    async check(artifact, own, ctx) {
      await layout;
      const worker = await place(artifact);
      if (worker === "here") return checkHere(artifact, own, ctx);
      // The worker's checks may create throw-away databases on the server; signals reach only this thread.
      const release = ctx.options.databaseUrl ? guardServer(ctx.options.databaseUrl) : undefined;
      try {
        const result = await worker.check(artifact, own, ctx);
        release?.();
        return result;
      } catch (error) {
        // A check abandoned by `end` may leave its throw-away databases: the guard stays, and drops
        // them when the process exits.
        if (!worker.terminated) release?.();
        throw error;
      }
    },
    async end() {
      const workers = [...idle, ...byAffinity.values()].filter((w): w is CheckWorker => w !== "here");
      idle.length = 0;
      byAffinity.clear();
      await Promise.allSettled(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * The CLI's executor: worker threads when the machine has more than one CPU (and
 * `CONTRACTOR_WORKERS` is not 0), else every check on the main thread. `oneShot`: the process
 * builds once and exits, so it starts no more threads than the CPUs beside the main thread (a
 * thread's start-up costs more than it saves when it waits for a CPU); a process that lives on
 * (`--watch`) pays each start once and keeps a thread per affinity.
 */
export function cliExecutor({ oneShot }: { oneShot: boolean }): CheckExecutor {
  if (!workersEnabled()) return inProcessExecutor();
  const pool = pooledExecutor(oneShot ? { threads: Math.max(1, availableParallelism() - 1), oneShot } : {});
  pool.prestart();
  return pool;
}
