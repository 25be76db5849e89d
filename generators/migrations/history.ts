/**
 * Migration history: the out dir keeps every migration contractor wrote plus
 * `migrations/contractor.lock.json` (each migration's files with their sha256, and `released`:
 * the highest released version). Released migrations are sealed: a build re-emits them byte for
 * byte (copied from the previous build, never regenerated) and refuses any that is changed or
 * missing. The newest migration, while its version is above `released`, is open: every build
 * regenerates it from the design at the last release (`design.released.json`) to the current
 * design, so work in progress does not pile up migrations; it disappears when the schema is back
 * to the released one. A release build (`build --release`) seals it. A lock without `released`
 * (the first lock format) counts every migration as released and `design.json` as the
 * released design. A lock may name a `baseline`: the released migration that recreates an
 * imported database's schema (baseline.ts), which a database that already has it marks applied.
 * `design.json` and `design.released.json` hold `{ contractor: <format>, generator, design }`: the
 * design as written, validated and normalised again when read, so a change of normalisation
 * between contractor versions is not a design change. Files of format 1 (the normalised model
 * itself, no wrapper) are read as they are.
 * derive.ts assembles a build's migration files and lock from what this module reads.
 */
import { createHash } from "node:crypto";
import type { ArtifactContext, GeneratedFile, MigrationFormat, PreviousBuild } from "../../src/core/artifact.ts";
import { normalizeDesign, resolveDefaults, type NDesign } from "../../src/design/normalize.ts";
import type { Design } from "../../src/design/schema.ts";
import { validateDesign } from "../../src/design/validate.ts";
import { assert, hasErrors, type Diagnostic } from "../../src/design/diagnostics.ts";
import { packageVersion } from "../../src/core/package-files.ts";
import type { MigrationFiles } from "./format.ts";
import { migrationDiag } from "./codes.ts";

export const LOCK_FILE = "migrations/contractor.lock.json";
const DESIGN_FILE = "design.json";
/** The normalised design at the last release (canonical JSON), absent until something is released. */
export const RELEASED_FILE = "design.released.json";

export interface LockEntry {
  version: number;
  name: string;
  /** path → sha256 hex of the file's bytes (UTF-8). */
  files: Record<string, string>;
}

export interface Lock {
  generator: "contractor";
  format: MigrationFormat;
  /** The highest released version (0: nothing released); absent in locks of the first format. */
  released?: number;
  /**
   * The version of the baseline migration, when the history starts from an existing database
   * (`contractor import … --baseline`): it creates the schema that database already has, so
   * deployments mark it applied instead of running it. Absent in every other lock.
   */
  baseline?: number;
  migrations: LockEntry[];
}

export const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** Canonical JSON: object keys sorted at every level, two-space indent, LF, one trailing newline. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(value), null, 2) + "\n";
}

/**
 * The format of `design.json` and `design.released.json`. Format 1 was the normalised model
 * itself (its `contractor` key is the design language's, always 1); format 2 wraps the input design.
 */
export const DESIGN_FORMAT = 2;

/** What a design file records: its format, the contractor that wrote it, and the design as written. */
interface DesignRecord {
  contractor: typeof DESIGN_FORMAT;
  /** `contractor-cli@<version>`: a new contractor version rewrites this line, and nothing else when the design is unchanged. */
  generator: string;
  design: Design;
}

/** `design.json`: the design the build was made from (what the next build diffs against), as written. */
export function designFile(input: Design, path: string = DESIGN_FILE): GeneratedFile {
  const record: DesignRecord = {
    contractor: DESIGN_FORMAT,
    generator: `contractor-cli@${packageVersion()}`,
    design: input,
  };
  return { path, contents: canonicalJson(record) };
}

/** A design file read back: the design normalised by this contractor, or why it cannot be used. */
export type DesignRead =
  | {
      design: NDesign;
      /** Canonical JSON of `design`: equal for two files exactly when this contractor sees the same design. */
      model: string;
      /** Format 1: the normalised model of the contractor that wrote it, used as it is. */
      legacy: boolean;
      diagnostics: [];
    }
  | { design?: undefined; diagnostics: [Diagnostic] };

/** The identity of a normalised design, comparable with `DesignRead.model`. */
export const designModel = (design: NDesign): string => canonicalJson(design);

/**
 * Which design file format a text is, judged by its shape only (`diff` tells a build's design file
 * from a design written as JSON this way): 2 for the wrapper, 1 for a normalised model.
 */
export function designFileKind(text: string): 1 | 2 | undefined {
  return kindOf(parseJson(text));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function kindOf(v: unknown): 1 | 2 | undefined {
  if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.generator === "string" && "design" in o) return 2;
  const api = o.api as Record<string, unknown> | undefined;
  const data = o.data as Record<string, unknown> | undefined;
  return o.contractor === 1 &&
    typeof api?.versionedBasePath === "string" &&
    Array.isArray(api.endpoints) &&
    Array.isArray(data?.entities)
    ? 1
    : undefined;
}

