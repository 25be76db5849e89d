/**
 * Whole processes measured from outside: wall clock, CPU time, and peak memory. Peak memory is
 * taken two ways: the process tree's resident memory summed (contractor's build may run the type
 * check in a second process beside its own), sampled every 50 ms from /proc (the tree itself every 200 ms); and the largest single
 * process's exact peak (`/usr/bin/time -f %M`, when installed). Linux gives all three; elsewhere the
 * memory and CPU figures are NaN.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

const TIME = "/usr/bin/time";
const PAGE_BYTES = 4096;
const SAMPLE_MS = 50;
const TREE_EVERY = 4;

export interface ProcessRun {
  wallMs: number;
  /** User + system CPU of the process and the children it waited for. */
  cpuMs: number;
  /** Largest sum of resident memory over the process tree, sampled. */
  peakTreeMb: number;
  /** Exact peak resident memory of the largest single process (NaN without /usr/bin/time). */
  peakProcessMb: number;
  stderr: string;
}

/** CPU milliseconds of this process's waited-for children (Linux /proc; NaN elsewhere). */
function childrenCpuMs(): number {
  if (!existsSync("/proc/self/stat")) return NaN;
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime + cstime, in USER_HZ (100)
}

/** `root`'s descendants (and `root` itself unless `onlyDescendants`), from the parent ids in /proc. */
function processTree(root: number, onlyDescendants: boolean): number[] {
  if (!existsSync("/proc/self/stat")) return [];
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  const tree: number[] = [];
  const queue = onlyDescendants ? [...(children.get(root) ?? [])] : [root];
  while (queue.length) {
    const pid = queue.pop()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Resident bytes of these processes now (the ones that ended count 0). */
function rssBytes(pids: readonly number[]): number {
  let bytes = 0;
  for (const pid of pids) {
    try {
      bytes += Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * PAGE_BYTES;
    } catch {
      // Ended meanwhile.
    }
  }
  return bytes;
}

/**
 * Runs `node <args>` (this Node binary) to the end; rejects with its stderr when it exits non-zero.
 * `onStderr` sees the error output as it arrives (a watch process is driven by it).
 */
export function runNode(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ProcessRun> {
  const timed = existsSync(TIME);
  const command = timed ? TIME : process.execPath;
  const argv = timed ? ["-f", "bench-maxrss-kb %M", process.execPath, ...args] : [process.execPath, ...args];
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  const child = spawn(command, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  let peakTree = 0;
  let tree: number[] = [];
  let samples = 0;
  const sample = () => {
    if (child.pid === undefined) return;
    // The tree is re-read every TREE_EVERY samples (a scan of /proc costs far more than reading a few
    // processes' memory); /usr/bin/time itself is not counted.
    if (samples++ % TREE_EVERY === 0) tree = processTree(child.pid, timed);
    peakTree = Math.max(peakTree, rssBytes(tree));
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  sample();
  return new Promise((resolve, reject) => {
    child.on("error", (error) => {
      clearInterval(sampler);
      reject(error);
    });
    child.on("close", (code) => {
      clearInterval(sampler);
      const wallMs = performance.now() - start;
      const cpuMs = childrenCpuMs() - cpuBefore;
      const maxRss = /^bench-maxrss-kb (\d+)$/m.exec(stderr);
      const own = stderr.replace(/^bench-maxrss-kb \d+\n?/m, "");
      if (code !== 0) {
        reject(new Error(`node ${args.join(" ")} exited with ${code}:\n${own.slice(-4000)}`));
        return;
      }
      resolve({
        wallMs,
        cpuMs,
        peakTreeMb: existsSync("/proc/self/statm") ? peakTree / 1024 / 1024 : NaN,
        peakProcessMb: maxRss ? Number(maxRss[1]) / 1024 : NaN,
        stderr: own,
      });
    });
  });
}

/** The larger of the two peak figures: the sampled tree can miss a short spike of one process. */
export function peakMb(run: ProcessRun): number {
  const known = [run.peakTreeMb, run.peakProcessMb].filter((x) => !Number.isNaN(x));
  return known.length ? Math.max(...known) : NaN;
}
