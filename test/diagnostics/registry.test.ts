/**
 * The code registry: unique kebab-case codes, each documented, and each actually produced by a
 * test input. Coverage is measured by running producers (the invalid corpus, the semantic cases,
 * a stale out dir), not by trusting lists. Tables of other areas join by adding a producer.
 */
import { describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codeTables, registry } from "../../src/diagnostics/registry.ts";
import { validate, build } from "../../src/pipeline/build.ts";
import { checkSemantics } from "../../src/design/semantics.ts";
import { parseSize } from "../../src/cli/commands/shared.ts";
import type { Artifact } from "../../src/core/artifact.ts";
import { invalidCases, invalidDir } from "../fixtures/invalid-cases.ts";
import { semanticCases } from "../design/semantic-cases.ts";
import { designWith } from "../design/base.ts";
import { fixturePath } from "../helpers.ts";
import { outDirCodesProduced } from "../pipeline/out-dir-cases.ts";

/** Codes produced by running the inputs of the design tests. */
async function designCodesProduced(): Promise<Set<string>> {
  const seen = new Set<string>();
  for (const c of invalidCases()) {
    const maxBytes = c.args[0] === "--max-size" ? parseSize(c.args[1]) : undefined;
    const r = await validate({ file: join(invalidDir, c.design) }, maxBytes ? { maxBytes } : {});
    for (const d of r.diagnostics) seen.add(d.code);
  }
  for (const [, mutate] of semanticCases) for (const d of checkSemantics(designWith(mutate))) seen.add(d.code);
  return seen;
}

/** `--check` against an out dir whose file was edited by hand; the out-dir and file-system situations. */
async function pipelineCodesProduced(): Promise<Set<string>> {
  const echo: Artifact = {
    name: "echo",
    generate: ({ design }) => [{ path: "echo.txt", contents: `${design.info.title}\n` }],
  };
  const root = await mkdtemp(join(tmpdir(), "contractor-registry-"));
  try {
    const out = join(root, "out");
    await build({ file: fixturePath("listly") }, { out, artifacts: [echo] });
    await writeFile(join(out, "echo.txt"), "edited\n");
    const r = await build({ file: fixturePath("listly") }, { out, check: true, artifacts: [echo] });
    return new Set([...r.diagnostics.map((d) => d.code), ...(await outDirCodesProduced())]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Tables whose codes this file proves are produced. Generator tables are covered by their own tests. */
const producers: Record<string, () => Promise<Set<string>>> = {
  design: designCodesProduced,
  pipeline: pipelineCodesProduced,
};

describe("diagnostic registry", () => {
  it("codes are unique across tables", () => {
    const all = Object.values(codeTables).flatMap((t) => Object.keys(t));
    expect(all.filter((c, i) => all.indexOf(c) !== i)).toStrictEqual([]);
    expect(Object.keys(registry).length).toBe(all.length);
  });

  it("codes are kebab-case, with a severity and a doc", () => {
    for (const [code, entry] of Object.entries(registry)) {
      expect(code).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(["error", "warning", "info"], code).toContain(entry.severity);
      expect(entry.doc.length, code).toBeGreaterThan(15);
    }
  });

  it.each(Object.keys(producers))("every %s code is produced by at least one test input", async (table) => {
    expect(codeTables[table], `no code table ${table}`).toBeDefined();
    const produced = await producers[table]!();
    expect(Object.keys(codeTables[table]!).filter((c) => !produced.has(c))).toStrictEqual([]);
  });

  it("the invalid corpus covers every design error code that a file can produce", () => {
    const expected = new Set(invalidCases().flatMap((c) => c.diagnostics.map((d) => d.code)));
    const errors = Object.entries(codeTables.design!)
      .filter(([, d]) => d.severity === "error")
      .map(([c]) => c);
    expect(errors.filter((c) => !expected.has(c))).toStrictEqual([]);
  });
});
