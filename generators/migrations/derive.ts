/**
 * A build's migrations, derived once: the out dir's history read and verified, the design
 * compared with the released one, the open migration planned (the initial one while nothing is
 * released), and the files and lock the SQL artifact writes. The SQL artifact, the evolution
 * report and DESIGN.md all read this one value; none plans a migration itself.
 *
 * Released migrations are copied byte for byte; the open one is regenerated on every build from
 * the released design (`design.released.json`) to the current one and disappears when the schema
 * is back to the released one. `build --release` seals it: the lock's `released` becomes its
 * version and `design.released.json` this design.
 */
import type { ArtifactContext, GeneratedFile, MigrationFormat, ResolvedOptions } from "../../src/core/artifact.ts";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import { resolveDefaults, type NDesign } from "../../src/design/normalize.ts";
import { planInitialMigration } from "./initial-plan.ts";
import { planChange, planNextMigration } from "./next-plan.ts";
import { diffSchemas, type SchemaDiff } from "./schema-diff.ts";
import { migrationFiles, migrationName, newestMigration, toSql, type MigrationFiles } from "./format.ts";
import type { Statement } from "./statements.ts";
import { rollbackNotes } from "./rollback-notes.ts";
import {
  LOCK_FILE,
  RELEASED_FILE,
  designFile,
  designModel,
  inputOf,
  lockEntry,
  lockFile,
  previousDesign,
  readHistory,
  releasedBase,
  type Lock,
} from "./history.ts";

/** A migration planned by this build, as files and as SQL statements (each without its semicolon). */
export interface PlannedMigration extends MigrationFiles {
  up: string[];
  down: string[];
  /** What the down does to data (rollback-notes.ts): empty when it restores everything. */
  rollback: string[];
}

/** The design change a build reports: from the released design (or the previous build's) to this one. */
export interface DesignChange {
  /** The design compared with, defaults resolved. */
  before: NDesign;
  /** This build's design, defaults resolved. */
  after: NDesign;
  /** `diffSchemas(before, after)`, computed once per build. */
  schema: SchemaDiff;
}

/** The newest migration of a build (what DESIGN.md links to and explains). */
export interface NewestMigration {
  version: number;
  name: string;
  /** The file holding the up (a dbmate file holds both) and the one holding the down. */
  up: GeneratedFile;
  down?: GeneratedFile;
  /** What its down does to data, when this build planned it (the open or the initial migration). */
  rollback?: string[];
}

export interface Migrations {
  /** The SQL artifact's files: every migration, the lock, and `design.released.json` once something is released. */
  files: GeneratedFile[];
  /** The SQL artifact's findings: the initial plan's, the history's (lock, tampering), the next plan's. */
  diagnostics: Diagnostic[];
  /**
   * What changed since the last release; undefined when nothing is released (the open migration
   * is the initial one) or the design is the released one. Without a migration history it is the
   * change since the previous build's `design.json`, and no migration is planned from it.
   */
  change?: DesignChange;
  /** The open migration planned from `change`; undefined when the schema did not change. */
  next?: PlannedMigration;
  newest?: NewestMigration;
}

function planned(
  plan: { up: readonly Statement[]; down: readonly Statement[] },
  version: number,
  slug: string,
  format: MigrationFormat,
): PlannedMigration {
  const up = toSql(plan.up);
  const down = toSql(plan.down);
  const name = migrationName(version, slug);
  return {
    version,
    name,
    files: migrationFiles({ version, slug, up, down }, format),
    up,
    down,
    rollback: rollbackNotes(name, plan.up),
  };
}

/** The next migration's files from `before` to `after` (undefined when the schema did not change), with the planner's findings. */
export function nextMigration(
  before: NDesign,
  after: NDesign,
  version: number,
  options: Omit<ResolvedOptions, "release">,
): { migration?: PlannedMigration; diagnostics: Diagnostic[] } {
  const plan = planNextMigration(before, after);
  if (plan.up.length === 0) return { diagnostics: plan.diagnostics };
  return { migration: planned(plan, version, plan.slug, options.migrationsFormat), diagnostics: plan.diagnostics };
}

