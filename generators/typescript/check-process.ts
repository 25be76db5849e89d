/**
 * The type check in a process started from a Node startup snapshot (snapshot-entry.cjs): a
 * one-shot helper of the pooled check executor (generators/worker-modules.ts) for a type check
 * left on the main thread. The compiler with its lib files parsed and bound is deserialised
 * rather than loaded and parsed, and it runs beside the main thread. The check itself is the same
 * compiler (the one ts-morph bundles), the same options, the same lib texts and the same
 * diagnostics as `typeCheck` (a test compares them on broken files).
 *
 * The snapshot is built once per Node binary and compiler, in the background, after the first
 * one-shot build that found none; building one prunes the others (`pruneSnapshots`). Until it
 * exists, and whenever the process fails, the check runs in process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ts } from "ts-morph";
import type { GeneratedFile } from "../../src/core/artifact.ts";

const ENTRY = fileURLToPath(new URL("./snapshot-entry.cjs", import.meta.url));

/** What the snapshot process reports per finding. */
export interface RawDiagnostic {
  file: string | undefined;
  line: number;
  code: number;
  message: string;
}

/** ts-morph's own @ts-morph/common (its compiler and lib files), resolved from ts-morph itself. */
function requireFromTsMorph(): NodeRequire {
  return createRequire(createRequire(import.meta.url).resolve("ts-morph"));
}

/** ts-morph's lib files, as its in-memory projects serve them. */
export function tsMorphLibs(): { folder: string; files: Record<string, string> } {
  const common = requireFromTsMorph()("@ts-morph/common") as {
    libFolderInMemoryPath: string;
    getLibFiles(): { fileName: string; text: string }[];
  };
  return {
    folder: common.libFolderInMemoryPath,
    files: Object.fromEntries(common.getLibFiles().map((f) => [f.fileName, f.text])),
  };
}

function compilerPackage(): { dir: string; version: string } {
  const main = requireFromTsMorph().resolve("@ts-morph/common");
  let dir = dirname(main);
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return { dir, version: (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version };
}

const hash = (parts: readonly string[]) => createHash("sha256").update(parts.join("\0")).digest("hex");

/**
 * Where this Node binary's snapshot of this compiler and entry lives: `contractor-tsc-<group><version>.blob`,
 * where the group (8 hex digits) names the installation — the Node binary and the compiler's
 * directory — and the version (8 more) what changes inside it: Node's version, the compiler's, the
 * entry. A new snapshot of a group supersedes the older ones (`pruneSnapshots`).
 */
export function snapshotFile(): string {
  const compiler = compilerPackage();
  const group = hash([process.execPath, process.arch, compiler.dir]).slice(0, 8);
  const version = hash([process.version, compiler.version, readFileSync(ENTRY, "utf8")]).slice(0, 8);
  return join(tmpdir(), `contractor-tsc-${group}${version}.blob`);
}

/** Largest total size of the snapshots kept in the temp dir, newest first (the one being built not counted). */
export const MAX_SNAPSHOT_BYTES = 128 * 1024 * 1024;
/** A builder's temp file older than this is left over from a builder that died. */
const ORPHAN_AGE_MS = 10 * 60_000;

export interface TempEntry {
  name: string;
  size: number;
  mtimeMs: number;
}

/**
 * The names among `entries` (a temp dir's files) that `pruneSnapshots` removes before `current`
 * (a snapshot's file name) is built: every other snapshot of its group (superseded), the older
 * snapshots of other groups beyond the newest of each, those beyond `maxBytes` in all (the newest
 * kept first), and builders' temp files older than ten minutes.
 */
export function snapshotsToPrune(
  entries: readonly TempEntry[],
  current: string,
  now: number,
  maxBytes = MAX_SNAPSHOT_BYTES,
): string[] {
  const blob = /^contractor-tsc-([0-9a-f]{8})[0-9a-f]{8}\.blob$/;
  const prune: string[] = [];
  const currentGroup = blob.exec(current)?.[1];
  const newestFirst = entries.filter((e) => blob.test(e.name)).sort((a, b) => b.mtimeMs - a.mtimeMs);
  const groups = new Set<string>();
  let total = 0;
  for (const e of newestFirst) {
    if (e.name === current) continue;
    const group = blob.exec(e.name)![1]!;
    if (group === currentGroup || groups.has(group) || total + e.size > maxBytes) {
      prune.push(e.name);
      continue;
    }
    groups.add(group);
    total += e.size;
  }
  for (const e of entries)
    if (
      /^contractor-tsc-[0-9a-f]{16}\.blob\.\d+\.[0-9a-f]+(\.libs\.json)?$/.test(e.name) &&
      now - e.mtimeMs > ORPHAN_AGE_MS
    )
      prune.push(e.name);
  return prune.sort();
}

/** Removes from the temp dir what `snapshotsToPrune` names, before `current` is built; best effort. */
export function pruneSnapshots(current: string): void {
  const dir = dirname(current);
  const entries: TempEntry[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith("contractor-tsc-")) continue;
    const info = statSync(join(dir, name), { throwIfNoEntry: false });
    if (info?.isFile() && (!process.getuid || info.uid === process.getuid()))
      entries.push({ name, size: info.size, mtimeMs: info.mtimeMs });
  }
  for (const name of snapshotsToPrune(entries, basename(current), Date.now())) rmSync(join(dir, name), { force: true });
}

