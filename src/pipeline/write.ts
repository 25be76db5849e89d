/**
 * Writing the out dir: all or nothing. The new tree is staged in a sibling directory (files the
 * build does not own are carried over untouched), then swapped in with renames. A manifest lists
 * the files the build owns, so a later build removes only its own stale files.
 */
import { mkdir, readFile, rename, rm, writeFile, readdir, cp, lstat } from "node:fs/promises";
import { dirname, join, resolve, basename, relative, sep } from "node:path";
import type { GeneratedFile, PreviousBuild } from "./artifact.ts";
import { assert } from "../design/diagnostics.ts";

export const MANIFEST = ".contractor-manifest.json";

interface Manifest {
  generator: "contractor";
  files: string[];
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

async function readManifest(outDir: string): Promise<string[]> {
  try {
    const m = JSON.parse(await readFile(join(outDir, MANIFEST), "utf8")) as Manifest;
    return Array.isArray(m.files) ? m.files.filter((f) => typeof f === "string" && isSafeRelative(f)) : [];
  } catch {
    return [];
  }
}

function isSafeRelative(p: string): boolean {
  return !p.startsWith("/") && !p.split("/").some((s) => s === ".." || s === "" || s === ".");
}

export async function readPrevious(outDir: string): Promise<PreviousBuild | undefined> {
  const owned = await readManifest(outDir);
  if (owned.length === 0) return undefined;
  const files = new Map<string, string>();
  for (const path of owned) {
    try {
      files.set(path, await readFile(join(outDir, path), "utf8"));
    } catch {
      // A missing owned file is the evolution check's business; here it is simply absent.
    }
  }
  const designJson = files.get("design.json");
  return { files, ...(designJson !== undefined ? { designJson } : {}) };
}

function manifestFile(files: readonly GeneratedFile[]): GeneratedFile {
  const m: Manifest = { generator: "contractor", files: files.map((f) => f.path).sort() };
  return { path: MANIFEST, contents: JSON.stringify(m, null, 2) + "\n" };
}

/** Replaces the build's files in `outDir` atomically; files the build does not own survive. */
export async function writeOutDir(outDir: string, files: readonly GeneratedFile[]): Promise<void> {
  const target = resolve(outDir);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const staging = join(parent, `.contractor-staging-${basename(target)}-${process.pid}`);
  const retired = join(parent, `.contractor-retired-${basename(target)}-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    if (await exists(target)) {
      const owned = new Set([...(await readManifest(target)), MANIFEST]);
      for (const entry of await readdir(target, { recursive: true, withFileTypes: true })) {
        if (entry.isDirectory()) continue;
        const rel = relative(target, join(entry.parentPath, entry.name)).split(sep).join("/");
        if (owned.has(rel)) continue;
        await mkdir(dirname(join(staging, rel)), { recursive: true });
        await cp(join(target, rel), join(staging, rel), { preserveTimestamps: true, verbatimSymlinks: true });
      }
    }
    for (const f of [...files, manifestFile(files)]) {
      assert(isSafeRelative(f.path), `unsafe output path ${f.path}`);
      const dest = join(staging, f.path);
      assert(dest.startsWith(staging + sep), `output path escapes the out dir: ${f.path}`);
      await mkdir(dirname(dest), { recursive: true });
      await writeFile(dest, f.contents);
    }
    const hadTarget = await exists(target);
    if (hadTarget) await rename(target, retired);
    await rename(staging, target);
    if (hadTarget) await rm(retired, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (!(await exists(target)) && (await exists(retired))) await rename(retired, target);
    throw error;
  }
}

export interface StaleFile {
  path: string;
  reason: "missing" | "different" | "no longer generated";
}

/** Compares the in-memory build with the out dir (what `--check` reports). */
export async function compareOutDir(outDir: string, files: readonly GeneratedFile[]): Promise<StaleFile[]> {
  const stale: StaleFile[] = [];
  const wanted = [...files, manifestFile(files)];
  for (const f of wanted) {
    let onDisk: string | undefined;
    try {
      onDisk = await readFile(join(outDir, f.path), "utf8");
    } catch {
      onDisk = undefined;
    }
    if (onDisk === undefined) stale.push({ path: f.path, reason: "missing" });
    else if (onDisk !== f.contents) stale.push({ path: f.path, reason: "different" });
  }
  const paths = new Set(wanted.map((f) => f.path));
  for (const owned of await readManifest(outDir)) {
    if (!paths.has(owned)) stale.push({ path: owned, reason: "no longer generated" });
  }
  return stale;
}
