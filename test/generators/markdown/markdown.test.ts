import { describe, expect, it } from "vitest";
import markdownIt from "markdown-it";
import { artifacts } from "../../../generators/index.ts";
import { markdownArtifact, generateDesignMarkdown, DESIGN_MD } from "../../../generators/markdown/index.ts";
import { checkDesignMarkdown } from "../../../generators/markdown/check.ts";
import type { GeneratedFile } from "../../../src/core/artifact.ts";
import type { ModelContext } from "../../../generators/model.ts";
import { contextFor, fixtureNames, largeFixture, loadFixture } from "../../helpers.ts";

/** Every file the build generates for a context (checks not run). */
function buildFiles(ctx: ModelContext): GeneratedFile[] {
  return artifacts.flatMap((a) => {
    const out = a.generate(ctx);
    return Array.isArray(out) ? out : out.files;
  });
}

interface Parsed {
  headings: string[];
  codes: Set<string>;
  /** Table rows as cell texts (header rows included). */
  rows: string[][];
  fences: Array<{ info: string; content: string }>;
}

/** DESIGN.md through a CommonMark parser: what a reader sees, not raw text. */
function parse(md: string): Parsed {
  const tokens = markdownIt({ html: true }).parse(md, {});
  const inlineText = (i: number) =>
    (tokens[i]?.children ?? []).map((c) => (c.type === "code_inline" ? `\`${c.content}\`` : c.content)).join("");
  const out: Parsed = { headings: [], codes: new Set(), rows: [], fences: [] };
  let row: string[] | undefined;
  tokens.forEach((t, i) => {
    if (t.type === "heading_open") out.headings.push(inlineText(i + 1));
    if (t.type === "tr_open") row = [];
    if (t.type === "tr_close" && row) out.rows.push(row);
    if ((t.type === "td_open" || t.type === "th_open") && row) row.push(inlineText(i + 1));
    if (t.type === "fence") out.fences.push({ info: t.info, content: t.content });
    for (const c of t.children ?? []) if (c.type === "code_inline") out.codes.add(c.content);
  });
  return out;
}

describe.each(fixtureNames)("DESIGN.md of %s", (name) => {
  it("names every entity, endpoint, error code and rate-limit tier, and passes its check", async () => {
    const design = await loadFixture(name);
    const ctx = contextFor(design);
    const files = buildFiles(ctx);
    const file = files.find((f) => f.path === DESIGN_MD)!;
    const doc = parse(file.contents);

    for (const e of design.data.entities) expect(doc.headings, e.name).toContain(`${e.table} (${e.name})`);
    for (const e of design.api.endpoints) {
      expect(doc.codes, e.operationId).toContain(e.operationId);
      const row = doc.rows.find((r) => r[0] === `\`${e.method}\`` && r[1] === `\`${e.path}\``);
      expect(row, `${e.method} ${e.path}`).toBeDefined();
      expect(row![2]).toContain(`\`${e.operationId}\``);
    }
    for (const e of design.errors) {
      expect(doc.rows.find((r) => r[0] === `\`${e.code}\``)?.[1], e.code).toBe(String(e.status));
    }
    for (const t of design.rateLimits)
      expect(
        doc.rows.some((r) => r[0] === `\`${t.name}\``),
        t.name,
      ).toBe(true);

    expect(doc.headings.slice(0, 12)).toContain("Overview");
    expect(doc.fences.filter((f) => f.info === "mermaid").length).toBe(3);
    expect(await markdownArtifact.check!([file], { ...ctx, files, note: () => {} })).toStrictEqual([]);
  }, 120_000);

  it("is deterministic", async () => {
    const design = await loadFixture(name);
    expect(generateDesignMarkdown(contextFor(design))).toBe(generateDesignMarkdown(contextFor(design)));
  }, 60_000);
});