let building: Promise<boolean> | undefined;

/**
 * Builds the snapshot in a detached background process (it outlives a CLI that exits first):
 * into a temp file, renamed into place when complete, so a reader never sees half a blob.
 * `libs`: ts-morph's lib files; `options`: the check's compiler options (which libs to parse);
 * `sample`: generated files the snapshot checks while it is built (the compiler's code then starts compiled).
 */
export function buildSnapshotInBackground(
  libs: { folder: string; files: Record<string, string> },
  options: ts.CompilerOptions,
  sample: readonly GeneratedFile[],
): Promise<boolean> {
  building ??= startBuilder(libs, options, sample).catch(() => false);
  return building;
}

async function startBuilder(
  libs: { folder: string; files: Record<string, string> },
  options: ts.CompilerOptions,
  sample: readonly GeneratedFile[],
): Promise<boolean> {
  const blob = snapshotFile();
  // One builder at a time per snapshot (many one-shot builds may start at once on a new machine);
  // a lock older than two minutes is taken to be left over from a builder that died.
  const lock = `${blob}.lock`;
  const lockAge = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
  if (lockAge > 120_000) rmSync(lock, { force: true });
  writeFileSync(lock, String(process.pid), { flag: "wx" }); // throws when another builder holds it
  try {
    pruneSnapshots(blob);
  } catch {
    // Pruning is housekeeping: a temp dir that cannot be listed does not stop the build of the snapshot.
  }
  const tmp = `${blob}.${process.pid}.${randomBytes(4).toString("hex")}`;
  try {
    writeFileSync(
      `${tmp}.libs.json`,
      JSON.stringify({ ...libs, warm: sample.map((f) => ({ name: `/out/${f.path}`, text: f.contents })) }),
    );
  } catch (error) {
    rmSync(lock, { force: true });
    throw error;
  }
  const script = `
    const { spawnSync } = require("node:child_process");
    const { renameSync, rmSync } = require("node:fs");
    const [blob, tmp, entry, lock] = process.argv.slice(1);
    const r = spawnSync(process.execPath, ["--disable-warning=ExperimentalWarning", "--disable-warning=Warning", "--snapshot-blob", tmp, "--build-snapshot", entry], { stdio: "ignore" });
    try { if (r.status === 0) renameSync(tmp, blob); } finally { for (const f of [tmp, tmp + ".libs.json", lock]) rmSync(f, { force: true }); }
  `;
  const child: ChildProcess = spawn(process.execPath, ["-e", script, blob, tmp, ENTRY, lock], {
    detached: true,
    stdio: "ignore",
    env: {
      ...process.env,
      CONTRACTOR_TS_COMPILER: join(compilerPackage().dir, "dist", "typescript.js"),
      CONTRACTOR_TS_LIBS: `${tmp}.libs.json`,
      CONTRACTOR_TS_OPTIONS: JSON.stringify(options),
    },
  });
  child.unref();
  return new Promise((resolve) => {
    child.on("error", () => resolve(false));
    child.on("close", () => resolve(existsSync(blob)));
  });
}

/** A started snapshot process, waiting for its one request. */
export interface CheckProcess {
  check(files: readonly GeneratedFile[], options: ts.CompilerOptions): Promise<RawDiagnostic[] | undefined>;
}

/**
 * Starts the snapshot process now (its deserialisation overlaps the build), or returns undefined
 * when there is no snapshot yet. `check` resolves undefined when the process fails: the caller
 * then checks in process.
 */
export function startCheckProcess(): CheckProcess | undefined {
  const blob = snapshotFile();
  // The temp dir may be shared: a snapshot is code, so only one this user wrote is run.
  const info = statSync(blob, { throwIfNoEntry: false });
  if (!info?.isFile() || (process.getuid && info.uid !== process.getuid()) || (info.mode & 0o022) !== 0)
    return undefined;
  const child = spawn(process.execPath, ["--snapshot-blob", blob], { stdio: ["pipe", "pipe", "ignore"] });
  const chunks: Buffer[] = [];
  child.stdout!.on("data", (c: Buffer) => chunks.push(c));
  const exited = new Promise<number | null>((resolve) => {
    child.on("error", () => resolve(null));
    child.on("close", (code) => resolve(code));
  });
  child.stdin!.on("error", () => undefined);
  return {
    async check(files, options) {
      child.stdin!.end(
        JSON.stringify({ options, files: files.map((f) => ({ name: `/out/${f.path}`, text: f.contents })) }),
      );
      const code = await exited;
      // A snapshot that cannot start (damaged, or from another build of Node) is removed; the next
      // one-shot build makes a new one.
      if (code !== 0) {
        rmSync(blob, { force: true });
        return undefined;
      }
      try {
        return (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { diagnostics: RawDiagnostic[] }).diagnostics;
      } catch {
        return undefined;
      }
    },
  };
}

let prestarted: CheckProcess | "no snapshot" | undefined;

/** For a one-shot build: starts the snapshot process now, for the build's type check to take. */
export function prestartCheckProcess(): void {
  prestarted ??= startCheckProcess() ?? "no snapshot";
}

/** The prestarted process (once), "no snapshot" when there was none to start, else undefined. */
export function takeCheckProcess(): CheckProcess | "no snapshot" | undefined {
  const taken = prestarted;
  prestarted = undefined;
  return taken;
}
