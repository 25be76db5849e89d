/**
 * `npm run bench`: build time and peak memory of the bundled example and of generated designs,
 * each measured in its own process, then every artifact's side-by-side comparison
 * (bench/<artifact>.ts). Prints a readable report and writes bench/results.json.
 */
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const sizes = (process.env.BENCH_SIZES ?? "10,100,300,1000").split(",").map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 5);

interface Subject { subject: string; runs: number; firstRunMs: number; medianMs: number; steps: Record<string, number>; peakRssMb: number }

function measure(subject: string, n: number): Subject {
  const out = execFileSync(process.execPath, [`${here}build-one.ts`, subject, String(n)], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.trim().split("\n").pop()!) as Subject;
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const results: Record<string, unknown> = { node: process.version, date: new Date().toISOString() };

console.log(`# contractor bench (Node ${process.version}, median of ${runs} in-memory builds per design, each in its own process)\n`);
const builds: Subject[] = [];
for (const subject of ["listly", ...sizes.map(String)]) {
  const r = measure(subject, subject === "listly" ? runs : Math.max(1, Math.min(runs, Number(subject) >= 300 ? 3 : runs)));
  builds.push(r);
  const label = subject === "listly" ? "bundled example (listly)" : `generated, ${subject} entities`;
  console.log(`${label}: median ${fmt(r.medianMs)} (first run ${fmt(r.firstRunMs)}), peak RSS ${r.peakRssMb.toFixed(0)} MB`);
  for (const [step, ms] of Object.entries(r.steps)) console.log(`    ${step.padEnd(22)} ${fmt(ms)}`);
}
results.builds = builds;
const at = (n: number) => builds.find((b) => b.subject === String(n));
if (at(300) && at(1000)) {
  const ratio = at(1000)!.medianMs / at(300)!.medianMs;
  console.log(`\nscaling: 1000 vs 300 entities = ${ratio.toFixed(2)}x time for 3.33x the design (target < 4x)`);
  results.scaling1000vs300 = ratio;
}

for (const name of ["openapi", "sql", "mermaid", "typescript", "markdown"]) {
  const file = `${here}${name}.ts`;
  if (!existsSync(file)) continue;
  console.log(`\n## ${name}`);
  const mod = (await import(file)) as { run: () => Promise<Record<string, number>> };
  results[name] = await mod.run();
}

writeFileSync(`${here}results.json`, JSON.stringify(results, null, 2) + "\n");
console.log(`\nresults written to bench/results.json`);
