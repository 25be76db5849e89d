import { describe, expect, it, vi } from "vitest";
import type { ModelContext } from "../../generators/model.ts";
import { newestMigration } from "../../generators/migrations/format.ts";
import { artifacts, sqlArtifact } from "../../generators/index.ts";
import { openapiArtifact } from "../../generators/openapi/index.ts";
import { mermaidArtifact } from "../../generators/mermaid/index.ts";
import { typescriptArtifact } from "../../generators/typescript/index.ts";
import { markdownArtifact } from "../../generators/markdown/index.ts";
import { htmlArtifact } from "../../generators/html/index.ts";
import { evolutionArtifact } from "../../generators/evolution/index.ts";
import { build } from "../../src/pipeline/build.ts";
import type { MigrationFormat } from "../../src/core/artifact.ts";
import { contextFor, fixtureNames, fixturePath, loadFixture } from "../helpers.ts";

const f = (path: string) => ({ path, contents: `-- ${path}\n` });

describe("newestMigration (what DESIGN.md embeds)", () => {
  const cases: Array<
    [string, { format: MigrationFormat; given: string[]; want: { up: string; down?: string } | undefined }]
  > = [
    [
      "golang-migrate pair",
      {
        format: "golang-migrate",
        given: ["migrations/0001_x.down.sql", "migrations/0001_x.up.sql", "openapi.yaml"],
        want: { up: "migrations/0001_x.up.sql", down: "migrations/0001_x.down.sql" },
      },
    ],
    [
      "golang-migrate newest",
      {
        format: "golang-migrate",
        given: [
          "migrations/0001_x.up.sql",
          "migrations/0001_x.down.sql",
          "migrations/0002_y.up.sql",
          "migrations/0002_y.down.sql",
        ],
        want: { up: "migrations/0002_y.up.sql", down: "migrations/0002_y.down.sql" },
      },
    ],
    [
      "flyway numeric order",
      {
        format: "flyway",
        given: ["migrations/V2__b.sql", "migrations/U2__b.sql", "migrations/V10__c.sql", "migrations/U10__c.sql"],
        want: { up: "migrations/V10__c.sql", down: "migrations/U10__c.sql" },
      },
    ],
    [
      "dbmate single file",
      { format: "dbmate", given: ["migrations/0001_x.sql"], want: { up: "migrations/0001_x.sql" } },
    ],
    [
      "another format's names are not migrations",
      {
        format: "flyway",
        given: ["migrations/0003_x.up.sql", "migrations/V2__b.sql"],
        want: { up: "migrations/V2__b.sql" },
      },
    ],
    ["no migrations", { format: "golang-migrate", given: ["types.ts"], want: undefined }],
  ];
  it.each(cases)("%s", (_n, { format, given, want }) => {
    const m = newestMigration(given.map(f), format);
    expect(m && { up: m.up.path, ...(m.down ? { down: m.down.path } : {}) }).toStrictEqual(want);
  });
});

/** The files of every artifact that reads the model (not the migrations and evolution artifacts). */
const READERS = [openapiArtifact, mermaidArtifact, typescriptArtifact, markdownArtifact, htmlArtifact];
const filesOf = (ctx: ModelContext) =>
  READERS.flatMap((a) => {
    const out = a.generate(ctx);
    return Array.isArray(out) ? out : out.files;
  });

describe("deriveModel", () => {
  it.each(fixtureNames)("%s: a structured clone of the model (a worker's copy) gives the same files", async (name) => {
    const ctx = contextFor(await loadFixture(name));
    const cloned = { ...ctx, model: structuredClone(ctx.model) };
    expect(cloned.model).toStrictEqual(ctx.model);
    expect(filesOf(cloned)).toStrictEqual(filesOf(ctx));
  });

  it("DESIGN.md and index.html read the model and call no other artifact's generate", async () => {
    const ctx = contextFor(await loadFixture("listly"));
    const others = [openapiArtifact, mermaidArtifact, typescriptArtifact, sqlArtifact, evolutionArtifact];
    const spies = others.map((a) => vi.spyOn(a, "generate"));
    try {
      const page = htmlArtifact.generate(ctx);
      const doc = markdownArtifact.generate(ctx);
      expect(Array.isArray(doc) && doc[0]?.path).toBe("DESIGN.md");
      expect(Array.isArray(page) && page[0]?.path).toBe("index.html");
      for (const [i, spy] of spies.entries()) expect(spy, others[i]!.name).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it("is derived once per build, and each artifact that reads it generates once", async () => {
    const spies = READERS.map((a) => vi.spyOn(a, "generate"));
    const steps: string[] = [];
    try {
      // The default artifacts without their checks: this is about generation.
      const generateOnly = artifacts.map((a) => ({ name: a.name, generate: a.generate }));
      const result = await build(
        { file: fixturePath("listly") },
        { engine: false, artifacts: generateOnly, onStep: (s) => steps.push(s.step) },
      );
      expect(result.diagnostics.filter((d) => d.severity === "error")).toStrictEqual([]);
      expect(steps.filter((s) => s === "derive")).toStrictEqual(["derive"]);
      expect(steps.indexOf("derive")).toBeLessThan(steps.findIndex((s) => s.startsWith("generate ")));
      for (const [i, spy] of spies.entries()) expect(spy, READERS[i]!.name).toHaveBeenCalledTimes(1);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it("DESIGN.md embeds and links the build's newest migration, read from the model", async () => {
    const ctx = contextFor(await loadFixture("listly"));
    const out = markdownArtifact.generate(ctx);
    const doc = (Array.isArray(out) ? out : out.files)[0]!.contents;
    expect(ctx.model.linked.newest?.up.path).toBe("migrations/0001_listly.up.sql");
    expect(doc).toContain("<summary>Up migration (migrations/0001_listly.up.sql)</summary>");
    expect(doc).toContain("[migrations/0001_listly.down.sql](migrations/0001_listly.down.sql)");
  });
});
