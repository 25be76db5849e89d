/**
 * Every artifact the build produces, in generation order, one line per artifact folder; and the
 * model the build derives once before they generate.
 */
import type { Artifact } from "../src/core/artifact.ts";
import { openapiArtifact } from "./openapi/index.ts";
import { mermaidArtifact } from "./mermaid/index.ts";
import { markdownArtifact } from "./markdown/index.ts";
import { htmlArtifact } from "./html/index.ts";
import { typescriptArtifact } from "./typescript/index.ts";
import { sqlArtifact } from "./migrations/index.ts";
import { evolutionArtifact } from "./evolution/index.ts";

export { sqlArtifact };
export { deriveModel } from "./model.ts";

export const artifacts: readonly Artifact[] = [
  openapiArtifact,
  sqlArtifact,
  mermaidArtifact,
  markdownArtifact,
  htmlArtifact,
  typescriptArtifact,
  evolutionArtifact,
];
