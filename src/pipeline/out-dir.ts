/**
 * Opening the out dir for a build that writes: refuse dangerous places, resolve a link (the out
 * dir is written through it, the link stays), take the lock, recover an interrupted write, and
 * clean up what older contractor versions left next to the out dir. Everything after this,
 * up to the write, runs under the lock.
 */
import { lstat, mkdir, readFile, readdir, realpath, rename, rm, rmdir, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, join, parse, relative, resolve, sep } from "node:path";
import type { Diagnostic } from "../design/diagnostics.ts";
import { diagnosticsFor } from "../design/diagnostics.ts";
import { pipelineCodes } from "./codes.ts";
import { OutDirProblem, isSystemError, shownPath } from "./fs-errors.ts";
import { acquireLock, type LockOptions } from "./lock.ts";
import { MANIFEST, recoverOutDir } from "./write.ts";

const diag = diagnosticsFor(pipelineCodes);

export interface OpenOutDir {
  /** The real directory the build writes into (a link given as `--out` resolved). */
  dir: string;
  /** Warnings about what older versions left behind. */
  diagnostics: Diagnostic[];
  release(): Promise<void>;
}

export interface OpenOptions extends LockOptions {
  /** The design file: its git work tree (or the cwd) is the project an out dir with `.git` must be in. */
  designFile?: string;
}

async function lstatOrUndefined(p: string) {
  try {
    return await lstat(p);
  } catch (error) {
    if (isSystemError(error) && (error.code === "ENOENT" || error.code === "ENOTDIR")) return undefined;
    throw error;
  }
}

/** The real path of `p`, or of its nearest existing ancestor with the rest appended. */
async function realOrNearest(p: string): Promise<string> {
  let rest = "";
  let at = p;
  for (;;) {
    try {
      return join(await realpath(at), rest);
    } catch (error) {
      if (!(isSystemError(error) && (error.code === "ENOENT" || error.code === "ENOTDIR"))) throw error;
      if (dirname(at) === at) return p;
      rest = join(basename(at), rest);
      at = dirname(at);
    }
  }
}

/** The git work tree holding `from` (the nearest ancestor with a `.git`), else the cwd. */
async function projectRoot(from: string): Promise<string> {
  let at = from;
  for (;;) {
    if (await lstatOrUndefined(join(at, ".git"))) return at;
    if (dirname(at) === at) return realOrNearest(process.cwd());
    at = dirname(at);
  }
}

/**
 * Why `--out` must not be written, if it must not: the file-system root, the home directory, or
 * a repository root other than the project's. `--out .` inside the project is allowed: only
 * owned files are written, so the user's tree is neither read nor copied.
 */
export async function outDirRefusal(out: string, designFile?: string): Promise<string | undefined> {
  const real = await realOrNearest(resolve(out));
  if (real === parse(real).root) return "the root of the file system";
  const home = await realOrNearest(resolve(homedir()));
  if (real === home) return "your home directory";
  if (await lstatOrUndefined(join(real, ".git"))) {
    const from = designFile ? dirname(await realOrNearest(resolve(designFile))) : await realOrNearest(process.cwd());
    const project = await projectRoot(from);
    if (real !== project && !real.startsWith(project + sep))
      return `another repository (it holds .git and is outside the project ${project})`;
  }
  return undefined;
}

/** Regular files under `dir`, relative with `/`, links not followed. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)).split(sep).join("/"));
  }
  return out;
}

async function sameBytes(a: string, b: string): Promise<boolean> {
  try {
    const [x, y] = await Promise.all([readFile(a), readFile(b)]);
    return x.equals(y);
  } catch {
    return false;
  }
}

/**
 * Older versions swapped the whole out dir through `.contractor-staging-<name>-<pid>` and
 * `.contractor-retired-<name>-<pid>` siblings. A kill between their two renames left no out dir:
 * the retired one (the complete old build, with the user's files) is renamed back.
 */
