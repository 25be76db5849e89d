/**
 * The build: load → validate → semantic checks → normalise → generate (pure) → check (each
 * artifact's real consumer) → write atomically, or nothing at all when any error was found.
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
} from "./artifact.ts";
import { readPrevious, writeOutDir, compareOutDir, type StaleFile } from "./write.ts";
import { openOutDir, type OpenOutDir } from "./out-dir.ts";
import { fsDiagnostic } from "./fs-errors.ts";
import { CheckSession, workerArtifacts, workersEnabled } from "./check-pool.ts";

export { resolveOptions } from "./artifact.ts";

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
  // The default artifacts' heavy checkers start warming up in worker threads right away (check-pool.ts).
  const remote = workersEnabled() ? await workerArtifacts(options.artifacts ?? defaultArtifacts) : new Set<string>();
  const session = remote.size ? new CheckSession(remote, resolved) : undefined;
  try {
    return await buildWith(input, options, resolved, session);
  } finally {
    session?.end();
  }
}

async function buildWith(
  input: DesignInput,
  options: BuildOptions,
  resolved: ResolvedOptions,
  session: CheckSession | undefined,
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
      session,
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
  session: CheckSession | undefined,
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
  const byPath = (a: GeneratedFile, b: GeneratedFile) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

  // Checks in workers run concurrently with the main thread; a self-contained worker group (the
  // engine's) is generated first and starts checking while the main thread generates the rest.
  const checked = artifacts.filter((a) => a.check);
  const remote = session ? checked.filter((a) => session.handles(a.name)) : [];
  const earlyNames = session ? session.early() : [];
  const early = artifacts.filter((a) => earlyNames.includes(a.name));
  const found = new Map<Artifact, Promise<Diagnostic[]>>();
  const checkRemote = (artifact: Artifact) => {
    const checking = timer
      .run(
        `check ${artifact.name}`,
        () => session!.check(artifact.name, owned.get(artifact)!),
        (r) => r.notes.join("; ") || undefined,
      )
      .then((r) => r.diagnostics);
    checking.catch(() => undefined); // awaited below (allSettled); not an unhandled rejection meanwhile
    found.set(artifact, checking);
  };
  for (const artifact of early) await generate(artifact);
  if (session && early.length && !hasErrors([...diagnostics, ...[...generated.values()].flat()])) {
    session.begin([...owned.values()].flat().sort(byPath), design, resolved, previous, earlyNames);
    for (const artifact of remote) if (earlyNames.includes(artifact.name)) checkRemote(artifact);
  }
  for (const artifact of artifacts) if (!owned.has(artifact)) await generate(artifact);
  for (const artifact of artifacts) diagnostics.push(...generated.get(artifact)!); // in artifact order, whatever the generation order
  const files = [...owned.values()].flat().sort(byPath);

  if (!hasErrors(diagnostics)) {
    if (session && remote.length) session.begin(files, design, resolved, previous);
    for (const artifact of remote) if (!found.has(artifact)) checkRemote(artifact);
    // In-process checks start one after another without waiting for each other: a check that
    // hands its files to another process (the compiler snapshot) has them sent at once.
    for (const artifact of checked) {
      if (found.has(artifact)) continue;
      const notes: string[] = [];
      found.set(
        artifact,
        timer.run(
          `check ${artifact.name}`,
          () => artifact.check!(owned.get(artifact)!, { ...ctx, files, note: (m) => notes.push(m) }),
          () => notes.join("; ") || undefined,
        ),
      );
    }
    const settled = await Promise.allSettled(checked.map((a) => found.get(a)!));
    for (const r of settled) {
      if (r.status === "rejected") throw r.reason;
      diagnostics.push(...r.value);
    }
  } else {
    // A generator found errors after the early checks started: they are left to finish unreported.
    timer.close();
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
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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
