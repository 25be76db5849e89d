/**
 * One benchmark subject in its own process (so peak memory is its own): builds a design
 * `runs` times, each into a new temp out dir (so the write step is measured and every run is a first build) — every check included (the PGlite round trip unless --no-engine), SVG
 * rendering excluded — and prints JSON: the time to import contractor, the first build's total
 * and steps (fresh process), the median of the later builds (warm: checkers already loaded) and
 * its steps, and the peak RSS (worker threads included: they share the process).
 * Usage: node bench/build-one.ts <listly | N entities> <runs> [--no-engine]
 */
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { enableCompileCache } from "node:module";
import { median } from "./util.ts";

// As the binary does (bin/contractor.js): compiled code is cached on disk across processes.
enableCompileCache();

const [subject = "listly", runsArg = "5", ...flags] = process.argv.slice(2);
const runs = Math.max(1, Number(runsArg));
const importStart = performance.now();
const { build } = await import("../src/pipeline/build.ts");
const { largeDesign } = await import("../fixtures/large.ts");
const importMs = performance.now() - importStart;
const text =
  subject === "listly"
    ? readFileSync(new URL("../fixtures/designs/listly.yaml", import.meta.url), "utf8")
    : JSON.stringify(largeDesign(Number(subject)));

const outRoot = mkdtempSync(join(tmpdir(), "contractor-bench-"));
const totals: number[] = [];
const steps = new Map<string, number[]>();
const firstSteps: Record<string, number> = {};
for (let i = 0; i < runs; i++) {
  const timings: { step: string; ms: number }[] = [];
  const start = performance.now();
  const result = await build(
    { text },
    { out: join(outRoot, `run-${i}`), engine: !flags.includes("--no-engine"), onStep: (s) => timings.push(s) },
  );
  const total = performance.now() - start;
  if (!result.ok) {
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    rmSync(outRoot, { recursive: true, force: true });
    console.log(
      JSON.stringify({
        subject,
        runs,
        failed: `${errors.length} error(s); first: ${errors[0]?.code}: ${errors[0]?.message}`,
        afterMs: total,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
      }),
    );
    process.exit(0);
  }
  totals.push(total);
  for (const t of timings) {
    if (i === 0) firstSteps[t.step] = t.ms;
    else steps.set(t.step, [...(steps.get(t.step) ?? []), t.ms]);
  }
}
rmSync(outRoot, { recursive: true, force: true });
const warm = totals.slice(1);
console.log(
  JSON.stringify({
    subject,
    runs,
    importMs,
    firstRunMs: totals[0],
    medianMs: warm.length ? median(warm) : totals[0],
    firstSteps,
    steps: warm.length ? Object.fromEntries([...steps].map(([k, v]) => [k, median(v)])) : firstSteps,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
process.exit(0);
