/**
 * What DESIGN.md and index.html show of the other artifacts, read from the build's model: the
 * files they link, the diagram sources, the request and response declarations (printed by the
 * emitter types.ts uses) and the newest migration.
 */
import type { Model } from "../model.ts";
import { OPENAPI_FILE } from "../openapi/index.ts";
import { diagramFiles } from "../mermaid/index.ts";
import { CLIENT_FILE, TYPES_FILE } from "../typescript/index.ts";
import { emitBodyDeclarations } from "../typescript/emit-types.ts";
import type { Siblings } from "./sections.ts";

export function siblingsOf(model: Model): Siblings {
  const paths = [
    OPENAPI_FILE,
    ...diagramFiles(model.diagrams).map((f) => f.path),
    TYPES_FILE,
    CLIENT_FILE,
    ...model.migrations.paths,
  ];
  const shapes = emitBodyDeclarations(model.typescript);
  return {
    paths: new Set(paths),
    diagrams: {
      architecture: model.diagrams.architecture,
      erd: model.diagrams.erd,
      auth: model.diagrams.authFlow,
    },
    ...(shapes ? { shapes } : {}),
    ...(model.migrations.newest ? { migration: model.migrations.newest } : {}),
  };
}
