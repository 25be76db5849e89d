/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and prints where the time went: self time by package
 * or source folder, self time by function, and inclusive time by function (each sample counted once
 * per function on its stack). For docs/performance.md's "where time goes":
 *   CONTRACTOR_WORKERS=0 node --cpu-prof --cpu-prof-dir prof bin/contractor.js build big.json --out o
 *   node bench/profile.ts prof/<the largest .cpuprofile> [rows]
 */
import { readFileSync } from "node:fs";
import { fmt, isMain } from "./util.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const root = new URL("..", import.meta.url).href;

/** The package (node_modules/<name>) or repository folder (generators/sql) a script belongs to. */
function area(url: string): string {
  if (!url) return "(V8 / native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith(root)) return url.slice(root.length).split("/").slice(0, 2).join("/");
  if (url.startsWith("node:")) return "node (built-in modules)";
  return url;
}

function key(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.startsWith(root) ? url.slice(root.length) : url.replace(/^.*node_modules\//, "");
  return `${functionName || "(anonymous)"} ${where}:${lineNumber + 1}`;
}

function summarise(profile: Profile, rows: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [i, id] of profile.samples.entries()) {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    total += ms;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    if (name === "(idle)") {
      idle += ms;
      continue;
    }
    self.set(key(node), (self.get(key(node)) ?? 0) + ms);
    const a = name === "(garbage collector)" ? "(garbage collector)" : area(node.callFrame.url);
    areas.set(a, (areas.get(a) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = key(byId.get(at)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, ms]) => `  ${fmt(ms).padStart(9)} ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${k}`);
  return [
    `profile: ${fmt(total)} sampled (${fmt(total - idle)} busy)`,
    "self time by package or folder:",
    ...top(areas, rows),
    "self time by function:",
    ...top(self, rows),
    "inclusive time by function:",
    ...top(inclusive, rows * 2),
  ];
}

if (isMain(import.meta.url)) {
  const [file, rows = "20"] = process.argv.slice(2);
  if (!file) {
    console.error("usage: node bench/profile.ts <file.cpuprofile> [rows]");
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  console.log(summarise(profile, Number(rows)).join("\n"));
}
