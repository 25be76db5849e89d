/**
 * The contract between the pipeline and the generators: each artifact folder under
 * `generators/` exports one `Artifact` — a pure `generate` and an async `check` run by its
 * real consumer (parser, engine, compiler).
 */
import type { Diagnostic } from "../design/diagnostics.ts";
import type { NDesign } from "../design/normalize.ts";
import type { Design } from "../design/schema.ts";

export interface GeneratedFile {
  /** Relative POSIX path inside the out dir, e.g. `migrations/0001_init.up.sql`. */
  path: string;
  contents: string;
}

export const MIGRATION_FORMATS = ["golang-migrate", "dbmate", "flyway"] as const;
export type MigrationFormat = (typeof MIGRATION_FORMATS)[number];

/** Options resolved once (defaults filled) and frozen before any generator runs. */
export interface ResolvedOptions {
  /** Run the real database engine round trip of the migrations (default true). */
  engine: boolean;
  /** Use this PostgreSQL server instead of the embedded engine. */
  databaseUrl?: string;
  migrationsFormat: MigrationFormat;
  /** Render diagrams to SVG with a headless browser. */
  render: boolean;
  /** Accept destructive schema changes in the next migration (their lint findings become warnings). */
  allowDestructive: boolean;
  /** Seal the open migration: it becomes released and is never regenerated again. */
  release: boolean;
}

/** The options every artifact sees, defaults filled in (frozen). */
export function resolveOptions(options: Partial<ResolvedOptions>): ResolvedOptions {
  return Object.freeze({
    engine: options.engine ?? true,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    migrationsFormat: options.migrationsFormat ?? "golang-migrate",
    render: options.render ?? false,
    allowDestructive: options.allowDestructive ?? false,
    release: options.release ?? false,
  });
}

/** What a build knows of the previous build in the out dir (for design evolution). */
export interface PreviousBuild {
  /** The canonical design of the previous build (`design.json`), if any. */
  designJson?: string;
  /** Files the previous build owned, by path. */
  files: ReadonlyMap<string, string>;
}

export interface ArtifactContext {
  readonly design: NDesign;
  /**
   * The design as written (validated, before normalisation), which `design.json` records so a
   * later contractor normalises it again. Set by the build; checks in worker threads go without.
   */
  readonly input?: Design;
  readonly options: ResolvedOptions;
  readonly previous?: PreviousBuild;
}

export interface CheckContext extends ArtifactContext {
  /** The files the check reads (`Artifact.checkNeeds`): its own, or every file of this build. */
  readonly files: readonly GeneratedFile[];
  /** Report a sub-step and its duration on the progress line (e.g. "engine round trip"). */
  note(message: string): void;
}

/** Which files an artifact's check reads (see `Artifact.checkNeeds`). */
export type CheckNeeds = "own" | "all";

/**
 * `Context` is what `generate`, `check` and `render` receive: `ArtifactContext` for an artifact
 * that reads only the design, or a context the generators extend with the model the build derives
 * once before any artifact generates (generators/model.ts `ModelContext`).
 */
export interface Artifact<Context extends ArtifactContext = ArtifactContext> {
  /** Short name used in progress lines and timings: `openapi`, `sql`, `mermaid`… */
  readonly name: string;
  /** Pure: the same design and options always give the same files, byte for byte. */
  generate(ctx: Context): GeneratedFile[] | { files: GeneratedFile[]; diagnostics: Diagnostic[] };
  /** Runs the artifact's own consumer over its files; returns findings as diagnostics. */
  check?(own: readonly GeneratedFile[], ctx: Context & CheckContext): Promise<Diagnostic[]>;
  /**
   * Which files `check` reads: `"own"` — only its own (`ctx.files` is then just those, and the
   * check may start as soon as the artifact is generated) — or `"all"`, every file of the build
   * (the default: it waits until every artifact is generated).
   */
  readonly checkNeeds?: CheckNeeds;
  /**
   * Checks with the same affinity share what they keep warm (an engine, a parser, a compiler): an
   * executor with threads runs them in one thread. Without one, the artifact's name is its affinity.
   */
  readonly affinity?: string;
  /**
   * Optional: loads what `check` needs that is slow to start (a compiler and its lib files, a
   * parser module, an embedded engine), so the first check does not pay for it. Called at the
   * start of a build, while the design is still being loaded and generated; no output.
   */
  warm?(options: ResolvedOptions): Promise<void>;
  /**
   * Only with `options.render`, after every check passed: derived files that need a tool with
   * I/O (diagram SVGs drawn in a headless browser). Not pure, so kept apart from `generate`.
   */
  render?(
    own: readonly GeneratedFile[],
    ctx: Context & CheckContext,
  ): Promise<{ files: GeneratedFile[]; diagnostics: Diagnostic[] }>;
}

/** A fixed header for generated text files; `comment` is the line-comment prefix. */
export function generatedHeader(comment: string, source = "the design"): string {
  return `${comment} Generated by contractor from ${source}. Do not edit: change the design and rebuild.\n`;
}
