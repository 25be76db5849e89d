/**
 * The build: load → validate → semantic checks → normalise → generate (pure) → check (each
 * artifact's real consumer, through a `CheckExecutor`) → write atomically, or nothing at all when
 * any error was found.
 */
import { performance } from "node:perf_hooks";
import { loadDesignFile, parseDesignText, DEFAULT_MAX_BYTES } from "../design/load.ts";
import { validateDesign } from "../design/validate.ts";
import { normalizeDesign, type NDesign } from "../design/normalize.ts";
import type { Design } from "../design/schema.ts";
import { hasErrors, assert, type Diagnostic } from "../design/diagnostics.ts";
import { artifacts as defaultArtifacts, deriveModel } from "../../generators/index.ts";
import {
  resolveOptions,
  type Artifact,
  type GeneratedFile,
  type ResolvedOptions,
  type PreviousBuild,
  type MigrationFormat,
} from "../core/artifact.ts";
import { readPrevious, writeOutDir, compareOutDir, type StaleFile } from "./write.ts";
import { openOutDir, type OpenOutDir } from "./out-dir.ts";
import { fsDiagnostic } from "./fs-errors.ts";
import { checkNeeds, inProcessExecutor, type CheckExecutor } from "./executor.ts";

export { resolveOptions } from "../core/artifact.ts";

export interface BuildOptions {
  /** Output directory. When omitted the build only runs in memory. */
  out?: string;
  /** Compare with `out` instead of writing; stale files are reported as diagnostics. */
  check?: boolean;
  engine?: boolean;
  databaseUrl?: string;
  migrationsFormat?: MigrationFormat;
  render?: boolean;
  /** Accept destructive schema changes (dropped tables/columns, narrowing…) in the next migration. */
  allowDestructive?: boolean;
  /**
   * Seal the open migration (the newest one, regenerated from the released design on every build
   * until released): it becomes part of the history and the next schema change appends a new one.
   */
  release?: boolean;
  /** Largest design file accepted, in bytes. */
  maxBytes?: number;
  /** Called after each step with its duration. */
  onStep?: (step: StepTiming) => void;
  /** Override the artifact list (tests). */
  artifacts?: readonly Artifact[];
  /**
   * Where the checks run (executor.ts); the caller owns it and ends it. Default: on this thread,
   * one build at a time. The CLI passes worker threads (check-pool.ts).
   */
  executor?: CheckExecutor;
  /** How long to wait for another build holding the out dir's lock (default 5 minutes). */
  lockTimeoutMs?: number;
  /** Told when the build has to wait (for another build's lock). */
  onNotice?: (message: string) => void;
}

export interface StepTiming {
  step: string;
  ms: number;
  detail?: string;
}

export interface BuildResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  files: GeneratedFile[];
  timings: StepTiming[];
  /** True when the out dir was (re)written. */
  written: boolean;
  /** With `check`: files that differ from the out dir. */
  stale: StaleFile[];
  design?: NDesign;
}

const byPath = (a: GeneratedFile, b: GeneratedFile) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The artifacts whose checks read only their own files first (their checks start early), each group in list order. */
function generationOrder(artifacts: readonly Artifact[]): Artifact[] {
  const early = artifacts.filter((a) => a.check && checkNeeds(a) === "own");
  return [...early, ...artifacts.filter((a) => !early.includes(a))];
}

/** Either a path to a design file or its text. */
export type DesignInput = { file: string } | { text: string; name?: string };

class Timer {
  readonly timings: StepTiming[] = [];
  private readonly onStep: ((s: StepTiming) => void) | undefined;
  constructor(onStep?: (s: StepTiming) => void) {
    this.onStep = onStep;
  }
  private closed = false;
  /** Steps that finish after this are not reported (checks whose build already failed). */
  close(): void {
    this.closed = true;
  }
  async run<T>(step: string, fn: () => T | Promise<T>, detail?: (value: T) => string | undefined): Promise<T> {
    const start = performance.now();
    const value = await fn();
    if (this.closed) return value;
    const t: StepTiming = { step, ms: performance.now() - start };
    const d = detail?.(value);
    if (d) t.detail = d;
    this.timings.push(t);
    this.onStep?.(t);
    return value;
  }
}

