import { describe, it } from "vitest";
import fc from "fast-check";
import { validDesignsBuild, invalidDesignsFail, designsEvolve } from "../../fixtures/property/properties.ts";

// The suite runs a fixed sample (the same seeds every run, so a failure reproduces), sized so the
// engine-backed properties fit the CI budget; `npm run fuzz -- --runs N` explores new seeds at any size.
const VALID_RUNS = Number(process.env.FUZZ_VALID_RUNS ?? 25);
const INVALID_RUNS = Number(process.env.FUZZ_INVALID_RUNS ?? 300);
const EVOLVE_RUNS = Number(process.env.FUZZ_EVOLVE_RUNS ?? 12);

describe("property: builds", () => {
  it(`${VALID_RUNS} generated valid designs build, pass every artifact check (engine included) and are deterministic`, async () => {
    await fc.assert(validDesignsBuild({ engine: true }), { numRuns: VALID_RUNS, seed: 20261122 });
  }, 1_200_000);

  it(`${INVALID_RUNS} mutated designs fail with diagnostics, never throw, and write nothing`, async () => {
    await fc.assert(invalidDesignsFail(), { numRuns: INVALID_RUNS, seed: 20261122 });
  }, 600_000);

  it(`${EVOLVE_RUNS} design changes (one generated design built over another) migrate, round-trip on the engine, or are refused as documented`, async () => {
    await fc.assert(designsEvolve(), { numRuns: EVOLVE_RUNS, seed: 20261130 });
  }, 1_200_000);
});
