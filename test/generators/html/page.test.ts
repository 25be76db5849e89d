import { describe, expect, it } from "vitest";
import { artifacts } from "../../../generators/index.ts";
import { htmlArtifact, INDEX_HTML, generateReviewPage } from "../../../generators/html/index.ts";
import { checkPage, pageAttributes } from "../../../generators/html/check.ts";
import { MERMAID_ASSET, SCRIPT, contentSecurityPolicy, renderPage } from "../../../generators/html/page.ts";
import { esc, el, render, raw } from "../../../generators/html/html.ts";
import { hostileDesign } from "./hostile.ts";
import type { GeneratedFile } from "../../../src/core/artifact.ts";
import type { ModelContext } from "../../../generators/model.ts";
import { contextFor, fixtureNames, loadFixture } from "../../helpers.ts";

function buildFiles(ctx: ModelContext): GeneratedFile[] {
  return artifacts.flatMap((a) => {
    const out = a.generate(ctx);
    return Array.isArray(out) ? out : out.files;
  });
}

describe("html values", () => {
  it("escapes text and attributes", () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    expect(render(el("a", { href: `#"x"`, hidden: true, title: undefined }, "<b>", raw("<i>ok</i>")))).toBe(
      `<a href="#&quot;x&quot;" hidden>&lt;b&gt;<i>ok</i></a>`,
    );
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
    const ids = new Set(
      pageAttributes(page)
        .filter((a) => a.name === "id")
        .map((a) => a.value),
    );
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

describe("the page's Markdown rendering", () => {
  const files: GeneratedFile[] = [{ path: MERMAID_ASSET, contents: "" }];
  const render = (designMarkdown: string) => renderPage({ title: "T <b>", designMarkdown, links: [] });
  const body = (html: string) => html.slice(html.indexOf('<article id="page/design">'), html.indexOf("</article>"));

  it("re-emits the document's own details and comment, and shows any other HTML as text", () => {
    const html = render(
      "<!-- generated -->\n\n# T\n\n<details>\n<summary>Up &lt;x&gt;</summary>\n\nbody\n\n</details>\n\n<script>alert(1)</script>\n\nInfo ``<img src=x onerror=alert(1)>`\n\n<details>\n<summary><img src=x></summary>\n",
    );
    expect(body(html)).toBe(
      '<article id="page/design"><h1 id="t">T</h1>\n<details>\n<summary>Up &lt;x&gt;</summary>\n<p>body</p>\n</details>\n<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<p>Info ``&lt;img src=x onerror=alert(1)&gt;`</p>\n<p>&lt;details&gt;\n&lt;summary&gt;&lt;img src=x&gt;&lt;/summary&gt;</p>\n',
    );
    expect(checkPage(INDEX_HTML, html, files, [])).toStrictEqual([]);
  });

  it("renders links with a scheme as text", () => {
    const html = render(
      "# T\n\n[a](javascript:alert(1)) [b](data:text/html,x) [c](https://evil.example) <javascript:alert(1)> [d](#t)\n",
    );
    expect(body(html)).toContain(
      '[a](javascript:alert(1)) [b](data:text/html,x) [c](https://evil.example) &lt;javascript:alert(1)&gt; <a href="#t">d</a>',
    );
  });
});

describe("the index.html check", () => {
  const files: GeneratedFile[] = [
    { path: "openapi.yaml", contents: "x\n" },
    { path: MERMAID_ASSET, contents: "" },
  ];
  const policy = contentSecurityPolicy();
  // The head is on line 1 (no newline), so a body's findings keep their own line numbers.
  const page = (body: string, csp = `<meta http-equiv="Content-Security-Policy" content="${esc(policy)}">`) =>
    `<!doctype html><html><head>${csp}</head><body>${body}</body></html>`;
  const cases: Array<[string, { html: string; ops?: string[]; want: Array<[string, string]> }]> = [
    [
      "a clean page",
      {
        html: page(
          `<a href="#a">x</a>\n<p id="a">y</p>\n<a href="openapi.yaml">s</a>\n<script src="${MERMAID_ASSET}"></script><script>${SCRIPT}</script>`,
        ),
        want: [],
      },
    ],
    ["a duplicate id", { html: page(`<p id="a"></p>\n<p id="a"></p>`), want: [["html-duplicate-id", "index.html:2"]] }],
    [
      "an external script",
      {
        html: page(`\n<script src="https://cdn.example/m.js"></script>`),
        want: [
          ["html-script-not-allowed", "index.html:2"],
          ["html-external-reference", "index.html:2"],
        ],
      },
    ],
    [
      "a protocol-relative link",
      { html: page(`<a href="//cdn.example/x">x</a>`), want: [["html-external-reference", "index.html:1"]] },
    ],
    [
      "a missing file",
      { html: page(`<p>\n<a href="types.ts">t</a></p>`), want: [["html-reference-broken", "index.html:2"]] },
    ],
    ["a missing id", { html: page(`<a href="#nope">t</a>`), want: [["html-reference-broken", "index.html:1"]] }],
    [
      "an operation without anchor",
      {
        html: page(`<p id="operation/getMe"></p>`),
        ops: ["getMe", "listItems"],
        want: [["html-operation-missing", "index.html:1"]],
      },
    ],
    [
      "attributes inside script bodies are not markup",
      {
        html: page(`<script>${SCRIPT}</script>`).replace(
          "mermaid.initialize",
          "'<a href=\"https://x\">';mermaid.initialize",
        ),
        want: [["html-script-not-allowed", "index.html:1"]],
      },
    ],
    [
      "an event handler",
      {
        html: page(`<p>\n<img src="${MERMAID_ASSET}" onerror="document.title='X'"></p>`),
        want: [["html-unexpected-markup", "index.html:2"]],
      },
    ],
    [
      "an onclick on an allowed element",
      { html: page(`<a href="#a" id="a"\nonclick="x()">x</a>`), want: [["html-unexpected-markup", "index.html:2"]] },
    ],
    [
      "a javascript: link",
      { html: page(`<a href="  javascript:alert(1)">x</a>`), want: [["html-external-reference", "index.html:1"]] },
    ],
    [
      "an inline script the policy does not list",
      { html: page(`\n<script>alert(1)</script>`), want: [["html-script-not-allowed", "index.html:2"]] },
    ],
    [
      "a script inside an SVG",
      {
        html: page(`<svg><script>alert(1)</script></svg>`),
        want: [
          ["html-unexpected-markup", "index.html:1"],
          ["html-unexpected-markup", "index.html:1"],
          ["html-script-not-allowed", "index.html:1"],
        ],
      },
    ],
    [
      "MathML",
      {
        html: page(`<math><mi xlink:href="javascript:alert(1)">x</mi></math>`),
        want: [
          ["html-unexpected-markup", "index.html:1"],
          ["html-unexpected-markup", "index.html:1"],
          ["html-external-reference", "index.html:1"],
        ],
      },
    ],
    [
      "an iframe and an object",
      {
        html: page(`<iframe></iframe>\n<object></object>`),
        want: [
          ["html-unexpected-markup", "index.html:1"],
          ["html-unexpected-markup", "index.html:2"],
        ],
      },
    ],
    [
      "a style attribute",
      { html: page(`<p style="background:url(x)">x</p>`), want: [["html-unexpected-markup", "index.html:1"]] },
    ],
    [
      "a meta refresh",
      {
        html: page(`<meta http-equiv="refresh" content="0;url=https://x">`),
        want: [["html-unexpected-markup", "index.html:1"]],
      },
    ],
    ["no policy", { html: page("<p>x</p>", ""), want: [["html-script-not-allowed", "index.html:1"]] }],
    [
      "a loosened policy",
      {
        html: page(
          "<p>x</p>",
          `<meta http-equiv="Content-Security-Policy" content="${esc(policy.replace("script-src", "script-src 'unsafe-inline'"))}">`,
        ),
        want: [["html-script-not-allowed", "index.html:1"]],
      },
    ],
    [
      "a policy after a style",
      {
        html: page(
          "<p>x</p>",
          `<style>p{}</style><meta http-equiv="Content-Security-Policy" content="${esc(policy)}">`,
        ),
        want: [["html-script-not-allowed", "index.html:1"]],
      },
    ],
    [
      "a policy outside the head",
      {
        html: page(`<meta http-equiv="Content-Security-Policy" content="${esc(policy)}">`, ""),
        want: [["html-script-not-allowed", "index.html:1"]],
      },
    ],
  ];
  it.each(cases)("%s", (_n, { html, ops, want }) => {
    expect(checkPage("index.html", html, files, ops ?? []).map((d) => [d.code, d.path])).toStrictEqual(want);
  });

  it("fails a generated page tampered with after generation", async () => {
    const ctx = contextFor(await loadFixture("listly"));
    const files = buildFiles(ctx);
    const html = files.find((f) => f.path === INDEX_HTML)!.contents;
    expect(checkPage(INDEX_HTML, html, files, [])).toStrictEqual([]);
    const tampered = html
      .replace("<h2 ", `<img src="x" onerror="document.title='X'"><h2 `)
      .replace(SCRIPT, `${SCRIPT}window.x=1;`);
    expect(new Set(checkPage(INDEX_HTML, tampered, files, []).map((d) => d.code))).toStrictEqual(
      new Set(["html-unexpected-markup", "html-script-not-allowed", "html-reference-broken"]),
    );
  });
});
