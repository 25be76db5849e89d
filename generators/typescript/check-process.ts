/**
 * The type check in a process started from a Node startup snapshot (snapshot-entry.cjs), for
 * one-shot CLI builds: the compiler with its lib files parsed and bound is deserialised in
 * ~0.2 s instead of loaded and parsed in ~0.5 s, and it runs beside the main thread. The check
 * itself is the same compiler (the one ts-morph bundles), the same options, the same lib texts
 * and the same diagnostics as `typeCheck` (a test compares them on broken files).
 *
 * The snapshot is built once per Node binary and compiler, in the background, after the first
 * one-shot build that found none (about 3 s of CPU; 45 MB in the temp dir). Until it exists,
 * and whenever the process fails, the check runs in process as before.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ts } from "ts-morph";
import type { GeneratedFile } from "../../src/pipeline/artifact.ts";

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

/** Where this Node binary's snapshot of this compiler and entry lives. */
export function snapshotFile(): string {
  const key = createHash("sha256")
    .update(
      [process.execPath, process.version, process.arch, compilerPackage().version, readFileSync(ENTRY, "utf8")].join(
        "\0",
      ),
    )
    .digest("hex")
    .slice(0, 16);
  return join(tmpdir(), `contractor-tsc-${key}.blob`);
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
