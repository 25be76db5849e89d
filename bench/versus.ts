/**
 * Issue 17's speed targets, side by side with TypeSpec, every figure a whole process as a user runs
 * it: `contractor build` (every artifact, every check, the PGlite round trip included; no SVG)
 * against `tsp compile` of the same API to OpenAPI 3.
 *
 * - The same API in TypeSpec: contractor's own openapi.yaml converted once per run with
 *   `tsp-openapi3`, with one repair (see repairTypeSpec), then compiled once untimed; the
 *   OpenAPI that TypeSpec emits must have the same operations as ours, or the comparison is refused.
 * - Subjects: the bundled example (listly) and a generated 60-entity design (≈300 operations)
 *   against TypeSpec; 300 and 1,000 entities contractor alone (time per entity shows the growth).
 * - Each measurement: the median of several runs, contractor and TypeSpec runs interleaved so a
 *   busy spell on the machine hits both. Caches (compiled code, PGlite data dir, compiler snapshot)
 *   live in a temp dir of their own: the first build fills them and is reported as a new machine's.
 * - `build --watch`: the rebuild after an edit of the bundled example.
 * - A changed design: the second build after a schema change in a released out dir (the next
 *   migration is planned): the steps the build reports, the plan/derive steps among them, and the
 *   calls of the planning and diffing functions (bench/count-calls.ts, checks in process).
 * Run alone: `npx node bench/versus.ts [--quick]`.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { largeDesign } from "../fixtures/large.ts";
import { type ProcessRun, peakMb, runNode } from "./processes.ts";
import { fmt, isMain, median } from "./util.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin/contractor.js");
const listly = join(root, "fixtures/designs/listly.yaml");
const countCalls = join(root, "bench/count-calls.ts");
// The flags of the binary's shebang (bin/contractor.js): run as `npx contractor` does.
const nodeArgs = ["--liftoff-only"];

/** The issue's targets. */
export const TARGETS = {
  listlyPeakMb: 400,
  sixtyEntitiesMs: 2500,
  thousandEntitiesMs: 12_000,
} as const;

