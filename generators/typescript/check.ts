/**
 * The checker of the TypeScript artifact: the TypeScript compiler (through ts-morph) over
 * types.ts and client.ts in an in-memory project — strict, noUncheckedIndexedAccess,
 * exactOptionalPropertyTypes, erasable syntax only, lib ES2022 + DOM (fetch). Every compiler
 * diagnostic becomes a contractor diagnostic at `file:line`.
 */
import { Project, ts } from "ts-morph";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import { diagnosticsFor } from "../../src/design/diagnostics.ts";
import type { GeneratedFile } from "../../src/core/artifact.ts";
import { typescriptCodes } from "./codes.ts";
import { buildSnapshotInBackground, takeCheckProcess, tsMorphLibs, type RawDiagnostic } from "./check-process.ts";

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

/** One compiler finding as a contractor diagnostic (`file` is the compiler's /out/… name). */
export function toDiagnostic(d: RawDiagnostic): Diagnostic {
  const file = d.file ? d.file.replace(/^\/out\//, "") : "tsconfig";
  return diag("ts-type-error", `TS${d.code}: ${d.message}`, `${file}:${d.line}`);
}

/** Type-checks the files (plus any `extra` files, e.g. a test's consistency check) in memory. */
export function typeCheck(files: readonly GeneratedFile[], extra: readonly GeneratedFile[] = []): Diagnostic[] {
  const p = project();
  for (const old of p.getSourceFiles()) p.removeSourceFile(old);
  for (const f of [...files, ...extra]) p.createSourceFile(`/out/${f.path}`, f.contents, { overwrite: true });
  const found = ts.getPreEmitDiagnostics(p.getProgram().compilerObject);
  return found.map((d) =>
    toDiagnostic({
      file: d.file?.fileName,
      line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
      code: d.code,
      message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
    }),
  );
}

/**
 * The artifact's check: in the compiler snapshot process when a one-shot build prestarted one
 * (check-process.ts), else in process; a one-shot build that found no snapshot has one built for
 * the next.
 */
export async function typeCheckBuild(
  files: readonly GeneratedFile[],
): Promise<{ diagnostics: Diagnostic[]; inSnapshot: boolean }> {
  const started = takeCheckProcess();
  if (started && started !== "no snapshot") {
    const raw = await started.check(files, CHECK_OPTIONS);
    if (raw) return { diagnostics: raw.map(toDiagnostic), inSnapshot: true };
  }
  const diagnostics = typeCheck(files);
  if (started) void buildSnapshotInBackground(tsMorphLibs(), CHECK_OPTIONS, files);
  return { diagnostics, inSnapshot: false };
}
