import { afterAll, describe, expect, it } from "vitest";
import { pooledExecutor } from "../../src/pipeline/check-pool.ts";
import { inProcessExecutor, type CheckInput } from "../../src/pipeline/executor.ts";
import { resolveOptions, type Artifact, type GeneratedFile } from "../../src/core/artifact.ts";
import { mermaidArtifact } from "../../generators/mermaid/index.ts";
import { typescriptArtifact } from "../../generators/typescript/index.ts";
import { contextFor, normalizeOrThrow } from "../helpers.ts";
import { miniDesign } from "../generators/typescript/mini.ts";

const design = normalizeOrThrow(miniDesign());
const options = resolveOptions({ engine: false });
// What a build hands its artifacts: the context with the model derived once.
const ctx = contextFor(design, { engine: false });
const filesOf = (a: Artifact): GeneratedFile[] => {
  const out = a.generate(ctx);
  return Array.isArray(out) ? out : out.files;
};
const breakFile = (files: GeneratedFile[], path: string, contents: string) =>
  files.map((f) => (f.path === path ? { ...f, contents } : f));

/** Each check is given what the build gives it: its own files, and in `ctx.files` what it declared it reads. */
function input(artifact: Artifact, own: GeneratedFile[], all: GeneratedFile[]): CheckInput {
  return { ...ctx, files: artifact.checkNeeds === "own" ? own : all };
}

const mermaid = filesOf(mermaidArtifact);
const types = filesOf(typescriptArtifact);
const all = [...mermaid, ...types];
const cases: [string, Artifact, GeneratedFile[]][] = [
  ["mermaid, clean", mermaidArtifact, mermaid],
  [
    "mermaid, a diagram that does not parse",
    mermaidArtifact,
    breakFile(mermaid, mermaid[0]!.path, "erDiagram\n  ((\n"),
  ],
  ["typescript, clean", typescriptArtifact, types],
  ["typescript, a type error", typescriptArtifact, breakFile(types, "types.ts", "export const x: number = 'no';\n")],
];

describe("the pooled executor finds what the in-process one finds", () => {
  const pool = pooledExecutor();
  const here = inProcessExecutor();
  afterAll(() => pool.end());

  it.each(cases)(
    "%s",
    async (_name, artifact, own) => {
      const ctx = input(artifact, own, [...own, ...all.filter((f) => !own.some((o) => o.path === f.path))]);
      pool.start([artifact], options);
      const [pooled, local] = await Promise.all([pool.check(artifact, own, ctx), here.check(artifact, own, ctx)]);
      expect(pooled).toStrictEqual(local);
      if (_name.endsWith("clean")) expect(local.diagnostics).toStrictEqual([]);
      else expect(local.diagnostics.length).toBeGreaterThan(0);
    },
    120_000,
  );

  it("a check the workers cannot load (a stand-in) runs on the calling thread, and sees the files it declared", async () => {
    const seen: string[][] = [];
    const standIn = (checkNeeds: "own" | "all"): Artifact => ({
      name: "mermaid", // a worker would load the real mermaid artifact: the pool must not send it there
      checkNeeds,
      generate: () => [],
      check: async (own, ctx) => {
        seen.push(ctx.files.map((f) => f.path));
        ctx.note(`${own.length} own`);
        return [{ code: "stand-in", severity: "warning", message: checkNeeds, path: own[0]!.path }];
      },
    });
    for (const needs of ["own", "all"] as const) {
      const artifact = standIn(needs);
      const r = await pool.check(artifact, mermaid, input(artifact, mermaid, all));
      expect(r).toStrictEqual({
        diagnostics: [{ code: "stand-in", severity: "warning", message: needs, path: mermaid[0]!.path }],
        notes: [`${mermaid.length} own`],
      });
    }
    expect(seen).toStrictEqual([mermaid.map((f) => f.path), all.map((f) => f.path)]);
  });

  it("a pool without threads checks everything on the calling thread", async () => {
    const none = pooledExecutor({ threads: 0 });
    try {
      const broken = cases[3]![2];
      const ctx = input(typescriptArtifact, broken, broken);
      expect(await none.check(typescriptArtifact, broken, ctx)).toStrictEqual(
        await here.check(typescriptArtifact, broken, ctx),
      );
    } finally {
      await none.end();
    }
  }, 120_000);
});
