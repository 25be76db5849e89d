import { describe, expect, it } from "vitest";
import { artifacts } from "../../../generators/index.ts";
import { htmlArtifact, INDEX_HTML, generateReviewPage } from "../../../generators/html/index.ts";
import { checkPage, pageAttributes } from "../../../generators/html/check.ts";
import { MERMAID_ASSET } from "../../../generators/html/page.ts";
import { esc, el, render, raw } from "../../../generators/html/html.ts";
import { hostileDesign } from "./hostile.ts";
import type { ArtifactContext, GeneratedFile } from "../../../src/pipeline/artifact.ts";
import { contextFor, fixtureNames, loadFixture } from "../../helpers.ts";

function buildFiles(ctx: ArtifactContext): GeneratedFile[] {
  return artifacts.flatMap((a) => {
    const out = a.generate(ctx);
    return Array.isArray(out) ? out : out.files;
  });
}

describe("html values", () => {
  it("escapes text and attributes", () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    expect(render(el("a", { href: `#"x"`, hidden: true, title: undefined }, "<b>", raw("<i>ok</i>")))).toBe(`<a href="#&quot;x&quot;" hidden>&lt;b&gt;<i>ok</i></a>`);
  });
});

describe.each(fixtureNames)("index.html of %s", (name) => {
  it("passes its check, anchors every operation and ships the mermaid bundle", async () => {
    const design = await loadFixture(name);
    const ctx = contextFor(design);
    const files = buildFiles(ctx);
    const own = files.filter((f) => f.path === INDEX_HTML || f.path === MERMAID_ASSET);
    expect(own.map((f) => f.path).sort()).toStrictEqual([MERMAID_ASSET, INDEX_HTML].sort());
    const page = own.find((f) => f.path === INDEX_HTML)!.contents;
    const ids = new Set(pageAttributes(page).filter((a) => a.name === "id").map((a) => a.value));
    for (const e of design.api.endpoints) expect(ids.has(`operation/${e.operationId}`), e.operationId).toBe(true);
    expect(page.match(/<script\b/g)).toHaveLength(2);
    expect(await htmlArtifact.check!(own, { ...ctx, files, note: () => {} })).toStrictEqual([]);
    expect(generateReviewPage(contextFor(design))).toBe(page);
  }, 120_000);
});

describe("hostile design strings", () => {
  it("never become markup, scripts or external links", async () => {
    const design = await hostileDesign();
    const ctx = contextFor(design);
    const files = buildFiles(ctx);
    const page = files.find((f) => f.path === INDEX_HTML)!.contents;
    expect(page.match(/<script\b/g)).toHaveLength(2);
    expect(page).not.toMatch(/<img\b/);
    expect(page).not.toMatch(/<[^>]*\sonerror=/i);
    expect(page).not.toMatch(/(href|src)="\s*(javascript:|https?:|\/\/)/i);
    expect(page).toContain("&lt;script&gt;window.__xss=1&lt;/script&gt;");
    const own = files.filter((f) => f.path === INDEX_HTML || f.path === MERMAID_ASSET);
    expect(await htmlArtifact.check!(own, { ...ctx, files, note: () => {} })).toStrictEqual([]);
  }, 120_000);
});

describe("the index.html check", () => {
  const files: GeneratedFile[] = [{ path: "openapi.yaml", contents: "x\n" }];
  const cases: Array<[string, { html: string; ops?: string[]; want: Array<[string, string]> }]> = [
    ["a clean page", { html: `<a href="#a">x</a>\n<p id="a">y</p>\n<a href="openapi.yaml">s</a>`, want: [] }],
    ["a duplicate id", { html: `<p id="a"></p>\n<p id="a"></p>`, want: [["html-duplicate-id", "index.html:2"]] }],
    ["an external script", { html: `\n<script src="https://cdn.example/m.js"></script>`, want: [["html-external-reference", "index.html:2"]] }],
    ["a protocol-relative link", { html: `<a href="//cdn.example/x">x</a>`, want: [["html-external-reference", "index.html:1"]] }],
    ["a missing file", { html: `<p>\n<a href="types.ts">t</a></p>`, want: [["html-reference-broken", "index.html:2"]] }],
    ["a missing id", { html: `<a href="#nope">t</a>`, want: [["html-reference-broken", "index.html:1"]] }],
    ["an operation without anchor", { html: `<p id="operation/getMe"></p>`, ops: ["getMe", "listItems"], want: [["html-operation-missing", "index.html:1"]] }],
    ["attributes inside script bodies are not markup", { html: `<script>var s = '<a href="https://x">';</script>`, want: [] }],
  ];
  it.each(cases)("%s", (_n, { html, ops, want }) => {
    expect(checkPage("index.html", html, files, ops ?? []).map((d) => [d.code, d.path])).toStrictEqual(want);
  });
});
