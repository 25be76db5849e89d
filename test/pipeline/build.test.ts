import { describe, expect, it } from "vitest";
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../src/pipeline/build.ts";
import type { Artifact } from "../../src/pipeline/artifact.ts";
import { fixturePath } from "../helpers.ts";

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

describe("build", () => {
  it("writes the artifacts' files when every check passes, and reports step timings", async () => {
    const out = join(await mkdtemp(join(tmpdir(), "contractor-build-")), "out");
    const steps: string[] = [];
    const r = await build(
      { file: fixturePath("listly") },
      { out, artifacts: [echo(false)], onStep: (s) => steps.push(s.step) },
    );
    expect(r.ok).toBe(true);
    expect(r.written).toBe(true);
    expect(await readFile(join(out, "echo/title.txt"), "utf8")).toBe("Listly API\n");
    expect(steps).toStrictEqual(["load", "validate", "generate echo", "check echo", "write"]);
  });

  it("writes nothing when a checker finds an error, and leaves the previous out dir byte for byte", async () => {
    const out = join(await mkdtemp(join(tmpdir(), "contractor-build-")), "out");
    await build({ file: fixturePath("listly") }, { out, artifacts: [echo(false)] });
    const before = await snapshot(out);
    const r = await build(
      { text: (await readFile(fixturePath("listly"), "utf8")).replace("Listly API", "Changed") },
      { out, artifacts: [echo(true)] },
    );
    expect(r.ok).toBe(false);
    expect(r.written).toBe(false);
    expect(r.diagnostics).toStrictEqual([
      { code: "echo-broken", severity: "error", message: "broken on purpose", path: "echo/title.txt:1" },
    ]);
    expect(await snapshot(out)).toStrictEqual(before);
  });

  it("--check reports a stale out dir without touching it", async () => {
    const out = join(await mkdtemp(join(tmpdir(), "contractor-build-")), "out");
    await build({ file: fixturePath("listly") }, { out, artifacts: [echo(false)] });
    const before = await snapshot(out);
    const fresh = await build({ file: fixturePath("listly") }, { out, check: true, artifacts: [echo(false)] });
    expect(fresh.ok).toBe(true);
    const changed = (await readFile(fixturePath("listly"), "utf8")).replace("Listly API", "Changed");
    const stale = await build({ text: changed }, { out, check: true, artifacts: [echo(false)] });
    expect(stale.ok).toBe(false);
    expect(stale.stale).toStrictEqual([{ path: "echo/title.txt", reason: "different" }]);
    expect(stale.diagnostics.map((d) => d.code)).toStrictEqual(["out-of-date"]);
    expect(await snapshot(out)).toStrictEqual(before);
  });

  it("a generator producing an unsafe path is a contractor bug and throws", async () => {
    const evil: Artifact = { name: "evil", generate: () => [{ path: "../x.txt", contents: "x\n" }] };
    await expect(build({ file: fixturePath("listly") }, { artifacts: [evil] })).rejects.toThrow(/unsafe path/);
  });
});