/** The change from a design read back (`base`) to `current`, or undefined when unreadable or the same design. */
function changeSince(
  base: { design?: NDesign; model?: string } | undefined,
  current: NDesign,
): DesignChange | undefined {
  if (!base?.design || base.model === designModel(current)) return undefined;
  // An older design file may lack type defaults that this contractor's normalisation fills.
  const before = resolveDefaults(base.design);
  const after = resolveDefaults(current);
  return { before, after, schema: diffSchemas(before, after) };
}

/** The migrations of the build `ctx` describes (pure; see the module comment). */
export function deriveMigrations(ctx: ArtifactContext): Migrations {
  const format = ctx.options.migrationsFormat;
  const initial = planInitialMigration(ctx.design);
  const history = readHistory(ctx.previous, format);
  const diagnostics: Diagnostic[] = [...initial.diagnostics, ...(history?.diagnostics ?? [])];
  const released = history?.released ?? 0;
  const sealed = history?.files ?? [];
  const entries = history?.lock.migrations ?? [];
  const result = (files: GeneratedFile[], rest: Pick<Migrations, "change" | "next"> = {}, open?: PlannedMigration) => ({
    files,
    diagnostics,
    ...rest,
    ...newest(files, format, entries, open),
  });
  // The lock as the previous build wrote it, when this build has no reason to rewrite it.
  const keptLock = (): GeneratedFile => ({ path: LOCK_FILE, contents: ctx.previous!.files.get(LOCK_FILE)! });

  let open: PlannedMigration | undefined;
  let change: DesignChange | undefined;
  let releasedJson: string | undefined;
  if (released === 0) {
    open = planned(initial, 1, ctx.design.info.name, format);
    if (!history) change = changeSince(previousDesign(ctx.previous), ctx.design);
  } else {
    const base = releasedBase(ctx.previous, history!);
    diagnostics.push(...base.diagnostics);
    if (!base.design) return result([...sealed, keptLock()]);
    releasedJson = base.text;
    change = changeSince(base, ctx.design);
    if (change) {
      const plan = planChange(change.before, change.after, change.schema, initial);
      diagnostics.push(...plan.diagnostics);
      if (plan.up.length > 0) open = planned(plan, released + 1, plan.slug, format);
    }
  }
  const next = released > 0 ? open : undefined;
  const rest = { ...(change ? { change } : {}), ...(next ? { next } : {}) };
  // A lock of the first format (no `released`), with nothing open and nothing to release, stays as it was.
  if (history && history.lock.released === undefined && !open && !ctx.options.release)
    return result([...sealed, keptLock()], rest);

  const lock: Lock = {
    generator: "contractor",
    format: history?.lock.format ?? format,
    released: ctx.options.release && open ? open.version : released,
    ...(history?.lock.baseline !== undefined ? { baseline: history.lock.baseline } : {}),
    migrations: [...entries.filter((m) => m.version <= released), ...(open ? [lockEntry(open)] : [])],
  };
  if (ctx.options.release) releasedJson = designFile(inputOf(ctx), RELEASED_FILE).contents;
  return result(
    [
      ...sealed,
      ...(open?.files ?? []),
      lockFile(lock),
      ...(releasedJson !== undefined ? [{ path: RELEASED_FILE, contents: releasedJson }] : []),
    ],
    rest,
    open,
  );
}

/** The newest migration of `files`, named from the lock (or the migration this build planned). */
function newest(
  files: readonly GeneratedFile[],
  format: MigrationFormat,
  entries: Lock["migrations"],
  open: PlannedMigration | undefined,
): { newest?: NewestMigration } {
  const found = newestMigration(files, format);
  if (!found) return {};
  const planned = open?.version === found.version ? open : undefined;
  const name =
    planned?.name ??
    entries.find((e) => e.version === found.version)?.name ??
    found.up.path.replace(/^.*\//, "").replace(/\.(up\.)?sql$/, "");
  return { newest: { ...found, name, ...(planned ? { rollback: planned.rollback } : {}) } };
}