describe("DESIGN.md of a large design", () => {
  it("passes its check", async () => {
    const ctx = contextFor(largeFixture(60));
    const files = buildFiles(ctx);
    const file = files.find((f) => f.path === DESIGN_MD)!;
    expect(parse(file.contents).headings).toContain("thing0059s (Thing0059)");
    expect(await checkDesignMarkdown(file, files)).toStrictEqual([]);
  }, 120_000);
});

describe("the DESIGN.md check", { timeout: 60_000 }, async () => {
  const ctx = contextFor(await loadFixture("listly"));
  const files = buildFiles(ctx);
  const original = files.find((f) => f.path === DESIGN_MD)!.contents;
  const lines = original.split("\n");

  /** Checks DESIGN.md with `edit` applied to its lines; returns [code, line] pairs. */
  async function findings(edit: (lines: string[]) => void): Promise<Array<[string, number]>> {
    const copy = [...lines];
    edit(copy);
    const file = { path: DESIGN_MD, contents: copy.join("\n") };
    const found = await checkDesignMarkdown(
      file,
      files.map((f) => (f.path === DESIGN_MD ? file : f)),
    );
    return found.map((d) => [d.code, Number(d.path.split(":")[1])]);
  }
  const fenceLine = lines.indexOf("```mermaid") + 1;

  it("catches a broken mermaid block at its line", async () => {
    // line fenceLine + 3 of the file becomes a dangling edge inside the flowchart
    expect(await findings((l) => l.splice(fenceLine + 2, 0, "  a -->"))).toStrictEqual([
      ["markdown-mermaid-invalid", fenceLine + 3],
    ]);
  });

  it("catches a relative link to a file the build does not write", async () => {
    expect(await findings((l) => l.push("See [the plan](docs/plan.md).", ""))).toStrictEqual([
      ["markdown-link-broken", lines.length + 1],
    ]);
  });

  it("catches an in-page link to no heading", async () => {
    expect(await findings((l) => l.splice(10, 0, "", "[gone](#no-such-heading)", ""))).toStrictEqual([
      ["markdown-anchor-broken", 12],
    ]);
  });

  it("accepts links to files of the build and to headings", async () => {
    expect(
      await findings((l) => l.push("[spec](openapi.yaml) [erd](./diagrams/erd.mmd) [top](#overview)", "")),
    ).toStrictEqual([]);
  });

  const structure: Array<[string, (l: string[]) => void, number]> = [
    [
      "a table row narrower than its header",
      (l) => l.push("| a | b |", "| --- | --- |", "| 1 | 2 | 3 |", ""),
      lines.length + 3,
    ],
    ["an unclosed fence", (l) => l.push("```sql", "SELECT 1;"), lines.length + 1],
    ["a second h1", (l) => l.push("# Another title", ""), 1],
    ["a skipped heading level", (l) => l.push("###### Deep", ""), lines.length + 1],
    ["an unclosed details block", (l) => l.push("<details>", "<summary>x</summary>", ""), lines.length + 3],
  ];
  it.each(structure)("reports %s", async (_name, edit, line) => {
    expect(await findings(edit)).toStrictEqual([["markdown-structure", line]]);
  });

  const rawHtml: Array<[string, (l: string[]) => void, Array<[string, number]>]> = [
    [
      "an inline tag",
      (l) => l.push("Info ``<img src=x onerror=alert(1)>`", ""),
      [["markdown-raw-html", lines.length + 1]],
    ],
    ["a script block", (l) => l.push("<script>alert(1)</script>", ""), [["markdown-raw-html", lines.length + 1]]],
    [
      "a summary holding markup",
      (l) => l.push("<details>", "<summary><b>x</b></summary>", "", "</details>", ""),
      [["markdown-raw-html", lines.length + 1]],
    ],
    [
      "the generator's own details and comment",
      (l) =>
        l.push("<!-- a note -->", "", "<details>", "<summary>a &lt;b&gt;</summary>", "", "x", "", "</details>", ""),
      [],
    ],
  ];
  it.each(rawHtml)("raw HTML: %s", async (_name, edit, want) => {
    expect(await findings(edit)).toStrictEqual(want);
  });
});
