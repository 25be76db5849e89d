/**
 * The TypeScript artifact: `types.ts` (interfaces, enums, error catalog, endpoint map) and
 * `client.ts` (a typed fetch client), both printed from the TypeScript model the build derived
 * (model.ts) and checked by the TypeScript compiler in strict mode with zero diagnostics allowed.
 */
import type { Artifact, GeneratedFile } from "../../src/core/artifact.ts";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import { diagnosticsFor } from "../../src/design/diagnostics.ts";
import type { NDesign } from "../../src/design/normalize.ts";
import type { ModelContext } from "../model.ts";
import { buildModel, CLIENT_FILE, TYPES_FILE, type TsModel } from "./model.ts";
import { emitTypes } from "./emit-types.ts";
import { emitClient, RESERVED_INPUT } from "./emit-client.ts";
import { typeCheckBuild, warmCompiler } from "./check.ts";
import { typescriptCodes } from "./codes.ts";

export { CLIENT_FILE, TYPES_FILE };

const diag = diagnosticsFor(typescriptCodes);

/** `types.ts` and `client.ts` of a TypeScript model; reports parameter names the client input cannot carry. */
function emitTypeScript(model: TsModel): { files: GeneratedFile[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  for (const e of model.endpoints) {
    for (const r of RESERVED_INPUT) {
      const i = e.params.findIndex((p) => p.name === r.name && p.in !== "header");
      if (i >= 0 && r.applies(e)) {
        diagnostics.push(
          diag(
            "ts-input-name-reserved",
            `operation ${e.operationId}: parameter "${r.name}" collides with the client's \`${r.name}\` input; rename the parameter`,
            `${e.at}/params/${i}/name`,
          ),
        );
      }
    }
  }
  const files = [
    { path: TYPES_FILE, contents: emitTypes(model) },
    { path: CLIENT_FILE, contents: emitClient(model) },
  ];
  return { files, diagnostics };
}

/** The files of a design outside a build: its TypeScript model, derived and emitted. */
export function generateTypeScript(design: NDesign): { files: GeneratedFile[]; diagnostics: Diagnostic[] } {
  return emitTypeScript(buildModel(design));
}

export const typescriptArtifact: Artifact<ModelContext> = {
  name: "typescript",
  checkNeeds: "own",
  generate: (ctx) => emitTypeScript(ctx.model.typescript),
  // The compiler with the lib files parsed (most of a first check), kept for the checks that follow.
  warm: async () => warmCompiler(),
  async check(own, ctx) {
    const { diagnostics, inSnapshot } = await typeCheckBuild(own);
    ctx.note(
      `tsc strict: ${own.length} files, ${diagnostics.length} diagnostics${inSnapshot ? " (compiler snapshot process)" : ""}`,
    );
    return diagnostics;
  },
};
