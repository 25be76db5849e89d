/**
 * File-system situations through the real CLI: each is one diagnostic with a code and exit 1,
 * never "contractor crashed", and the out dir is left as it was. Permission errors need a user
 * the file system refuses: as root (CI containers) the CLI runs as `nobody`; /sys refuses
 * everyone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { fixturePath, repoRoot } from "../helpers.ts";

const NOBODY = 65534;

function contractor(args: string[], as?: number): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [join(repoRoot, "bin/contractor.js"), "build", fixturePath("listly"), "--no-engine", ...args],
      {
        env: { ...process.env, NO_COLOR: "1", NODE_DISABLE_COMPILE_CACHE: "1" },
        ...(as !== undefined ? { uid: as, gid: as } : {}),
        timeout: 60_000,
      },
    );
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", fail);
    child.on("exit", (code) => done({ code, output }));
  });
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "contractor-fs-"));
  await chmod(root, 0o755);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const noCrash = (output: string) => {
  expect(output).not.toMatch(/contractor crashed/);
  expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
};

describe("file-system errors through the CLI", () => {
  it("--out that is a file, and a FIFO where an owned file goes: a diagnostic each, nothing changed", async () => {
    const file = join(root, "a-file");
    await writeFile(file, "mine\n");
    const fifoOut = join(root, "fifo-out");
    await mkdir(fifoOut);
    spawnSync("mkfifo", [join(fifoOut, "openapi.yaml")]);
    const [asFile, withFifo] = await Promise.all([contractor(["--out", file]), contractor(["--out", fifoOut])]);
    expect(asFile.code, asFile.output).toBe(1);
    expect(asFile.output).toMatch(/error {2}out-not-a-directory {2}.*a-file exists and is not a directory/);
    expect(await readFile(file, "utf8")).toBe("mine\n");
    expect(withFifo.code, withFifo.output).toBe(1);
    expect(withFifo.output).toMatch(/error {2}out-file-not-regular {2}.*openapi\.yaml is a FIFO/);
    expect(await readdir(fifoOut)).toStrictEqual(["openapi.yaml"]);
    noCrash(asFile.output + withFifo.output);
  });

  it("a parent this user cannot write to: fs-permission-denied", async () => {
    const isRoot = process.getuid?.() === 0;
    const parent = join(root, "locked");
    await mkdir(parent);
    if (!isRoot) await chmod(parent, 0o555);
    const r = await contractor(["--out", join(parent, "out")], isRoot ? NOBODY : undefined);
    expect(r.code, r.output).toBe(1);
    expect(r.output).toMatch(
      /error {2}fs-permission-denied {2}file-system error: mkdir .*locked\/out: permission denied \(EACCES\)/,
    );
    expect(await readdir(parent)).toStrictEqual([]);
    noCrash(r.output);
  });

  it.skipIf(!existsSync("/sys/kernel"))(
    "a directory no one may create (under /sys): fs-permission-denied",
    async () => {
      const r = await contractor(["--out", "/sys/contractor-out"]);
      expect(r.code, r.output).toBe(1);
      expect(r.output).toMatch(
        /error {2}fs-permission-denied {2}file-system error: mkdir \/sys\/contractor-out: (operation not permitted \(EPERM\)|permission denied \(EACCES\))/,
      );
      noCrash(r.output);
    },
  );
});
