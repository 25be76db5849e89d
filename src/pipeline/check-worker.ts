/**
 * A check worker thread (see check-pool.ts). It serves one or more default artifacts, each imported
 * from its own module (`generators/worker-modules.ts`), so their heavy checkers (compiler, parser,
 * embedded engine) live and stay warm in this thread while the main thread loads, validates and
 * generates. Messages: `warm` (names, options), `build` (the build's files and context once),
 * `check` (one artifact's check), `end` (forget a build).
 */
import { parentPort, workerData } from "node:worker_threads";
import { enableCompileCache } from "node:module";
import type { Artifact, ArtifactContext, GeneratedFile } from "./artifact.ts";
import type { Diagnostic } from "../design/diagnostics.ts";
import type { WorkerRequest, WorkerReply } from "./check-pool.ts";
import { workerArtifactLoaders } from "../../generators/worker-modules.ts";

const port = parentPort!;
const { compileCache } = (workerData ?? {}) as { compileCache?: string };
if (compileCache) enableCompileCache(compileCache);
const artifacts = new Map<string, Promise<Artifact>>();
const builds = new Map<number, { ctx: ArtifactContext; files: GeneratedFile[] }>();

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
    case "build":
      builds.set(msg.build, {
        ctx: { design: msg.design, options: msg.options, ...(msg.previous ? { previous: msg.previous } : {}) },
        files: msg.files,
      });
      return undefined;
    case "end":
      builds.delete(msg.build);
      return undefined;
    case "check": {
      const b = builds.get(msg.build);
      if (!b) throw new Error(`check of ${msg.name} for an unknown build ${msg.build}`);
      const a = await artifact(msg.name);
      const own = new Set(msg.own);
      const notes: string[] = [];
      const diagnostics: Diagnostic[] = await a.check!(
        b.files.filter((f) => own.has(f.path)),
        { ...b.ctx, files: b.files, note: (m) => notes.push(m) },
      );
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
