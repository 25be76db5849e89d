/**
 * A check worker thread (see check-pool.ts). It checks the artifacts of one affinity, each imported
 * from its own module (`generators/worker-modules.ts`), so their heavy checkers (compiler, parser,
 * embedded engine) live and stay warm in this thread while the main thread loads, validates and
 * generates. Messages: `warm` (names, options), `context` (a build's check context, once),
 * `files` (the build's files, once, for checks that read them all), `check`, `forget` (a context).
 */
import { parentPort, workerData } from "node:worker_threads";
import { enableCompileCache } from "node:module";
import type { Artifact, GeneratedFile } from "../core/artifact.ts";
import type { Diagnostic } from "../design/diagnostics.ts";
import type { WorkerContext, WorkerRequest, WorkerReply } from "./check-pool.ts";
import { workerArtifactLoaders } from "../../generators/worker-modules.ts";

const port = parentPort!;
const { compileCache } = (workerData ?? {}) as { compileCache?: string };
if (compileCache) enableCompileCache(compileCache);
const artifacts = new Map<string, Promise<Artifact>>();
const contexts = new Map<number, { ctx: WorkerContext; files?: readonly GeneratedFile[] }>();

function artifact(name: string): Promise<Artifact> {
  let found = artifacts.get(name);
  if (!found) {
    const load = workerArtifactLoaders[name];
    found = load ? load() : Promise.reject(new Error(`no check worker module for the artifact ${name}`));
    artifacts.set(name, found);
  }
  return found;
}

async function handle(msg: WorkerRequest): Promise<WorkerReply | undefined> {
  switch (msg.type) {
    case "warm":
      for (const name of msg.names) {
        const a = await artifact(name);
        await a.warm?.(msg.options);
      }
      return undefined;
    case "context":
      contexts.set(msg.context, { ctx: msg.ctx });
      return undefined;
    case "files":
      contexts.get(msg.context)!.files = msg.files;
      return undefined;
    case "forget":
      contexts.delete(msg.context);
      return undefined;
    case "check": {
      // Looked up before the first await: a `forget` that follows this message cannot take it away.
      const held = contexts.get(msg.context);
      if (!held) throw new Error(`check of ${msg.name} in an unknown context ${msg.context}`);
      let own: readonly GeneratedFile[];
      let files: readonly GeneratedFile[];
      if (msg.reads === "all") {
        const paths = new Set(msg.own);
        files = held.files ?? [];
        own = files.filter((f) => paths.has(f.path));
      } else {
        own = msg.own;
        files = msg.own;
      }
      const a = await artifact(msg.name);
      const notes: string[] = [];
      const diagnostics: Diagnostic[] = await a.check!(own, { ...held.ctx, files, note: (m) => notes.push(m) });
      return { id: msg.id, diagnostics, notes };
    }
  }
}

port.on("message", (msg: WorkerRequest) => {
  handle(msg).then(
    (reply) => reply && port.postMessage(reply),
    (error: unknown) => {
      // A failing warm-up is retried by the check itself; a failing check is a contractor bug the main thread rethrows.
      if (msg.type === "check")
        port.postMessage({
          id: msg.id,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies WorkerReply);
    },
  );
});
