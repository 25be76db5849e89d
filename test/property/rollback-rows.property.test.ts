/**
 * Property: for a pair of generated designs (the second built over the first), the migration
 * chain round-trips with rows — every down runs on tables holding seeded rows — both as a first
 * build's chain and as the new migration on top of the first (a later build's check), and every
 * statement passes the parser check. A few runs: the build property
 * (build.property.test.ts) covers the breadth.
 */
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { designSeed, designFromSeed } from "../../fixtures/property/arbitraries.ts";
import { normalizeOrThrow } from "../helpers.ts";
import { nextMigration } from "../../generators/migrations/derive.ts";
import { engineCheck, roundTrip } from "../../generators/migrations/round-trip.ts";
import { withPgliteSchema, closeSharedPglite } from "../../generators/migrations/engine.ts";
import { planInitialMigration } from "../../generators/migrations/initial-plan.ts";
import { migrationFiles, readMigrations, toSql } from "../../generators/migrations/format.ts";
import { parseCheck } from "../../generators/migrations/parse-check.ts";
import { resolveOptions } from "../../src/pipeline/build.ts";

afterAll(closeSharedPglite);

const RUNS = Number(process.env.FUZZ_ROLLBACK_RUNS ?? 16);
/** Changes contractor refuses to migrate, by design (as in properties.ts). */
const REFUSED = new Set(["evolution-unsupported-change", "enum-value-used-in-same-migration"]);

describe("property: rollbacks with rows", () => {
  it(`${RUNS} generated design changes: every down runs on tables holding rows`, async () => {
    const options = resolveOptions({ allowDestructive: true });
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(designSeed, designSeed, async (seedA, seedB) => {
        const a = normalizeOrThrow(designFromSeed(seedA));
        const b = normalizeOrThrow(designFromSeed(seedB));
        const next = nextMigration(a, b, 2, options);
        if (next.diagnostics.some((d) => REFUSED.has(d.code)) || !next.migration) return;
        const init = planInitialMigration(a);
        const files = [
          ...migrationFiles({ version: 1, slug: "init", up: toSql(init.up), down: toSql(init.down) }, "golang-migrate"),
          ...next.migration.files,
        ];
        const errors = (list: ReadonlyArray<{ severity: string }>) => list.filter((d) => d.severity === "error");
        // The downs' extra statements (fills, orphan and duplicate handling) pass the parser check too.
        expect(parseCheck(readMigrations(files, "golang-migrate")).diagnostics).toStrictEqual([]);
        const chain = await withPgliteSchema((engine, schema) =>
          roundTrip(engine, schema, readMigrations(files, "golang-migrate")),
        );
        expect(errors(chain.diagnostics)).toStrictEqual([]);
        const later = await engineCheck(readMigrations(files, "golang-migrate"), { from: 2 });
        expect(errors(later.diagnostics)).toStrictEqual([]);
        checked++;
      }),
      { numRuns: RUNS, seed: 20261202 },
    );
    // Many pairs are refused (identity changes, new enum values used at once): enough were checked.
    expect(checked).toBeGreaterThanOrEqual(Math.ceil(RUNS / 8));
  }, 120_000);
});
