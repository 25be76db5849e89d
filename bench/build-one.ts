/**
 * One benchmark subject in its own process (so peak memory is its own): builds a design in
 * memory `runs` times and prints JSON with the median time of every step and the peak RSS.
 * Usage: node bench/build-one.ts <listly | N entities> <runs> [--no-engine]
 */
import { readFileSync } from "node:fs";
import { build, type StepTiming } from "../src/pipeline/build.ts";
import { largeDesign } from "../fixtures/large.ts";

const [subject = "listly", runsArg = "5", ...flags] = process.argv.slice(2);
const runs = Number(runsArg);
const text = subject === "listly"
  ? readFileSync(new URL("../fixtures/designs/listly.yaml", import.meta.url), "utf8")
  : JSON.stringify(largeDesign(Number(subject)));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const totals: number[] = [];
const steps = new Map<string, number[]>();
let firstRunMs = 0;
for (let i = 0; i < runs; i++) {
  const timings: StepTiming[] = [];
  const start = performance.now();
  const result = await build({ text }, { engine: !flags.includes("--no-engine"), onStep: (s) => timings.push(s) });
  const total = performance.now() - start;
  if (!result.ok) {
    console.error(JSON.stringify(result.diagnostics.filter((d) => d.severity === "error").slice(0, 5), null, 2));
    process.exit(1);
  }
  if (i === 0) firstRunMs = total;
  totals.push(total);
  for (const t of timings) steps.set(t.step, [...(steps.get(t.step) ?? []), t.ms]);
}
console.log(JSON.stringify({
  subject,
  runs,
  firstRunMs,
  medianMs: median(totals),
  steps: Object.fromEntries([...steps].map(([k, v]) => [k, median(v)])),
  peakRssMb: process.resourceUsage().maxRSS / 1024,
}));
