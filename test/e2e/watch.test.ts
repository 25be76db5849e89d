import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fixturePath, repoRoot } from "../helpers.ts";

const temp = await mkdtemp(join(tmpdir(), "contractor-watch-e2e-"));
afterAll(() => rm(temp, { recursive: true, force: true }));

/** The real binary in watch mode; `waitFor` resolves once stderr (or stdout) has matched `n` times. */
function watchProcess(args: string[]) {
  const child = spawn(process.execPath, [join(repoRoot, "bin/contractor.js"), "build", ...args, "--watch"], {
    env: { ...process.env, NO_COLOR: "1" },
  });
  let stderr = "";
  let stdout = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const count = (text: string, re: RegExp) => text.match(new RegExp(re.source, "g"))?.length ?? 0;
  async function waitFor(re: RegExp, n = 1, on: "stderr" | "stdout" = "stderr"): Promise<void> {
    const end = Date.now() + 60_000;
    while (count(on === "stderr" ? stderr : stdout, re) < n) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`waited for ${re} x${n}; stderr:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { child, exited, waitFor, output: () => ({ stderr, stdout }) };
}

describe("contractor build --watch", () => {
  it("rebuilds on each change with every check, keeps the last good output on a broken edit, and stops on Ctrl-C with 0", async () => {
    const dir = await mkdtemp(join(temp, "case-"));
    const design = join(dir, "listly.yaml");
    const out = join(dir, "out");
    await copyFile(fixturePath("listly"), design);
    const original = await readFile(design, "utf8");
    const w = watchProcess([design, "--out", out]);

    await w.waitFor(/wrote 16 files to .* in \d+ ms/);
    expect(w.output().stderr).toMatch(/engine \(pglite\) up\/down\/up round trip ok/);

    // An edit: the description reaches DESIGN.md; the engine round trip ran again.
    const edited = original.replace(/^( {2}description: ).*$/m, "$1Edited while watching.");
    expect(edited).not.toBe(original);
    await writeFile(design, edited);
    await w.waitFor(/changed: rebuilding/);
    await w.waitFor(/wrote \d+ files to .* in \d+ ms/, 2);
    expect(w.output().stderr.match(/round trip ok/g)).toHaveLength(2);
    const designMd = await readFile(join(out, "DESIGN.md"), "utf8");
    expect(designMd).toContain("Edited while watching.");
    const filesBefore = (await readdir(out, { recursive: true })).sort();

    // A broken edit: a diagnostic, nothing written, the previous output intact, still watching.
    await writeFile(design, `${edited}\nbroken: [\n`);
    await w.waitFor(/nothing written in \d+ ms: 1 error/);
    expect(w.output().stdout).toMatch(/parse-error/);
    expect(await readFile(join(out, "DESIGN.md"), "utf8")).toBe(designMd);
    expect((await readdir(out, { recursive: true })).sort()).toEqual(filesBefore);

    // Fixed again: builds again.
    await writeFile(design, edited);
    await w.waitFor(/changed: rebuilding/, 3);
    await w.waitFor(/wrote \d+ files to .* in \d+ ms/, 3);

    w.child.kill("SIGINT");
    expect(await w.exited).toBe(0);
    expect(w.output().stderr).toMatch(/stopped watching/);
    expect(w.output().stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it("with --json prints one JSON object per build, one per line", async () => {
    const dir = await mkdtemp(join(temp, "case-"));
    const design = join(dir, "listly.yaml");
    await copyFile(fixturePath("listly"), design);
    const w = watchProcess([design, "--out", join(dir, "out"), "--json", "--no-engine"]);
    await w.waitFor(/\n/, 1, "stdout");
    await writeFile(design, "not: [valid\n");
    await w.waitFor(/\n/, 2, "stdout");
    w.child.kill("SIGTERM");
    expect(await w.exited).toBe(0);
    const lines = w
      .output()
      .stdout.trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { ok: boolean; diagnostics: { code: string }[] });
    expect(lines.map((l) => l.ok)).toEqual([true, false]);
    expect(lines[1]!.diagnostics[0]!.code).toBe("parse-error");
  });
});

describe("a large design through the binary's own flags", () => {
  it("is run again without --liftoff-only (bin/liftoff.js), with the same output, exit codes and signals", {
    timeout: 180_000,
  }, async () => {
    const { largeDesign } = await import("../../fixtures/large.ts");
    const { LARGE_DESIGN_BYTES } = await import("../../bin/liftoff.js");
    const dir = await mkdtemp(join(temp, "large-"));
    const design = join(dir, "large.json");
    const text = JSON.stringify(largeDesign(160));
    expect(text.length).toBeGreaterThan(LARGE_DESIGN_BYTES);
    await writeFile(design, text);
    // As the shebang runs it: node --liftoff-only bin/contractor.js …
    const run = (args: string[]) =>
      spawn(process.execPath, ["--liftoff-only", join(repoRoot, "bin/contractor.js"), ...args], {
        env: { ...process.env, NO_COLOR: "1" },
      });
    const finish = (child: ReturnType<typeof run>) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d));
        child.stderr.on("data", (d: Buffer) => (out += d));
        child.on("exit", (code) => resolve({ code, out }));
      });
    const valid = await finish(run(["validate", design]));
    expect(valid.code).toBe(0);
    expect(valid.out).toMatch(/design is valid/);
    await writeFile(join(dir, "broken.json"), text.replace('"contractor":1', '"contractor":2'));
    const broken = await finish(run(["validate", join(dir, "broken.json")]));
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(/broken.json#\/contractor {2}error {2}unsupported-version/);

    // SIGTERM to the outer process reaches the watching one, which stops cleanly: exit 0.
    const watcher = run(["build", design, "--out", join(dir, "out"), "--watch", "--no-engine"]);
    const done = finish(watcher);
    let seen = "";
    watcher.stderr.on("data", (d: Buffer) => (seen += d));
    const end = Date.now() + 150_000;
    while (!/wrote \d+ files/.test(seen)) {
      if (Date.now() > end) throw new Error(`no build; output:\n${seen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // The outer process ran the command again as its child (Linux shows the child in /proc).
    const children = `/proc/${watcher.pid}/task/${watcher.pid}/children`;
    if (existsSync(children)) expect(readFileSync(children, "utf8").trim()).toMatch(/^\d+$/);
    watcher.kill("SIGTERM");
    const stopped = await done;
    expect(stopped.code).toBe(0);
    expect(stopped.out).toMatch(/stopped watching/);
  });
});
