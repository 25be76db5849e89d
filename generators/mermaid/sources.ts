/**
 * The Mermaid source of every diagram of a design, derived once per build into the model
 * (generators/model.ts), and the diagram files they become.
 */
import type { GeneratedFile } from "../../src/core/artifact.ts";
import type { NDesign } from "../../src/design/normalize.ts";
import { erdDiagram, serviceErdDiagram, servicesWithEntities } from "./erd.ts";
import { authFlowDiagram } from "./auth.ts";
import { architectureDiagram } from "./architecture.ts";

/** The Mermaid source of every diagram of a design: what the diagram files and DESIGN.md hold. */
export interface DiagramSources {
  erd: string;
  authFlow: string;
  architecture: string;
  /** One ERD per service that owns entities. */
  services: Array<{ service: string; erd: string }>;
}

/** Derives every diagram's source (the build does this once, into its model). */
export function diagramSources(design: NDesign): DiagramSources {
  return {
    erd: erdDiagram(design),
    authFlow: authFlowDiagram(design),
    architecture: architectureDiagram(design),
    services: servicesWithEntities(design).map((s) => ({ service: s.name, erd: serviceErdDiagram(design, s.name) })),
  };
}

/** The diagram files, path → source, in path order. */
export function diagramFiles(sources: DiagramSources): GeneratedFile[] {
  const files: GeneratedFile[] = [
    { path: "diagrams/erd.mmd", contents: sources.erd },
    { path: "diagrams/auth-flow.mmd", contents: sources.authFlow },
    { path: "diagrams/architecture.mmd", contents: sources.architecture },
    ...sources.services.map((s) => ({ path: `diagrams/erd-${s.service}.mmd`, contents: s.erd })),
  ];
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