/**
 * Reads `design.json` or `design.released.json` (`path`): format 2 is validated and normalised
 * again; format 1 (the normalised model) is recognised by its shape and used as it is. Anything
 * else is a diagnostic, never a crash.
 */
export function readDesignFile(text: string, path: string): DesignRead {
  const unreadable = (why: string): DesignRead => ({
    diagnostics: [migrationDiag("previous-design-unreadable", `${path} ${why}`, `${path}:1`)],
  });
  const restore = "; restore it from version control";
  const value = parseJson(text);
  const kind = kindOf(value);
  if (kind === 1) {
    // Format 1 is the normalised model itself, possibly without every default filled in.
    const design = resolveDefaults(value as NDesign);
    return { design, model: designModel(design), legacy: true, diagnostics: [] };
  }
  if (kind === 2) {
    const v = value as { contractor: unknown; generator: string; design: unknown };
    if (v.contractor !== DESIGN_FORMAT) {
      return unreadable(
        typeof v.contractor === "number" && v.contractor > DESIGN_FORMAT
          ? `was written by ${v.generator} in a newer format (${v.contractor}); upgrade contractor`
          : `has an unknown format${restore}`,
      );
    }
    const checked = validateDesign(v.design);
    if (!checked.design || hasErrors(checked.diagnostics)) {
      const first = checked.diagnostics.find((d) => d.severity === "error");
      return unreadable(
        `holds a design this contractor rejects${first ? ` (${first.code} at ${first.path || "/"}: ${first.message})` : ""}${restore}`,
      );
    }
    const design = normalizeDesign(checked.design);
    return { design, model: designModel(design), legacy: false, diagnostics: [] };
  }
  return unreadable(`is not JSON contractor wrote${restore}`);
}

export function lockFile(lock: Lock): GeneratedFile {
  return { path: LOCK_FILE, contents: canonicalJson(lock) };
}

export function lockEntry(m: MigrationFiles): LockEntry {
  return {
    version: m.version,
    name: m.name,
    files: Object.fromEntries(
      [...m.files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => [f.path, sha256(f.contents)]),
    ),
  };
}

