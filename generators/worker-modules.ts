/**
 * The artifacts a check worker can check, each loaded from its own module: a worker imports only
 * what it runs, never generators/index.ts (which loads every generator).
 */
import type { Artifact } from "../src/pipeline/artifact.ts";

export const workerArtifactLoaders: Readonly<Record<string, () => Promise<Artifact>>> = {
  sql: async () => (await import("./migrations/index.ts")).sqlArtifact,
  evolution: async () => (await import("./evolution/index.ts")).evolutionArtifact,
  typescript: async () => (await import("./typescript/index.ts")).typescriptArtifact,
  mermaid: async () => (await import("./mermaid/index.ts")).mermaidArtifact,
  markdown: async () => (await import("./markdown/index.ts")).markdownArtifact,
};
