/**
 * `npm run fuzz -- [--runs N] [--seed S] [--no-engine] [--invalid-only|--valid-only]`: property-based
 * fuzzing of the whole build — valid designs, broken designs, and design changes (one valid design
 * built over another). On failure prints the shrunk counterexample and exits 1.
 */
import { parseArgs } from "node:util";
import fc from "fast-check";
import { validDesignsBuild, invalidDesignsFail, designsEvolve } from "../fixtures/property/properties.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "1000" },
    seed: { type: "string" },
    engine: { type: "boolean", default: true },
    "valid-only": { type: "boolean" },
    "invalid-only": { type: "boolean" },
  },
  allowNegative: true,
});
const runs = Number(values.runs);
const seed = values.seed ? Number(values.seed) : Date.now() % 2 ** 31;
console.log(`fuzz: seed ${seed}, ${runs} runs per property`);

let failed = false;
for (const [name, prop, skip] of [
  ["valid designs build and check", validDesignsBuild({ engine: values.engine !== false }), values["invalid-only"]],
  ["invalid designs fail cleanly", invalidDesignsFail(), values["valid-only"]],
  // Two builds with the engine each: skipped with --no-engine, --valid-only and --invalid-only.
  [
    "design changes migrate and round-trip",
    designsEvolve(),
    values["valid-only"] || values["invalid-only"] || values.engine === false,
  ],
] as const) {
  if (skip) continue;
  const start = performance.now();
  const result = await fc.check(prop as fc.IAsyncProperty<[unknown]>, { numRuns: runs, seed });
  const secs = ((performance.now() - start) / 1000).toFixed(1);
  if (result.failed) {
    failed = true;
    console.log(`✗ ${name}: failed after ${result.numRuns} runs (${secs} s), shrunk ${result.numShrinks} times`);
    console.log(`  replay: npm run fuzz -- --seed ${seed} --runs ${runs}`);
    console.log(`  error: ${String((result.errorInstance as Error | undefined)?.message ?? "unknown")}`);
    console.log("  counterexample:\n" + JSON.stringify(result.counterexample, null, 2));
  } else {
    console.log(`✓ ${name}: ${result.numRuns} cases clean (${secs} s)`);
  }
}
process.exitCode = failed ? 1 : 0;