/** Load and validate only (what `contractor validate` runs). */
export async function validate(input: DesignInput, options: Pick<BuildOptions, "maxBytes" | "onStep"> = {}) {
  const timer = new Timer(options.onStep);
  const loaded = await timer.run("load", () =>
    "file" in input
      ? loadDesignFile(input.file, { maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES })
      : parseDesignText(input.text, "auto", options.maxBytes ?? DEFAULT_MAX_BYTES),
  );
  if (hasErrors(loaded.diagnostics)) return { ok: false, diagnostics: loaded.diagnostics, timings: timer.timings };
  const result = await timer.run("validate", () => validateDesign(loaded.value));
  const written = result.design && !hasErrors(result.diagnostics) ? result.design : undefined;
  const design = written ? normalizeDesign(written) : undefined;
  // Load warnings (bidi controls in the text) ride along with the validation diagnostics.
  const diagnostics = [...loaded.diagnostics, ...result.diagnostics];
  return {
    ok: !hasErrors(diagnostics),
    diagnostics,
    timings: timer.timings,
    ...(design && written ? { design, input: written } : {}),
  };
}

export async function build(input: DesignInput, options: BuildOptions = {}): Promise<BuildResult> {
  const resolved = resolveOptions(options);
  const executor = options.executor ?? inProcessExecutor();
  // Warming the checkers overlaps loading, validating and generating.
  executor.start(options.artifacts ?? defaultArtifacts, resolved);
  return buildWith(input, options, resolved, executor);
}

async function buildWith(
  input: DesignInput,
  options: BuildOptions,
  resolved: ResolvedOptions,
  executor: CheckExecutor,
): Promise<BuildResult> {
  const timer = new Timer(options.onStep);
  const base = { files: [] as GeneratedFile[], written: false, stale: [] as StaleFile[] };
  const validated = await validate(input, { ...options, onStep: (s) => options.onStep?.(s) });
  timer.timings.push(...validated.timings);
  if (!validated.design || !validated.input)
    return { ...base, ok: false, diagnostics: validated.diagnostics, timings: timer.timings };
  const diagnostics: Diagnostic[] = [...validated.diagnostics];

  // A writing build holds the out dir's lock from before the previous build is read (an
  // interrupted write recovered first) until its own write is done.
  let out: OpenOutDir | undefined;
  try {
    if (options.out && !options.check) {
      out = await openOutDir(options.out, {
        ...("file" in input ? { designFile: input.file } : {}),
        ...(options.lockTimeoutMs !== undefined ? { timeoutMs: options.lockTimeoutMs } : {}),
        ...(options.onNotice ? { onWait: options.onNotice } : {}),
      });
      diagnostics.push(...out.diagnostics);
    }
    return await buildIn(
      out?.dir ?? options.out,
      validated.design,
      validated.input,
      diagnostics,
      options,
      resolved,
      executor,
      timer,
    );
  } catch (error) {
    // The file system said no (or the out dir is not one contractor may write): a diagnostic.
    const found = fsDiagnostic(error);
    if (!found) throw error;
    return {
      ...base,
      ok: false,
      diagnostics: [...diagnostics, found],
      timings: timer.timings,
      design: validated.design,
    };
  } finally {
    await out?.release();
  }
}