async function restoreRetired(abs: string): Promise<void> {
  if (await lstatOrUndefined(abs)) return;
  const parent = dirname(abs);
  const prefix = `.contractor-retired-${basename(abs)}-`;
  let names: string[];
  try {
    names = (await readdir(parent)).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  const dated = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(parent, n))).mtimeMs })));
  const newest = dated.sort((a, b) => b.t - a.t)[0];
  if (!newest) return;
  try {
    await rename(join(parent, newest.n), abs);
  } catch (error) {
    // Another build restored it first.
    if (!(isSystemError(error) && ["ENOENT", "EEXIST", "ENOTEMPTY"].includes(error.code))) throw error;
  }
}

/**
 * The rest of the old versions' leftovers, under the lock: staging siblings go; a retired sibling
 * goes when every file of the user's it holds is in the out dir with the same bytes (the swap
 * had finished), and is otherwise kept with a warning. Best effort: the parent may be read-only.
 */
async function cleanLegacy(abs: string, dir: string): Promise<Diagnostic[]> {
  const parent = dirname(abs);
  const name = basename(abs);
  const found: Diagnostic[] = [];
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return found;
  }
  for (const n of names) {
    const p = join(parent, n);
    try {
      if (n.startsWith(`.contractor-staging-${name}-`)) await rm(p, { recursive: true, force: true });
      else if (n.startsWith(`.contractor-retired-${name}-`)) {
        const theirs = new Set<string>([MANIFEST]);
        try {
          const m = JSON.parse(await readFile(join(p, MANIFEST), "utf8")) as { files?: unknown };
          if (Array.isArray(m.files)) for (const f of m.files) if (typeof f === "string") theirs.add(f);
        } catch {
          // no manifest: every file counts as the user's
        }
        const users = (await filesUnder(p)).filter((f) => !theirs.has(f));
        const kept = [];
        for (const f of users) if (!(await sameBytes(join(p, f), join(dir, f)))) kept.push(f);
        if (kept.length === 0) await rm(p, { recursive: true, force: true });
        else
          found.push(
            diag(
              "out-retired-kept",
              `${p} (left by an older contractor) holds ${kept.length} file(s) the out dir lacks, e.g. ${kept[0]}; it is kept: copy what you need, then remove it`,
              shownPath(p),
            ),
          );
      }
    } catch {
      // best effort
    }
  }
  return found;
}

/** Opens `out` for writing (see the module comment). Throws `OutDirProblem` or a system error. */
export async function openOutDir(out: string, options: OpenOptions = {}): Promise<OpenOutDir> {
  const abs = resolve(out);
  const refused = await outDirRefusal(abs, options.designFile);
  if (refused)
    throw new OutDirProblem(
      "out-dir-refused",
      `refusing to write into ${abs}: it is ${refused}; choose a dedicated output directory`,
      abs,
    );
  await restoreRetired(abs);
  const st = await lstatOrUndefined(abs);
  let created: string | undefined;
  if (!st) {
    const first = await mkdir(abs, { recursive: true });
    if (first) created = await realpath(first);
  } else if (st.isSymbolicLink()) {
    const target = await stat(abs).catch(() => undefined);
    if (!target?.isDirectory())
      throw new OutDirProblem(
        "out-not-a-directory",
        `${abs} is a symbolic link to ${target ? "something that is not a directory" : "nothing"}; point it at a directory or choose another --out`,
        abs,
      );
  } else if (!st.isDirectory()) {
    throw new OutDirProblem("out-not-a-directory", `${abs} exists and is not a directory; choose another --out`, abs);
  }
  const dir = await realpath(abs);
  const lock = await acquireLock(dir, options);
  const release = async () => {
    await lock.release();
    // A build that wrote nothing leaves no out dir it created.
    if (created) {
      for (let at = dir; at.length >= created.length; at = dirname(at)) {
        try {
          await rmdir(at);
        } catch {
          break;
        }
      }
    }
  };
  try {
    await recoverOutDir(dir);
    const diagnostics = await cleanLegacy(abs, dir);
    return { dir, diagnostics, release };
  } catch (error) {
    await release();
    throw error;
  }
}
