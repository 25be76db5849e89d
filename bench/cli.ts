/**
 * The bundled example as a user runs it: `contractor build` in a fresh process (the real binary,
 * every check incl. the PGlite round trip, no SVG), wall clock and CPU; once with empty caches
 * (a new machine: no compiled-code cache, no PGlite or compiler snapshot), then with them; and the rebuild
 * after an edit under `build --watch`. Medians.
 * Run alone: `npx node bench/cli.ts`.
 */
import { execFileSync, spawn } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fmt, isMain, median } from "./util.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin/contractor.js");
const listly = join(root, "fixtures/designs/listly.yaml");
// The flags of the binary's shebang (bin/contractor.js): run as `npx contractor` does.
const nodeArgs = ["--liftoff-only"];

/** CPU seconds of this process's finished children (Linux /proc; NaN elsewhere). */
function childrenCpuMs(): number {
  if (!existsSync("/proc/self/stat")) return NaN;
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime + cstime, in USER_HZ (100)
}

/** One `contractor build` in a fresh process; TMPDIR decides which caches it finds. */
function buildOnce(out: string, tmp: string): { wallMs: number; cpuMs: number } {
  const cpu = childrenCpuMs();
  const start = performance.now();
  execFileSync(process.execPath, [...nodeArgs, bin, "build", listly, "--out", out], {
    stdio: "ignore",
    env: { ...process.env, TMPDIR: tmp },
  });
  return { wallMs: performance.now() - start, cpuMs: childrenCpuMs() - cpu };
}

/** Waits until the compiler snapshot the first build started is in `tmp`; how long that took. */
async function waitForCompilerSnapshot(tmp: string): Promise<number> {
  const start = performance.now();
  const ready = () =>
    readdirSync(tmp).some((f) => /^contractor-tsc-[0-9a-f]+\.blob$/.test(f)) &&
    !readdirSync(tmp).some((f) => f.endsWith(".lock"));
  while (!ready()) {
    if (performance.now() - start > 120_000) throw new Error("the compiler snapshot was not built within 2 minutes");
    await new Promise((r) => setTimeout(r, 50));
  }
  return performance.now() - start;
}

/** `build --watch`, then `edits` edits of the description; the "in N ms" of each rebuild. */
async function watchRebuilds(dir: string, edits: number): Promise<number[]> {
  const design = join(dir, "listly.yaml");
  await copyFile(listly, design);
  const text = await readFile(design, "utf8");
  const child = spawn(
    process.execPath,
    [...nodeArgs, bin, "build", design, "--out", join(dir, "watch-out"), "--watch"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  const builds = () =>
    [...stderr.matchAll(/(?:wrote \d+ files to \S+|nothing written) in (\d+) ms/g)].map((m) => Number(m[1]));
  const waitBuilds = async (n: number) => {
    const end = Date.now() + 120_000;
    while (builds().length < n) {
      if (Date.now() > end || child.exitCode !== null)
        throw new Error(`watch: expected ${n} builds; stderr:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await waitBuilds(1);
  for (let i = 1; i <= edits; i++) {
    await writeFile(design, text.replace(/^( {2}description: ).*$/m, `$1Edit ${i}.`));
    await waitBuilds(i + 1);
  }
  child.kill("SIGINT");
  await new Promise((r) => child.on("exit", r));
  if (/nothing written/.test(stderr)) throw new Error(`watch: a rebuild failed:\n${stderr}`);
  return builds().slice(1);
}

export async function run(): Promise<Record<string, number>> {
  const runs = Math.max(3, Number(process.env.BENCH_RUNS ?? 5));
  const dir = await mkdtemp(join(tmpdir(), "contractor-bench-cli-"));
  const caches = join(dir, "tmp");
  execFileSync("mkdir", ["-p", caches]);
  console.log(
    "\n## contractor build in a fresh process (the bundled example, every check incl. the PGlite round trip, no SVG)\n",
  );
  const first = buildOnce(join(dir, "out-first"), caches);
  // The first one-shot build leaves the compiler snapshot building in the background (~3 s).
  const snapshotReady = await waitForCompilerSnapshot(caches);
  const warm = Array.from({ length: runs }, (_, i) => buildOnce(join(dir, `out-${i}`), caches));
  const wallMs = median(warm.map((r) => r.wallMs));
  const cpuMs = median(warm.map((r) => r.cpuMs));
  console.log(
    `first run on a new machine (empty compiled-code cache, no PGlite or compiler snapshot): ${fmt(first.wallMs)} wall, ${fmt(first.cpuMs)} CPU; the compiler snapshot was ready ${fmt(snapshotReady)} after it`,
  );
  console.log(
    `every later run (caches in TMPDIR): median ${fmt(wallMs)} wall, ${fmt(cpuMs)} CPU over ${runs} runs: ${(cpuMs / wallMs).toFixed(1)} cores busy on average`,
  );
  const rebuilds = await watchRebuilds(dir, runs);
  const rebuildMs = median(rebuilds);
  console.log(
    `build --watch, rebuild after an edit: median ${fmt(rebuildMs)} (${rebuilds.map((ms) => fmt(ms)).join(", ")})`,
  );
  await rm(dir, { recursive: true, force: true });
  return {
    firstEverWallMs: first.wallMs,
    firstEverCpuMs: first.cpuMs,
    freshProcessWallMs: wallMs,
    freshProcessCpuMs: cpuMs,
    watchRebuildMs: rebuildMs,
    targetMs: 2000,
  };
}

if (isMain(import.meta.url)) await run();
