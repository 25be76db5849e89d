/**
 * How the pooled check executor (src/pipeline/check-pool.ts) reaches the artifacts outside the main
 * thread. Each artifact a check worker can check is loaded from its own module: a worker imports
 * only what it runs, never generators/index.ts (which loads every generator).
 */
import type { Artifact } from "../src/core/artifact.ts";

export const workerArtifactLoaders: Readonly<Record<string, () => Promise<Artifact>>> = {
  sql: async () => (await import("./migrations/index.ts")).sqlArtifact,
  typescript: async () => (await import("./typescript/index.ts")).typescriptArtifact,
  mermaid: async () => (await import("./mermaid/index.ts")).mermaidArtifact,
  markdown: async () => (await import("./markdown/index.ts")).markdownArtifact,
};

/**
 * For a process that builds once and exits: helpers started for an artifact whose check runs on the
 * main thread, which its check then uses. The type check runs in a process started from a compiler
 * snapshot (typescript/check-process.ts), which starts now so it is ready when the files are.
 */
export const oneShotHelpers: Readonly<Record<string, () => Promise<void>>> = {
  typescript: async () => (await import("./typescript/check-process.ts")).prestartCheckProcess(),
};
