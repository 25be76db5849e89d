import { describe, it, expect } from "vitest";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { build } from "../../src/pipeline/build.ts";
import { fixturePath } from "../helpers.ts";
import { miniDesign } from "../generators/typescript/mini.ts";

describe("the engine's checks start before the other artifacts are generated", () => {
  it("the SQL and evolution artifacts are generated first, and the build checks everything", async () => {
    const result = await build({ file: fixturePath("listly") });
    expect(result.ok).toBe(true);
    const generated = result.timings.filter((t) => t.step.startsWith("generate ")).map((t) => t.step);
    expect(generated.slice(0, 2)).toStrictEqual(["generate sql", "generate evolution"]);
    const checks = result.timings
      .filter((t) => t.step.startsWith("check "))
      .map((t) => t.step)
      .sort();
    expect(checks).toStrictEqual([
      "check evolution",
      "check html",
      "check markdown",
      "check mermaid",
      "check openapi",
      "check sql",
      "check typescript",
    ]);
    expect(result.timings.find((t) => t.step === "check sql")?.detail).toMatch(/round trip ok/);
  }, 120_000);

  it("a generator error found after they started: the build fails with it alone, writes nothing, and the next build works", async () => {
    const dir = await mkdtemp(join(tmpdir(), "contractor-early-"));
    try {
      const broken = miniDesign((d) => {
        d.api.endpoints[1]!.params = [{ name: "body", in: "query", type: "string" }];
      });
      const failed = await build({ text: stringify(broken) }, { out: join(dir, "out") });
      expect(failed.ok).toBe(false);
      expect(failed.diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toStrictEqual([
        "ts-input-name-reserved",
      ]);
      expect(await readdir(dir)).toStrictEqual([]);

      const fine = await build({ text: stringify(miniDesign()) }, { out: join(dir, "out") });
      expect(fine.ok, JSON.stringify(fine.diagnostics)).toBe(true);
      expect(fine.timings.find((t) => t.step === "check sql")?.detail).toMatch(/round trip ok/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
