import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../src/pipeline/build.ts";
import type { Artifact } from "../../src/core/artifact.ts";
import type { CheckExecutor } from "../../src/pipeline/executor.ts";
import { fixturePath } from "../helpers.ts";
import { executors } from "./executors.ts";

/** A minimal artifact so these tests exercise the pipeline's own contract, whatever generators exist. */
const echo = (checkFinds: boolean): Artifact => ({
  name: "echo",
  generate: ({ design }) => [{ path: "echo/title.txt", contents: `${design.info.title}\n` }],
  check: async (own) =>
    checkFinds
      ? [{ code: "echo-broken", severity: "error", message: "broken on purpose", path: `${own[0]!.path}:1` }]
      : [],
});

const snapshot = async (dir: string) => {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name)] = await readFile(join(e.parentPath, e.name), "utf8");
  }
  return out;
};

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const newOut = async () => {
  const dir = await mkdtemp(join(tmpdir(), "contractor-build-"));
  dirs.push(dir);
  return join(dir, "out");
};

describe.each(executors)("build, checks %s", (_name, makeExecutor) => {
  let executor: CheckExecutor;
  beforeAll(() => {
    executor = makeExecutor();
  });
  afterAll(() => executor.end());

  it("writes the artifacts' files when every check passes, and reports step timings", async () => {
    const out = await newOut();
    const steps: string[] = [];
    const r = await build(
      { file: fixturePath("listly") },
      { out, executor, artifacts: [echo(false)], onStep: (s) => steps.push(s.step) },
    );
    expect(r.ok).toBe(true);
    expect(r.written).toBe(true);
    expect(await readFile(join(out, "echo/title.txt"), "utf8")).toBe("Listly API\n");
    expect(steps).toStrictEqual(["load", "validate", "derive", "generate echo", "check echo", "write"]);
  });

  it("writes nothing when a checker finds an error, and leaves the previous out dir byte for byte", async () => {
    const out = await newOut();
    await build({ file: fixturePath("listly") }, { out, executor, artifacts: [echo(false)] });
    const before = await snapshot(out);
    const r = await build(
      { text: (await readFile(fixturePath("listly"), "utf8")).replace("Listly API", "Changed") },
      { out, executor, artifacts: [echo(true)] },
    );
    expect(r.ok).toBe(false);
    expect(r.written).toBe(false);
    expect(r.diagnostics).toStrictEqual([
      { code: "echo-broken", severity: "error", message: "broken on purpose", path: "echo/title.txt:1" },
    ]);
    expect(await snapshot(out)).toStrictEqual(before);
  });

  it("--check reports a stale out dir without touching it", async () => {
    const out = await newOut();
    await build({ file: fixturePath("listly") }, { out, executor, artifacts: [echo(false)] });
    const before = await snapshot(out);
    const fresh = await build(
      { file: fixturePath("listly") },
      { out, check: true, executor, artifacts: [echo(false)] },
    );
    expect(fresh.ok).toBe(true);
    const changed = (await readFile(fixturePath("listly"), "utf8")).replace("Listly API", "Changed");
    const stale = await build({ text: changed }, { out, check: true, executor, artifacts: [echo(false)] });
    expect(stale.ok).toBe(false);
    expect(stale.stale).toStrictEqual([{ path: "echo/title.txt", reason: "different" }]);
    expect(stale.diagnostics.map((d) => d.code)).toStrictEqual(["out-of-date"]);
    expect(await snapshot(out)).toStrictEqual(before);
  });

  it("a generator producing an unsafe path is a contractor bug and throws", async () => {
    const evil: Artifact = { name: "evil", generate: () => [{ path: "../x.txt", contents: "x\n" }] };
    await expect(build({ file: fixturePath("listly") }, { executor, artifacts: [evil] })).rejects.toThrow(
      /unsafe path/,
    );
  });

  it("a check that reads only its own files sees only those; one that reads them all sees every file of the build", async () => {
    const seen = new Map<string, string[]>();
    const reader = (name: string, checkNeeds: "own" | "all"): Artifact => ({
      name,
      checkNeeds,
      generate: () => [{ path: `${name}.txt`, contents: `${name}\n` }],
      check: async (own, ctx) => {
        seen.set(name, [...own.map((f) => `own ${f.path}`), ...ctx.files.map((f) => f.path)]);
        return [];
      },
    });
    const r = await build(
      { file: fixturePath("listly") },
      { executor, artifacts: [reader("a", "all"), reader("b", "own"), reader("c", "all")] },
    );
    expect(r.ok).toBe(true);
    expect(r.files.map((f) => f.path)).toStrictEqual(["a.txt", "b.txt", "c.txt"]);
    expect(Object.fromEntries(seen)).toStrictEqual({
      a: ["own a.txt", "a.txt", "b.txt", "c.txt"],
      b: ["own b.txt", "b.txt"],
      c: ["own c.txt", "a.txt", "b.txt", "c.txt"],
    });
  });

  it("diagnostics come in artifact order, whichever check finished first", async () => {
    const finding = (name: string, checkNeeds: "own" | "all", ms: number): Artifact => ({
      name,
      checkNeeds,
      generate: () => [{ path: `${name}.txt`, contents: `${name}\n` }],
      check: async (own) => {
        await new Promise((r) => setTimeout(r, ms));
        return [{ code: `${name}-finding`, severity: "warning", message: name, path: own[0]!.path }];
      },
    });
    const r = await build(
      { file: fixturePath("listly") },
      { executor, artifacts: [finding("slow", "all", 50), finding("quick", "own", 0)] },
    );
    expect(r.diagnostics.map((d) => d.code)).toStrictEqual(["slow-finding", "quick-finding"]);
  });
});
