/**
 * The seam between the build and where checks run. The build hands each artifact's check to a
 * `CheckExecutor` with the files the check declared it reads (`Artifact.checkNeeds`); the executor
 * decides where and when it runs: on the calling thread (`inProcessExecutor`, the library's and the
 * tests' default) or in worker threads that keep the checkers warm (`pooledExecutor` in
 * check-pool.ts, what the CLI uses).
 */
import type { Diagnostic } from "../design/diagnostics.ts";
import type { Artifact, ArtifactContext, CheckNeeds, GeneratedFile, ResolvedOptions } from "../core/artifact.ts";

/** What one check found, and the sub-steps it reported (`ctx.note`). */
export interface CheckResult {
  diagnostics: Diagnostic[];
  notes: string[];
}

/** A check's context as the build hands it over: everything but `note`, which the executor supplies. */
export type CheckInput = ArtifactContext & { readonly files: readonly GeneratedFile[] };

export interface CheckExecutor {
  /**
   * Starts loading what the artifacts' checks need for these options (a compiler, a parser, an
   * engine) so the first check does not pay for it; no output. Called at the start of each build.
   */
  start(artifacts: readonly Artifact[], options: ResolvedOptions): void;
  /**
   * Runs `artifact`'s check over its own files; `ctx.files` holds the files it declared it reads.
   * Rejects only for a contractor bug (a check that threw).
   */
  check(artifact: Artifact, own: readonly GeneratedFile[], ctx: CheckInput): Promise<CheckResult>;
  /** Releases what the executor holds (threads, processes). Checks still running are abandoned. */
  end(): Promise<void>;
}

/** What `artifact`'s check reads (its declaration, "all" when it has none). */
export function checkNeeds(artifact: Artifact): CheckNeeds {
  return artifact.checkNeeds ?? "all";
}

/** Which thread's warm checkers `artifact`'s check shares: its affinity, else its name. */
export function affinityOf(artifact: Artifact): string {
  return artifact.affinity ?? artifact.name;
}

/** Runs `artifact`'s check on the calling thread, collecting its notes. */
export async function checkHere(
  artifact: Artifact,
  own: readonly GeneratedFile[],
  ctx: CheckInput,
): Promise<CheckResult> {
  const notes: string[] = [];
  const diagnostics = artifact.check ? await artifact.check(own, { ...ctx, note: (m) => notes.push(m) }) : [];
  return { diagnostics, notes };
}

/** Every check on the calling thread, when the build asks for it; nothing to start or release. */
export function inProcessExecutor(): CheckExecutor {
  return {
    start: () => undefined,
    check: checkHere,
    end: async () => undefined,
  };
}