/** The root directory of an installed package (its entry point resolved, then up to package.json). */
function packageRoot(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

function typeSpec(): { tsp: string; convert: string } {
  // The libraries the converted TypeSpec imports; resolved here so a missing one fails before any timing.
  for (const lib of ["@typespec/http", "@typespec/openapi"]) packageRoot(lib);
  return {
    tsp: join(packageRoot("@typespec/compiler"), "cmd/tsp.js"),
    convert: join(packageRoot("@typespec/openapi3"), "cmd/tsp-openapi3.js"),
  };
}

/** The step timings a `contractor build` printed (`· check sql   812 ms  …`), in order. */
export function stepsOf(stderr: string): { step: string; ms: number }[] {
  return [...stderr.matchAll(/^· (.+?) +([\d.]+) ms/gm)].map((m) => ({ step: m[1]!, ms: Number(m[2]) }));
}

/**
 * tsp-openapi3 writes a default of an enum-typed property as a string literal
 * (`role?: MemberRole = "editor";`), which `tsp compile` rejects (unassignable); the member
 * reference (`MemberRole.editor`) is what TypeSpec means.
 */
export function repairTypeSpec(text: string): string {
  const enums = new Set([...text.matchAll(/^enum (\w+) \{/gm)].map((m) => m[1]!));
  return text.replace(/: (\w+) = "([^"\\]*)";/g, (match, type: string, value: string) =>
    enums.has(type) ? `: ${type} = ${type}.${/^[A-Za-z_]\w*$/.test(value) ? value : `\`${value}\``};` : match,
  );
}

/** `METHOD path` of every operation of an OpenAPI document, sorted. */
function operations(yamlText: string): string[] {
  const doc = parse(yamlText) as { paths?: Record<string, Record<string, unknown>> };
  const methods = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);
  return Object.entries(doc.paths ?? {})
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((k) => methods.has(k))
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort();
}

interface Comparison {
  contractor: ProcessRun[];
  typeSpec: ProcessRun[];
  operations: number;
}

interface Summary {
  medianMs: number;
  cpuMs: number;
  peakMb: number;
  /** The two peak figures behind peakMb (bench/processes.ts). */
  peakTreeMb: number;
  peakProcessMb: number;
  runsMs: number[];
}

function summarise(runs: readonly ProcessRun[]): Summary {
  return {
    medianMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    // Peak memory: the largest seen over the runs.
    peakMb: Math.max(...runs.map(peakMb)),
    peakTreeMb: Math.max(...runs.map((r) => r.peakTreeMb)),
    peakProcessMb: Math.max(...runs.map((r) => r.peakProcessMb)),
    runsMs: runs.map((r) => Math.round(r.wallMs)),
  };
}

/** Median per step over the runs' printed step timings. */
function stepMedians(runs: readonly ProcessRun[]): Record<string, number> {
  const all = new Map<string, number[]>();
  for (const r of runs) for (const s of stepsOf(r.stderr)) all.set(s.step, [...(all.get(s.step) ?? []), s.ms]);
  return Object.fromEntries([...all].map(([step, ms]) => [step, median(ms)]));
}

class Bench {
  private count = 0;
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  constructor(dir: string, env: NodeJS.ProcessEnv) {
    this.dir = dir;
    this.env = env;
  }

  async contractor(design: string, extra: readonly string[] = [], keep = false): Promise<ProcessRun & { out: string }> {
    const out = join(this.dir, `out-${++this.count}`);
    const run = await runNode([...nodeArgs, bin, "build", design, "--out", out, ...extra], { env: this.env });
    if (!keep) rmSync(out, { recursive: true, force: true });
    return { ...run, out };
  }

  /** Waits while a compiler snapshot is being built in the cache dir (a first build starts one). */
  async settle(): Promise<number> {
    const start = performance.now();
    const tmp = this.env.TMPDIR!;
    while (readdirSync(tmp).some((f) => f.endsWith(".lock"))) {
      if (performance.now() - start > 120_000) throw new Error(`a lock in ${tmp} stayed for 2 minutes`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return performance.now() - start;
  }
}

/** Converts our openapi.yaml to TypeSpec in `dir`; returns main.tsp's path. */
async function convert(bench: Bench, openapiFile: string, dir: string): Promise<string> {
  const { convert } = typeSpec();
  await runNode([convert, openapiFile, "--output-dir", dir], { env: bench.env });
  const main = join(dir, "main.tsp");
  writeFileSync(main, repairTypeSpec(readFileSync(main, "utf8")));
  // `tsp compile` resolves the compiler and the libraries from the project's node_modules.
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  return main;
}

async function tspCompile(bench: Bench, main: string, out: string): Promise<ProcessRun> {
  const { tsp } = typeSpec();
  return runNode([tsp, "compile", main, "--emit", "@typespec/openapi3", "--output-dir", out], {
    cwd: dirname(main),
    env: bench.env,
  });
}

/** contractor and `tsp compile` of the same API, `runs` times each, interleaved. */
async function compare(bench: Bench, label: string, design: string, runs: number): Promise<Comparison> {
  // One untimed build gives the openapi.yaml to convert (and warms this design's code paths).
  const first = await bench.contractor(design, [], true);
  const ours = await readFile(join(first.out, "openapi.yaml"), "utf8");
  const main = await convert(bench, join(first.out, "openapi.yaml"), join(bench.dir, `tsp-${label}`));
  rmSync(first.out, { recursive: true, force: true });
  const tspOut = join(bench.dir, `tsp-${label}-out`);
  await tspCompile(bench, main, tspOut);
  const theirs = await readFile(join(tspOut, "@typespec/openapi3/openapi.yaml"), "utf8");
  const [a, b] = [operations(ours), operations(theirs)];
  if (a.join("\n") !== b.join("\n"))
    throw new Error(
      `${label}: TypeSpec's OpenAPI has other operations than ours (${b.length} vs ${a.length}): ${b.filter((x) => !a.includes(x)).slice(0, 3)} / ${a.filter((x) => !b.includes(x)).slice(0, 3)}`,
    );
  const contractor: ProcessRun[] = [];
  const typeSpecRuns: ProcessRun[] = [];
  for (let i = 0; i < runs; i++) {
    contractor.push(await bench.contractor(design));
    typeSpecRuns.push(await tspCompile(bench, main, tspOut));
  }
  return { contractor, typeSpec: typeSpecRuns, operations: a.length };
}

