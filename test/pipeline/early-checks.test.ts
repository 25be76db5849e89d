import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { build } from "../../src/pipeline/build.ts";
import type { CheckExecutor } from "../../src/pipeline/executor.ts";
import { fixturePath } from "../helpers.ts";
import { miniDesign } from "../generators/typescript/mini.ts";
import { executors } from "./executors.ts";

describe.each(executors)("every check of the default artifacts, %s", (_name, makeExecutor) => {
  let executor: CheckExecutor;
  beforeAll(() => {
    executor = makeExecutor();
  });
  afterAll(() => executor.end());

  it("the bundled example: every artifact is checked, the engine round trip included", async () => {
    const result = await build({ file: fixturePath("listly") }, { executor });
    expect(result.ok, JSON.stringify(result.diagnostics)).toBe(true);
    const checks = result.timings
      .filter((t) => t.step.startsWith("check "))
      .map((t) => t.step)
      .sort();
    // The evolution artifact (design.json, CHANGES.md) has no check: the migration chain it records
    // is proven by the SQL check, in the same engine session as the round trip.
    expect(checks).toStrictEqual([
      "check html",
      "check markdown",
      "check mermaid",
      "check openapi",
      "check sql",
      "check typescript",
    ]);
    expect(result.timings.find((t) => t.step === "check sql")?.detail).toMatch(/round trip ok/);
    expect(result.timings.find((t) => t.step === "check typescript")?.detail).toMatch(
      /tsc strict: 2 files, 0 diagnostics/,
    );
  }, 300_000);

  it("a generator error (with checks of other artifacts possibly under way): the build fails with it alone, writes nothing, and the next build works", async () => {
    const dir = await mkdtemp(join(tmpdir(), "contractor-early-"));
    try {
      const broken = miniDesign((d) => {
        d.api.endpoints[1]!.params = [{ name: "body", in: "query", type: "string" }];
      });
      const failed = await build({ text: stringify(broken) }, { out: join(dir, "out"), executor });
      expect(failed.ok).toBe(false);
      expect(failed.written).toBe(false);
      expect(failed.diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toStrictEqual([
        "ts-input-name-reserved",
      ]);
      expect(await readdir(dir)).toStrictEqual([]);

      const fine = await build({ text: stringify(miniDesign()) }, { out: join(dir, "out"), executor });
      expect(fine.ok, JSON.stringify(fine.diagnostics)).toBe(true);
      expect(fine.written).toBe(true);
      expect(fine.timings.find((t) => t.step === "check sql")?.detail).toMatch(/round trip ok/);
      expect((await readdir(join(dir, "out"))).sort()).toContain("openapi.yaml");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