function parseLock(text: string): Lock | undefined {
  try {
    const v = JSON.parse(text) as Lock;
    const ok =
      v &&
      v.generator === "contractor" &&
      typeof v.format === "string" &&
      Array.isArray(v.migrations) &&
      (v.released === undefined || (Number.isInteger(v.released) && v.released >= 0)) &&
      (v.baseline === undefined ||
        (Number.isInteger(v.baseline) && v.baseline >= 1 && v.baseline <= (v.released ?? Number.POSITIVE_INFINITY))) &&
      v.migrations.every(
        (m) =>
          Number.isInteger(m.version) &&
          typeof m.name === "string" &&
          m.files &&
          typeof m.files === "object" &&
          Object.values(m.files).every((h) => typeof h === "string"),
      );
    return ok ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the previous build's design (`design.json`); undefined when there is none. */
export function previousDesign(previous: PreviousBuild | undefined): DesignRead | undefined {
  return previous?.designJson === undefined ? undefined : readDesignFile(previous.designJson, DESIGN_FILE);
}

/** The newest migration version of a lock (0 when it has none). */
const newestVersion = (lock: Lock) => lock.migrations.reduce((n, m) => Math.max(n, m.version), 0);

export interface History {
  lock: Lock;
  /**
   * The highest released version: every migration up to it is sealed. A lock without `released`
   * (the first lock format) counts every migration in it as released.
   */
  released: number;
  /** The sealed migrations' files, exactly as the previous build wrote them. */
  files: GeneratedFile[];
  diagnostics: Diagnostic[];
}

/**
 * The verified history of the previous build, or undefined when there is none (first build).
 * Every file of a released migration must be present with its checksum. The open migration is
 * regenerated, so its files may be missing (deleted to have them rebuilt), but one that differs
 * from what contractor wrote was edited by hand: refused rather than silently overwritten.
 */
export function readHistory(previous: PreviousBuild | undefined, format: MigrationFormat): History | undefined {
  const text = previous?.files.get(LOCK_FILE);
  if (text === undefined) return undefined;
  const diagnostics: Diagnostic[] = [];
  const lock = parseLock(text);
  if (!lock) {
    return {
      lock: { generator: "contractor", format, released: 0, migrations: [] },
      released: 0,
      files: [],
      diagnostics: [
        migrationDiag(
          "migration-lock-unreadable",
          `${LOCK_FILE} is not a contractor lock file; restore it from version control`,
          `${LOCK_FILE}:1`,
        ),
      ],
    };
  }
  if (lock.format !== format) {
    diagnostics.push(
      migrationDiag(
        "migrations-format-changed",
        `the migrations were written as ${lock.format}, this build asks for ${format}; build with --migrations-format ${lock.format}`,
        `${LOCK_FILE}:1`,
      ),
    );
  }
  const released = lock.released ?? newestVersion(lock);
  const files: GeneratedFile[] = [];
  for (const m of lock.migrations) {
    const open = m.version > released;
    for (const [path, hash] of Object.entries(m.files)) {
      const contents = previous!.files.get(path);
      if (contents === undefined) {
        if (!open)
          diagnostics.push(
            migrationDiag(
              "migration-missing",
              `migration ${m.name} lost ${path}; restore it from version control (released migrations are never regenerated)`,
              `${path}:1`,
            ),
          );
        continue;
      }
      if (sha256(contents) !== hash) {
        diagnostics.push(
          open
            ? migrationDiag(
                "migration-tampered",
                `${path} (open migration ${m.name}) was edited by hand: contractor regenerates an open migration from the design on every build and will not overwrite an edit; express the change in the design, or delete the file to have it regenerated`,
                `${path}:1`,
              )
            : migrationDiag(
                "migration-tampered",
                `${path} (migration ${m.name}) changed since it was written: sha256 ${sha256(contents).slice(0, 12)}… ≠ locked ${hash.slice(0, 12)}…; restore it and express the change in the design instead`,
                `${path}:1`,
              ),
        );
      }
      if (!open) files.push({ path, contents });
    }
  }
  return { lock, released, files, diagnostics };
}

/** The design the open migration is planned from: the design at the last release. */
export interface ReleasedBase {
  /** The last released version (0: nothing released, the open migration is the initial one). */
  version: number;
  /** The design at that release; undefined when nothing is released or it cannot be read. */
  design?: NDesign;
  /** `designModel(design)`: what the current design is compared with. */
  model?: string;
  /** The file's bytes, as `design.released.json` keeps them (re-emitted unchanged until the next release). */
  text?: string;
  diagnostics: Diagnostic[];
}

/**
 * The released design: `design.released.json`, or for a lock of the first format
 * (every migration released) the previous build's `design.json`.
 */
export function releasedBase(previous: PreviousBuild | undefined, history: History): ReleasedBase {
  const version = history.released;
  if (version === 0) return { version, diagnostics: [] };
  const legacy = history.lock.released === undefined;
  const text = legacy ? previous?.designJson : previous?.files.get(RELEASED_FILE);
  if (text === undefined) {
    return {
      version,
      diagnostics: [
        legacy
          ? migrationDiag(
              "previous-design-unreadable",
              `${DESIGN_FILE} of the previous build is missing, so the next migration cannot be computed; restore it from version control`,
              `${DESIGN_FILE}:1`,
            )
          : migrationDiag(
              "migration-missing",
              `${RELEASED_FILE} (the design at the release of migration ${String(version).padStart(4, "0")}) is missing, so the open migration cannot be planned; restore it from version control`,
              `${RELEASED_FILE}:1`,
            ),
      ],
    };
  }
  const read = readDesignFile(text, legacy ? DESIGN_FILE : RELEASED_FILE);
  if (!read.design) return { version, diagnostics: read.diagnostics };
  return { version, design: read.design, model: read.model, text, diagnostics: [] };
}

/** The design as written, which every build that writes design files has (the build sets it). */
export function inputOf(ctx: ArtifactContext): Design {
  assert(ctx.input !== undefined, "a build that writes design.json needs the input design in its context (ctx.input)");
  return ctx.input;
}

/**
 * The first migration version a build may write: every migration up to the previous build's
 * released version is sealed. 1 without a readable lock.
 */
export function firstUnsealed(previous: PreviousBuild | undefined): number {
  const text = previous?.files.get(LOCK_FILE);
  const lock = text === undefined ? undefined : parseLock(text);
  return (lock ? (lock.released ?? newestVersion(lock)) : 0) + 1;
}

/** The migration state a build's files record: the last released version and the open migration, if any. */
export function releaseState(
  files: readonly GeneratedFile[],
): { released: number; open?: string; releasedName?: string } | undefined {
  const text = files.find((f) => f.path === LOCK_FILE)?.contents;
  const lock = text === undefined ? undefined : parseLock(text);
  if (!lock) return undefined;
  const released = lock.released ?? newestVersion(lock);
  const newest = lock.migrations.find((m) => m.version === newestVersion(lock));
  const open = newest && newest.version > released ? newest.name : undefined;
  const releasedName = lock.migrations.find((m) => m.version === released)?.name;
  return { released, ...(open ? { open } : {}), ...(releasedName ? { releasedName } : {}) };
}
