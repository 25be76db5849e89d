/**
 * What DESIGN.md and index.html show of the other artifacts, read from the parts of the build's
 * model (generators/model.ts): the files they link, the diagram sources, the request and response
 * declarations (printed by the emitter types.ts uses) and the newest migration.
 */
import { OPENAPI_FILE } from "../openapi/serialize.ts";
import { diagramFiles, type DiagramSources } from "../mermaid/sources.ts";
import { CLIENT_FILE, TYPES_FILE, type TsModel } from "../typescript/model.ts";
import { emitBodyDeclarations } from "../typescript/emit-types.ts";
import type { Siblings } from "./sections.ts";

/** The parts of the model this reads. */
export interface ShownParts {
  diagrams: DiagramSources;
  typescript: TsModel;
  /** What is linked and embedded of the migrations and the evolution report. */
  linked: { paths: readonly string[]; newest?: Siblings["migration"] };
}

/** The files of the other artifacts that DESIGN.md and the page link to. */
export function linkedPaths(parts: ShownParts): string[] {
  return [
    OPENAPI_FILE,
    ...diagramFiles(parts.diagrams).map((f) => f.path),
    TYPES_FILE,
    CLIENT_FILE,
    ...parts.linked.paths,
  ];
}

export function siblingsOf(parts: ShownParts): Siblings {
  const shapes = emitBodyDeclarations(parts.typescript);
  return {
    paths: new Set(linkedPaths(parts)),
    diagrams: {
      architecture: parts.diagrams.architecture,
      erd: parts.diagrams.erd,
      auth: parts.diagrams.authFlow,
    },
    ...(shapes ? { shapes } : {}),
    ...(parts.linked.newest ? { migration: parts.linked.newest } : {}),
  };
}