/** `build --watch`, then `edits` edits of the description; the "in N ms" of each rebuild. */
async function watchRebuilds(bench: Bench, edits: number): Promise<number[]> {
  const design = join(bench.dir, "watch.yaml");
  const text = await readFile(listly, "utf8");
  await writeFile(design, text);
  const child = spawn(
    process.execPath,
    [...nodeArgs, bin, "build", design, "--out", join(bench.dir, "watch-out"), "--watch"],
    {
      stdio: ["ignore", "ignore", "pipe"],
      env: bench.env,
    },
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
  try {
    await waitBuilds(1);
    for (let i = 1; i <= edits; i++) {
      await writeFile(design, text.replace(/^( {2}description: ).*$/m, `$1Edit ${i}.`));
      await waitBuilds(i + 1);
    }
  } finally {
    child.kill("SIGINT");
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.on("exit", r)));
  }
  if (/nothing written/.test(stderr)) throw new Error(`watch: a rebuild failed:\n${stderr}`);
  return builds().slice(1);
}

/** The field the changed design adds to the bundled example's User entity. */
const ADDED_FIELD = "        - { name: nickname, type: string, maxLength: 40, nullable: true }";

interface ChangedDesign {
  steps: string[];
  planSteps: string[];
  calls: Record<string, number>;
  runsMs: number[];
  medianMs: number;
}

/**
 * The bundled example built and released into an out dir, then a field added: each measured
 * build starts from a copy of that out dir, so each plans migration 0002.
 */
async function changedDesign(bench: Bench, runs: number): Promise<ChangedDesign> {
  const design = join(bench.dir, "changed.yaml");
  const text = await readFile(listly, "utf8");
  const anchor = /^ {8}- \{ name: locale, .*$/m;
  if (!anchor.test(text))
    throw new Error("changed design: the User.locale line of listly.yaml moved; update ADDED_FIELD's anchor");
  await writeFile(design, text);
  const released = (await bench.contractor(design, ["--release", "--no-engine"], true)).out;
  await writeFile(
    design,
    text.replace(anchor, (line) => `${line}\n${ADDED_FIELD}`),
  );
  const copy = () => {
    const out = join(bench.dir, `changed-out-${Math.random().toString(36).slice(2)}`);
    cpSync(released, out, { recursive: true });
    return out;
  };

  const counted = copy();
  const countedRun = await runNode(["--import", countCalls, ...nodeArgs, bin, "build", design, "--out", counted], {
    env: { ...bench.env, CONTRACTOR_WORKERS: "0" },
  });
  rmSync(counted, { recursive: true, force: true });
  const callsLine = /^bench-calls (.*)$/m.exec(countedRun.stderr);
  if (!callsLine) throw new Error(`changed design: no call counts in\n${countedRun.stderr}`);
  if (!/migration 0002_\w+/.test(countedRun.stderr))
    throw new Error(`changed design: the build planned no migration 0002:\n${countedRun.stderr}`);

  const timed: ProcessRun[] = [];
  let steps: string[] = [];
  for (let i = 0; i < runs; i++) {
    const out = copy();
    const run = await runNode([...nodeArgs, bin, "build", design, "--out", out], { env: bench.env });
    rmSync(out, { recursive: true, force: true });
    timed.push(run);
    steps = stepsOf(run.stderr).map((s) => s.step);
  }
  rmSync(released, { recursive: true, force: true });
  return {
    steps,
    planSteps: steps.filter((s) => /\b(plan|derive)/i.test(s)),
    calls: JSON.parse(callsLine[1]!) as Record<string, number>,
    runsMs: timed.map((r) => Math.round(r.wallMs)),
    medianMs: median(timed.map((r) => r.wallMs)),
  };
}

const mb = (x: number) => (Number.isNaN(x) ? "n/a" : `${x.toFixed(0)} MB`);
const status = (ok: boolean) => (ok ? "met" : "MISSED");

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  for (const [n, row] of rows.entries()) {
    console.log(`| ${row.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`);
    if (n === 0) console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  }
}

