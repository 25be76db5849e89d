/**
 * A migration history that starts from an existing database: `0001_baseline` creates the schema
 * exactly as contractor creates the design's (the initial plan), and the lock records it as
 * released and as the `baseline`, with `design.json` and `design.released.json` holding the
 * design. A database that already has the schema marks version 1 applied (docs/evolution.md says
 * how for each migration tool); the next build plans `0002_…` from the released design, and its
 * checks replay the chain from 0001 like any other history.
 */
import type { GeneratedFile, MigrationFormat } from "../../src/core/artifact.ts";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import type { NDesign } from "../../src/design/normalize.ts";
import type { Design } from "../../src/design/schema.ts";
import { migrationFiles, migrationName, toSql } from "./format.ts";
import { RELEASED_FILE, designFile, lockEntry, lockFile, type Lock } from "./history.ts";
import { planInitialMigration } from "./initial-plan.ts";

/** The version and slug of a baseline migration. */
const BASELINE = { version: 1, slug: "baseline" } as const;

/**
 * The out-dir files of a history whose only migration is the baseline of `design` (normalised)
 * as written (`input`): the migration, the lock, `design.json` and `design.released.json`.
 */
export function baselineHistory(
  design: NDesign,
  input: Design,
  format: MigrationFormat,
): { files: GeneratedFile[]; diagnostics: Diagnostic[] } {
  const plan = planInitialMigration(design);
  const migration = {
    ...BASELINE,
    name: migrationName(BASELINE.version, BASELINE.slug),
    files: migrationFiles({ ...BASELINE, up: toSql(plan.up), down: toSql(plan.down) }, format),
  };
  const lock: Lock = {
    generator: "contractor",
    format,
    released: BASELINE.version,
    baseline: BASELINE.version,
    migrations: [lockEntry(migration)],
  };
  return {
    files: [...migration.files, lockFile(lock), designFile(input), designFile(input, RELEASED_FILE)],
    diagnostics: plan.diagnostics,
  };
}
