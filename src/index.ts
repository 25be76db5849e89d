/** The library: everything the CLI does. */
export { build, validate, resolveOptions } from "./pipeline/build.ts";
export type { BuildOptions, BuildResult, DesignInput, StepTiming } from "./pipeline/build.ts";
export { diff } from "./pipeline/diff.ts";
export type { DiffOptions, DiffResult } from "./pipeline/diff.ts";
export type { Diagnostic, Severity } from "./design/diagnostics.ts";
export type { Design } from "./design/schema.ts";
export type { NDesign } from "./design/normalize.ts";
export type { GeneratedFile, Artifact, MigrationFormat } from "./core/artifact.ts";
export { DesignSchema } from "./design/schema.ts";
export { registry as diagnosticCodes } from "./diagnostics/registry.ts";
export { importOpenApi, LOSS_CLASSES } from "./import/openapi.ts";
export type { ImportOptions, ImportResult, Loss, LossClass } from "./import/openapi.ts";
export { importPostgres, importSql, readCatalog } from "./import/postgres.ts";
export type { CatalogModel, DatabaseImportOptions, DatabaseImportResult } from "./import/postgres.ts";
export { draft } from "./agent/draft.ts";
export type { DraftOptions, DraftResult } from "./agent/draft.ts";