export async function run(options: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const quick = options.quick ?? false;
  const runs = quick ? 3 : Math.max(3, Number(process.env.BENCH_RUNS ?? 5));
  const largeRuns = quick ? 1 : 3;
  const dir = await mkdtemp(join(tmpdir(), "contractor-bench-versus-"));
  const caches = join(dir, "tmp");
  mkdirSync(caches);
  const bench = new Bench(dir, { ...process.env, TMPDIR: caches });
  try {
    console.log(
      `\n## contractor build vs tsp compile, whole processes (medians of ${runs}; 300 and 1,000 entities: ${largeRuns})\n`,
    );
    // A new machine: no compiled-code cache, PGlite data dir or compiler snapshot yet.
    const firstEver = await bench.contractor(listly);
    const snapshotMs = await bench.settle();
    console.log(
      `first run on a new machine (empty caches): ${fmt(firstEver.wallMs)}; background cache building went on ${fmt(snapshotMs)} after it`,
    );

    const sizes = [60, 300, 1000];
    const designs = new Map<number, string>();
    for (const n of sizes) {
      const file = join(dir, `large-${n}.json`);
      writeFileSync(file, JSON.stringify(largeDesign(n)));
      designs.set(n, file);
    }

    const listlyVs = await compare(bench, "listly", listly, runs);
    const sixtyVs = await compare(bench, "60", designs.get(60)!, runs);
    const large = new Map<number, ProcessRun[]>();
    for (const n of [300, 1000]) {
      const xs: ProcessRun[] = [];
      for (let i = 0; i < largeRuns; i++) xs.push(await bench.contractor(designs.get(n)!));
      large.set(n, xs);
    }
    const rebuilds = await watchRebuilds(bench, runs);
    const changed = await changedDesign(bench, quick ? 1 : 3);

    const c = {
      listly: summarise(listlyVs.contractor),
      60: summarise(sixtyVs.contractor),
      300: summarise(large.get(300)!),
      1000: summarise(large.get(1000)!),
    };
    const t = { listly: summarise(listlyVs.typeSpec), 60: summarise(sixtyVs.typeSpec) };
    const perEntity = (n: 60 | 300 | 1000) => c[n].medianMs / n;
    const watchMs = median(rebuilds);
    const plannerCalls = Object.values(changed.calls).reduce((a, b) => a + b, 0);

    console.log();
    table([
      ["measurement", "contractor", "tsp compile", "contractor / tsp", "target", "status"],
      [
        `bundled example (${listlyVs.operations} operations), wall`,
        fmt(c.listly.medianMs),
        fmt(t.listly.medianMs),
        `${(c.listly.medianMs / t.listly.medianMs).toFixed(2)}x`,
        "",
        "",
      ],
      [
        "bundled example, CPU",
        fmt(c.listly.cpuMs),
        fmt(t.listly.cpuMs),
        `${(c.listly.cpuMs / t.listly.cpuMs).toFixed(2)}x`,
        "",
        "",
      ],
      [
        "bundled example, peak RSS",
        mb(c.listly.peakMb),
        mb(t.listly.peakMb),
        `${(c.listly.peakMb / t.listly.peakMb).toFixed(2)}x`,
        `< ${TARGETS.listlyPeakMb} MB`,
        status(c.listly.peakMb < TARGETS.listlyPeakMb),
      ],
      [
        `60 entities (${sixtyVs.operations} operations), wall`,
        fmt(c[60].medianMs),
        fmt(t[60].medianMs),
        `${(c[60].medianMs / t[60].medianMs).toFixed(2)}x`,
        `< ${fmt(TARGETS.sixtyEntitiesMs)} and < tsp`,
        status(c[60].medianMs < TARGETS.sixtyEntitiesMs && c[60].medianMs < t[60].medianMs),
      ],
      ["60 entities, CPU", fmt(c[60].cpuMs), fmt(t[60].cpuMs), `${(c[60].cpuMs / t[60].cpuMs).toFixed(2)}x`, "", ""],
      [
        "60 entities, peak RSS",
        mb(c[60].peakMb),
        mb(t[60].peakMb),
        `${(c[60].peakMb / t[60].peakMb).toFixed(2)}x`,
        "",
        "",
      ],
      ["300 entities, wall", fmt(c[300].medianMs), "", "", "", ""],
      ["300 entities, peak RSS", mb(c[300].peakMb), "", "", "", ""],
      [
        "1,000 entities, wall",
        fmt(c[1000].medianMs),
        "",
        "",
        `< ${fmt(TARGETS.thousandEntitiesMs)}`,
        status(c[1000].medianMs < TARGETS.thousandEntitiesMs),
      ],
      ["1,000 entities, peak RSS", mb(c[1000].peakMb), "", "", "", ""],
      [
        "time per entity, 60 / 300 / 1,000",
        `${fmt(perEntity(60))} / ${fmt(perEntity(300))} / ${fmt(perEntity(1000))}`,
        "",
        "",
        "linear or better",
        status(perEntity(1000) <= perEntity(300) * 1.05),
      ],
      ["build --watch rebuild (bundled example)", fmt(watchMs), "", "", "", ""],
      ["changed design: second build, wall", fmt(changed.medianMs), "", "", "", ""],
      ["changed design: steps reported", String(changed.steps.length), "", "", "", ""],
      ["changed design: plan/derive steps", String(changed.planSteps.length), "", "", "", ""],
      ["changed design: planning/diffing calls", String(plannerCalls), "", "", "", ""],
    ]);
    console.log(
      `\ncontractor runs (ms): listly ${c.listly.runsMs.join(", ")}; 60 ${c[60].runsMs.join(", ")}; 300 ${c[300].runsMs.join(", ")}; 1,000 ${c[1000].runsMs.join(", ")}`,
    );
    console.log(`tsp compile runs (ms): listly ${t.listly.runsMs.join(", ")}; 60 ${t[60].runsMs.join(", ")}`);
    console.log(`watch rebuilds (ms): ${rebuilds.join(", ")}`);
    console.log(`changed design: steps ${changed.steps.join(", ")}`);
    console.log(
      `changed design: calls (checks in process) ${Object.entries(changed.calls)
        .map(([f, n]) => `${f} ${n}`)
        .join(", ")}`,
    );

    const steps = {
      listly: stepMedians(listlyVs.contractor),
      60: stepMedians(sixtyVs.contractor),
      300: stepMedians(large.get(300)!),
      1000: stepMedians(large.get(1000)!),
    };
    console.log("\nstep medians as the build prints them (checks overlap: they add up to more than the wall time)\n");
    const names = [...new Set(Object.values(steps).flatMap((s) => Object.keys(s)))];
    table([
      ["step", "listly", "60", "300", "1,000"],
      ...names.map((name) => [
        name,
        ...(["listly", 60, 300, 1000] as const).map((k) => (steps[k][name] === undefined ? "" : fmt(steps[k][name]!))),
      ]),
    ]);

    return {
      firstEverMs: firstEver.wallMs,
      backgroundCacheMs: snapshotMs,
      contractor: c,
      tspCompile: t,
      operations: { listly: listlyVs.operations, 60: sixtyVs.operations },
      msPerEntity: { 60: perEntity(60), 300: perEntity(300), 1000: perEntity(1000) },
      watchRebuildMs: watchMs,
      watchRebuildsMs: rebuilds,
      changedDesign: { ...changed, plannerCalls },
      steps,
      targets: TARGETS,
      met: {
        listlyPeak: c.listly.peakMb < TARGETS.listlyPeakMb,
        sixtyEntities: c[60].medianMs < TARGETS.sixtyEntitiesMs && c[60].medianMs < t[60].medianMs,
        thousandEntities: c[1000].medianMs < TARGETS.thousandEntitiesMs,
        linearGrowth: perEntity(1000) <= perEntity(300) * 1.05,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await run({ quick: process.argv.includes("--quick") });
