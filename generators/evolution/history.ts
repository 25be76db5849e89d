/**
 * Migration history: the out dir keeps every migration contractor wrote plus
 * `migrations/contractor.lock.json` (each migration's files with their sha256). A build
 *  - with no history writes the initial migration and the lock;
 *  - with history re-emits every earlier migration byte for byte (copied from the previous build,
 *    never regenerated), refuses any that is changed or missing, and appends the next migration
 *    when the schema of the design changed since `design.json`;
 *  - with an unchanged schema adds nothing and changes no byte.
 * The SQL artifact calls `migrationHistory` from its `generate` (the seam between the two).
 */
import { createHash } from "node:crypto";
import type { ArtifactContext, GeneratedFile, MigrationFormat, PreviousBuild } from "../../src/pipeline/artifact.ts";
import type { NDesign } from "../../src/design/normalize.ts";
import { diagnosticsFor, type Diagnostic } from "../../src/design/diagnostics.ts";
import { evolutionCodes } from "./codes.ts";

const diag = diagnosticsFor(evolutionCodes);

export const LOCK_FILE = "migrations/contractor.lock.json";
export const DESIGN_FILE = "design.json";

export interface LockEntry {
  version: number;
  name: string;
  /** path → sha256 hex of the file's bytes (UTF-8). */
  files: Record<string, string>;
}

export interface Lock {
  generator: "contractor";
  format: MigrationFormat;
  migrations: LockEntry[];
}

/** A migration as files in the chosen format. */
export interface MigrationFiles {
  version: number;
  /** e.g. `0001_listly` — the golang-migrate stem, whatever the format. */
  name: string;
  files: GeneratedFile[];
}

export const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** Canonical JSON: object keys sorted at every level, two-space indent, LF, one trailing newline. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(sort(value), null, 2) + "\n";
}

/** `design.json`: the normalised design the build was made from (what the next build diffs against). */
export function designFile(design: NDesign): GeneratedFile {
  return { path: DESIGN_FILE, contents: canonicalJson(design) };
}

export function lockFile(lock: Lock): GeneratedFile {
  return { path: LOCK_FILE, contents: canonicalJson(lock) };
}

export function lockEntry(m: MigrationFiles): LockEntry {
  return { version: m.version, name: m.name, files: Object.fromEntries([...m.files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => [f.path, sha256(f.contents)])) };
}

function parseLock(text: string): Lock | undefined {
  try {
    const v = JSON.parse(text) as Lock;
    const ok =
      v && v.generator === "contractor" && typeof v.format === "string" && Array.isArray(v.migrations) &&
      v.migrations.every((m) => Number.isInteger(m.version) && typeof m.name === "string" && m.files && typeof m.files === "object" && Object.values(m.files).every((h) => typeof h === "string"));
    return ok ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the previous build's design (`design.json`); undefined when absent or unreadable. */
export function previousDesign(previous: PreviousBuild | undefined): NDesign | undefined {
  if (!previous?.designJson) return undefined;
  try {
    const d = JSON.parse(previous.designJson) as NDesign;
    return d && d.contractor === 1 && Array.isArray(d.data?.entities) && Array.isArray(d.api?.endpoints) ? d : undefined;
  } catch {
    return undefined;
  }
}

export interface History {
  lock: Lock;
  /** The earlier migrations' files, exactly as the previous build wrote them. */
  files: GeneratedFile[];
  diagnostics: Diagnostic[];
}

/**
 * The verified history of the previous build, or undefined when there is none (first build).
 * Every file the lock lists must be present with its checksum.
 */
export function readHistory(previous: PreviousBuild | undefined, format: MigrationFormat): History | undefined {
  const text = previous?.files.get(LOCK_FILE);
  if (text === undefined) return undefined;
  const diagnostics: Diagnostic[] = [];
  const lock = parseLock(text);
  if (!lock) {
    return { lock: { generator: "contractor", format, migrations: [] }, files: [], diagnostics: [diag("migration-lock-unreadable", `${LOCK_FILE} is not a contractor lock file; restore it from version control`, `${LOCK_FILE}:1`)] };
  }
  if (lock.format !== format) {
    diagnostics.push(diag("migrations-format-changed", `the migrations were written as ${lock.format}, this build asks for ${format}; build with --migrations-format ${lock.format}`, `${LOCK_FILE}:1`));
  }
  const files: GeneratedFile[] = [];
  for (const m of lock.migrations) {
    for (const [path, hash] of Object.entries(m.files)) {
      const contents = previous!.files.get(path);
      if (contents === undefined) {
        diagnostics.push(diag("migration-missing", `migration ${m.name} lost ${path}; restore it from version control (earlier migrations are never regenerated)`, `${path}:1`));
        continue;
      }
      if (sha256(contents) !== hash) {
        diagnostics.push(diag("migration-tampered", `${path} (migration ${m.name}) changed since it was written: sha256 ${sha256(contents).slice(0, 12)}… ≠ locked ${hash.slice(0, 12)}…; restore it and express the change in the design instead`, `${path}:1`));
      }
      files.push({ path, contents });
    }
  }
  return { lock, files, diagnostics };
}

/** What the next migration needs from its planner (plan.ts, on the SQL statement model). */
export type PlanNext = (before: NDesign, after: NDesign, version: number, ctx: ArtifactContext) => { migration?: MigrationFiles; diagnostics: Diagnostic[] };

/**
 * The migration files of this build (earlier ones copied, plus the next one when the schema
 * changed) and the lock. `initial` builds the first migration when there is no history.
 */
export function migrationHistory(ctx: ArtifactContext, initial: () => MigrationFiles, planNext: PlanNext): { files: GeneratedFile[]; diagnostics: Diagnostic[] } {
  const format = ctx.options.migrationsFormat;
  const history = readHistory(ctx.previous, format);
  if (!history) {
    const first = initial();
    return { files: [...first.files, lockFile({ generator: "contractor", format, migrations: [lockEntry(first)] })], diagnostics: [] };
  }
  const diagnostics = [...history.diagnostics];
  const lockText = ctx.previous!.files.get(LOCK_FILE)!;
  const before = previousDesign(ctx.previous);
  if (!before) {
    diagnostics.push(diag("previous-design-unreadable", `${DESIGN_FILE} of the previous build is missing or unreadable, so the next migration cannot be computed; restore it from version control`, `${DESIGN_FILE}:1`));
    return { files: [...history.files, { path: LOCK_FILE, contents: lockText }], diagnostics };
  }
  const last = history.lock.migrations.reduce((n, m) => Math.max(n, m.version), 0);
  const next = planNext(before, ctx.design, last + 1, ctx);
  diagnostics.push(...next.diagnostics);
  if (!next.migration) return { files: [...history.files, { path: LOCK_FILE, contents: lockText }], diagnostics };
  const lock: Lock = { ...history.lock, migrations: [...history.lock.migrations, lockEntry(next.migration)] };
  return { files: [...history.files, ...next.migration.files, lockFile(lock)], diagnostics };
}
