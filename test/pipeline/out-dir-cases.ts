/**
 * One small situation per out-dir and file-system code, run through the real `build`. The
 * registry test runs them all to prove each code is produced; write.test.ts and
 * write-fault.test.ts test the behaviour behind them in detail.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../src/pipeline/build.ts";
import type { Artifact } from "../../src/core/artifact.ts";
import { faults, WORK_DIR, type FaultPoint } from "../../src/pipeline/write.ts";
import { fixturePath } from "../helpers.ts";

export const echo: Artifact = {
  name: "echo",
  generate: () => [
    { path: "a.txt", contents: "a\n" },
    { path: "dir/b.txt", contents: "b\n" },
  ],
};

/** A Node system error as the file system would raise it. */
export function errno(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });
}

/** Runs `fn` with the write failing with `error` the n-th time it reaches `point`. */
export async function failingAt<T>(point: FaultPoint, n: number, error: Error, fn: () => Promise<T>): Promise<T> {
  faults.hook = (p, i) => {
    if (p === point && i === n) throw error;
  };
  try {
    return await fn();
  } finally {
    delete faults.hook;
  }
}

type Case = [
  name: string,
  arrange: (root: string, out: string) => Promise<unknown>,
  options?: { point: FaultPoint; n: number; code: string },
];

export const outDirCases: Case[] = [
  ["out dir is the file-system root", async () => undefined],
  ["out dir is a file", (_root, out) => writeFile(out, "x\n")],
  ["a directory where an owned file goes", (_root, out) => mkdir(join(out, "a.txt"), { recursive: true })],
  [
    "a file contractor did not write",
    async (_root, out) => (await mkdir(out), writeFile(join(out, "a.txt"), "mine\n")),
  ],
  [
    "a live lock",
    async (_root, out) => (
      await mkdir(join(out, WORK_DIR), { recursive: true }),
      writeFile(
        join(out, WORK_DIR, "lock"),
        JSON.stringify({ pid: process.pid, host: hostname(), started: "x", token: "t" }),
      )
    ),
  ],
  [
    "a corrupt journal",
    async (_root, out) => (
      await mkdir(join(out, WORK_DIR), { recursive: true }), writeFile(join(out, WORK_DIR, "journal.json"), "{")
    ),
  ],
  [
    "an old version's retired dir with a user file",
    async (root, out) => (
      await mkdir(out),
      await mkdir(join(root, ".contractor-retired-out-1")),
      writeFile(join(root, ".contractor-retired-out-1", "lost.md"), "x\n")
    ),
  ],
  ["permission denied while staging", (_root, out) => mkdir(out), { point: "staged", n: 1, code: "EACCES" }],
  ["read-only file system at the journal", (_root, out) => mkdir(out), { point: "journal", n: 1, code: "EROFS" }],
  ["disk full while renaming", (_root, out) => mkdir(out), { point: "rename", n: 1, code: "ENOSPC" }],
  ["busy while renaming", (_root, out) => mkdir(out), { point: "rename", n: 2, code: "EBUSY" }],
  ["out of file descriptors", (_root, out) => mkdir(out), { point: "staged", n: 1, code: "EMFILE" }],
  ["an I/O error before the commit", (_root, out) => mkdir(out), { point: "synced", n: 1, code: "EIO" }],
];

/** Every code the cases above produce. */
export async function outDirCodesProduced(): Promise<Set<string>> {
  const seen = new Set<string>();
  for (const [name, arrange, fault] of outDirCases) {
    const root = await mkdtemp(join(tmpdir(), "contractor-outdir-case-"));
    try {
      const out = name.includes("root") ? "/" : join(root, "out");
      await arrange(root, out);
      const run = () => build({ file: fixturePath("listly") }, { out, artifacts: [echo], lockTimeoutMs: 100 });
      const r = fault
        ? await failingAt(fault.point, fault.n, errno(fault.code, "rename", join(out, "a.txt")), run)
        : await run();
      for (const d of r.diagnostics) seen.add(d.code);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
  return seen;
}
