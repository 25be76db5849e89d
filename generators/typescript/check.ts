/**
 * The checker of the TypeScript artifact: the TypeScript compiler (through ts-morph) over
 * types.ts and client.ts in an in-memory project — strict, noUncheckedIndexedAccess,
 * exactOptionalPropertyTypes, erasable syntax only, lib ES2022 + DOM (fetch). Every compiler
 * diagnostic becomes a contractor diagnostic at `file:line`.
 */
import { Project, ts } from "ts-morph";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import { diagnosticsFor } from "../../src/design/diagnostics.ts";
import type { GeneratedFile } from "../../src/pipeline/artifact.ts";
import { typescriptCodes } from "./codes.ts";

const diag = diagnosticsFor(typescriptCodes);

/** The compiler options the generated files must satisfy: the strictest a consumer may use. */
export const CHECK_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  noImplicitOverride: true,
  noImplicitReturns: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  isolatedModules: true,
  verbatimModuleSyntax: true,
  erasableSyntaxOnly: true,
  skipLibCheck: true,
  noEmit: true,
  types: [],
};

// One in-memory project for the process: each check replaces its source files, and the compiler
// reuses the parsed lib files (lib.dom.d.ts alone is most of a small check's cost) from the old program.
let shared: Project | undefined;

function project(): Project {
  return (shared ??= new Project({ useInMemoryFileSystem: true, compilerOptions: CHECK_OPTIONS }));
}

/**
 * Parses the lib files into the shared project (most of a first check's cost) without type
 * checking anything: a throw-away checker over a placeholder file would cost more than it saves.
 */
export function warmCompiler(): void {
  const p = project();
  p.createSourceFile("/out/warm.ts", "export {};\n", { overwrite: true });
  p.getProgram().compilerObject.getSourceFiles();
}

/** Type-checks the files (plus any `extra` files, e.g. a test's consistency check) in memory. */
export function typeCheck(files: readonly GeneratedFile[], extra: readonly GeneratedFile[] = []): Diagnostic[] {
  const p = project();
  for (const old of p.getSourceFiles()) p.removeSourceFile(old);
  for (const f of [...files, ...extra]) p.createSourceFile(`/out/${f.path}`, f.contents, { overwrite: true });
  const found = ts.getPreEmitDiagnostics(p.getProgram().compilerObject);
  return found.map((d) => {
    const file = d.file ? d.file.fileName.replace(/^\/out\//, "") : "tsconfig";
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    return diag("ts-type-error", `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`, `${file}:${line}`);
  });
}