async function buildIn(
  outDir: string | undefined,
  design: NDesign,
  input: Design,
  diagnostics: Diagnostic[],
  options: BuildOptions,
  resolved: ResolvedOptions,
  executor: CheckExecutor,
  timer: Timer,
): Promise<BuildResult> {
  const base = { files: [] as GeneratedFile[], written: false, stale: [] as StaleFile[] };
  const previous: PreviousBuild | undefined = outDir ? await readPrevious(outDir) : undefined;
  const given = { design, input, options: resolved, ...(previous ? { previous } : {}) };
  const ctx = { ...given, model: await timer.run("derive", () => deriveModel(given)) };
  const artifacts = options.artifacts ?? defaultArtifacts;

  const owned = new Map<Artifact, GeneratedFile[]>();
  const generated = new Map<Artifact, Diagnostic[]>();
  const paths = new Set<string>();
  const generate = async (artifact: Artifact) => {
    const out = await timer.run(`generate ${artifact.name}`, () => artifact.generate(ctx));
    const files = Array.isArray(out) ? out : out.files;
    generated.set(artifact, Array.isArray(out) ? [] : out.diagnostics);
    for (const f of files) {
      assert(
        /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(f.path) && !f.path.split("/").includes(".."),
        `artifact ${artifact.name} produced an unsafe path ${f.path}`,
      );
      assert(
        f.contents.endsWith("\n") && !f.contents.includes("\r"),
        `artifact ${artifact.name}: ${f.path} must be LF with one trailing newline`,
      );
      assert(!paths.has(f.path), `two artifacts produced ${f.path}`);
      paths.add(f.path);
    }
    owned.set(artifact, files);
  };
  const checks = new Map<Artifact, Promise<Diagnostic[]>>();
  const check = (artifact: Artifact, files: readonly GeneratedFile[]) => {
    const checking = timer
      .run(
        `check ${artifact.name}`,
        () => executor.check(artifact, owned.get(artifact)!, { ...ctx, files }),
        (r) => r.notes.join("; ") || undefined,
      )
      .then((r) => r.diagnostics);
    checking.catch(() => undefined); // awaited below (allSettled); not an unhandled rejection meanwhile
    checks.set(artifact, checking);
  };
  const clean = () => !hasErrors(diagnostics) && ![...generated.values()].some(hasErrors);

  // A check that reads only its artifact's files starts as soon as they are generated (those
  // artifacts are generated first), while the rest are generated.
  for (const artifact of generationOrder(artifacts)) {
    await generate(artifact);
    if (artifact.check && checkNeeds(artifact) === "own" && clean()) check(artifact, owned.get(artifact)!);
  }
  for (const artifact of artifacts) diagnostics.push(...generated.get(artifact)!); // in artifact order, whatever the generation order
  const files = [...owned.values()].flat().sort(byPath);

  if (hasErrors(diagnostics)) {
    // Checks that started before a generator found an error are left to finish unreported.
    timer.close();
  } else {
    for (const artifact of artifacts) if (artifact.check && !checks.has(artifact)) check(artifact, files);
    const settled = await Promise.allSettled(artifacts.filter((a) => checks.has(a)).map((a) => checks.get(a)!));
    for (const r of settled) {
      if (r.status === "rejected") throw r.reason;
      diagnostics.push(...r.value);
    }
  }

  if (resolved.render && !hasErrors(diagnostics)) {
    for (const artifact of artifacts) {
      if (!artifact.render) continue;
      const notes: string[] = [];
      const rendered = await timer.run(
        `render ${artifact.name}`,
        () => artifact.render!(owned.get(artifact)!, { ...ctx, files, note: (m) => notes.push(m) }),
        () => notes.join("; ") || undefined,
      );
      diagnostics.push(...rendered.diagnostics);
      for (const f of rendered.files) {
        assert(
          /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(f.path) && !paths.has(f.path),
          `artifact ${artifact.name} rendered an unsafe or duplicate path ${f.path}`,
        );
        paths.add(f.path);
        files.push(f);
      }
    }
    files.sort(byPath);
  }

  const ok = !hasErrors(diagnostics);
  if (!ok || !outDir) return { ...base, ok, diagnostics, files, timings: timer.timings, design };
  if (options.check) {
    const stale = await timer.run("compare", () => compareOutDir(outDir, files));
    for (const s of stale)
      diagnostics.push({
        code: "out-of-date",
        severity: "error",
        message: `${s.path} is ${s.reason}; run contractor build`,
        path: `${s.path}`,
      });
    return { ...base, ok: stale.length === 0, diagnostics, files, timings: timer.timings, stale, design };
  }
  await timer.run(
    "write",
    () => writeOutDir(outDir, files),
    () => `${files.length} files`,
  );
  return { ...base, ok, diagnostics, files, timings: timer.timings, written: true, design };
}
