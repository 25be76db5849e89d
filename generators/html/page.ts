/**
 * index.html: DESIGN.md rendered by markdown-it (headings carry the GitHub anchors DESIGN.md links
 * to, ```mermaid fences become `<pre class="mermaid">` that the mermaid browser bundle renders),
 * followed by the API reference of the OpenAPI document. No network: the only scripts are the
 * bundle copied next to the page and the page's own inline script, both pinned by the page's
 * Content-Security-Policy, and the page links to nothing outside the out dir.
 *
 * Design text is untrusted: markdown-it runs with raw HTML off (it is shown as text), links with
 * a scheme render as text, and the only markup the Markdown may carry besides CommonMark's own
 * (the generated-file comment and the `<details>` wrappers of DESIGN.md) is recognised line by
 * line and re-emitted from fixed strings with its summary escaped.
 */
import { createHash } from "node:crypto";
import markdownIt, { type MarkdownIt, type StateBlock } from "markdown-it";
import type { OpenAPIV3 } from "openapi-types";
import { Anchors } from "../markdown/document.ts";
import { el, esc, raw, render, type Node } from "./html.ts";
import { apiReference, localOnly } from "./api-reference.ts";

export const MERMAID_ASSET = "assets/mermaid.min.js";

const decodeBasic = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

/**
 * The raw-HTML lines DESIGN.md itself writes (see `renderMarkdown`): `<!-- … -->` (dropped),
 * `<details>` + `<summary>…</summary>` and `</details>`. Design text never starts a line with `<`
 * (markdown `text` escapes it), and what matches is re-emitted from fixed strings anyway.
 */
function ownHtmlBlocks(state: StateBlock, startLine: number, _endLine: number, silent: boolean): boolean {
  const line = (n: number) => state.src.slice(state.bMarks[n]! + state.tShift[n]!, state.eMarks[n]);
  if (state.sCount[startLine]! - state.blkIndent !== 0) return false;
  const first = line(startLine);
  let consumed = 1;
  let token: { type: string; nesting: 1 | 0 | -1; summary?: string } | undefined;
  if (/^<!--[^<>]*-->$/.test(first)) token = undefined;
  else if (first === "</details>") token = { type: "details_close", nesting: -1 };
  else if (first === "<details>" && startLine + 1 < state.lineMax) {
    const summary = /^<summary>([^<>]*)<\/summary>$/.exec(line(startLine + 1));
    if (!summary) return false;
    token = { type: "details_open", nesting: 1, summary: decodeBasic(summary[1]!) };
    consumed = 2;
  } else return false;
  if (silent) return true;
  if (token) {
    const t = state.push(token.type, "details", token.nesting);
    t.content = token.summary ?? "";
    t.map = [startLine, startLine + consumed];
  }
  state.line = startLine + consumed;
  return true;
}

/** markdown-it configured like GitHub for our documents, minus raw HTML: GFM tables, heading ids, mermaid fences, `<details>`. */
function designRenderer(): MarkdownIt {
  const md = markdownIt({ html: false, linkify: false });
  md.validateLink = localOnly;
  md.block.ruler.before("html_block", "own_html", ownHtmlBlocks);
  md.renderer.rules["details_open"] = (tokens, idx) => `<details>\n<summary>${esc(tokens[idx]!.content)}</summary>\n`;
  md.renderer.rules["details_close"] = () => "</details>\n";
  md.core.ruler.push("github_anchors", (state) => {
    const anchors = new Anchors();
    state.tokens.forEach((t, i) => {
      if (t.type !== "heading_open") return;
      const inline = state.tokens[i + 1];
      const label = (inline?.children ?? [])
        .map((c) => (c.type === "text" || c.type === "code_inline" ? c.content : ""))
        .join("");
      t.attrSet("id", anchors.next(label));
    });
  });
  const fence = md.renderer.rules.fence!;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const t = tokens[idx]!;
    if (t.info.trim() === "mermaid") return `<pre class="mermaid">${esc(t.content)}</pre>\n`;
    return fence(tokens, idx, options, env, self);
  };
  return md;
}

/** The h2 headings of the design (id and label), for the navigation. */
function designNav(md: MarkdownIt, markdown: string): Node {
  const tokens = md.parse(markdown, {});
  const items: Node[] = [];
  tokens.forEach((t, i) => {
    if (t.type === "heading_open" && t.tag === "h2") {
      const label = (tokens[i + 1]?.children ?? [])
        .map((c) => (c.type === "text" || c.type === "code_inline" ? c.content : ""))
        .join("");
      if (label !== "Contents") items.push(el("li", null, el("a", { href: `#${t.attrGet("id") ?? ""}` }, label)));
    }
  });
  return items;
}

const STYLE = `
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#fff; --side:#f6f8fa; --accent:#0969da; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.55 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color:var(--fg); background:var(--bg); }
nav#side { position:fixed; top:0; bottom:0; left:0; width:290px; overflow:auto; background:var(--side); border-right:1px solid var(--line); padding:16px 14px; font-size:13px; }
nav#side h2 { font-size:12px; text-transform:uppercase; letter-spacing:.06em; color:var(--muted); margin:18px 0 6px; }
nav#side .title { font-weight:600; font-size:15px; margin:0 0 4px; }
nav#side ul { list-style:none; margin:0; padding-left:0; }
nav#side ul ul { padding-left:12px; margin-bottom:6px; }
nav#side a { color:var(--fg); text-decoration:none; display:block; padding:1px 0; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
nav#side a:hover { color:var(--accent); }
main { margin-left:290px; padding:24px 40px 80px; max-width:1280px; }
a { color:var(--accent); }
h1 { border-bottom:1px solid var(--line); padding-bottom:6px; }
h2 { border-bottom:1px solid var(--line); padding-bottom:4px; margin-top:36px; }
table { border-collapse:collapse; margin:10px 0 16px; display:block; overflow:auto; max-width:100%; }
th, td { border:1px solid var(--line); padding:5px 10px; vertical-align:top; text-align:left; }
th { background:var(--side); }
tr:nth-child(2n) td { background:#fbfcfd; }
code { font:12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background:rgba(129,139,152,.12); padding:1px 4px; border-radius:4px; }
pre { background:var(--side); border:1px solid var(--line); border-radius:6px; padding:12px; overflow:auto; }
pre code { background:none; padding:0; }
pre.mermaid { background:#fff; text-align:center; }
h2#contents + ul { columns:3; column-gap:32px; font-size:14px; }
h2#contents + ul > li { break-inside:avoid; }
pre.mermaid svg { max-width:100%; height:auto; }
details { margin:8px 0; }
summary { cursor:pointer; color:var(--accent); }

[id] { scroll-margin-top:12px; }
.divider { margin:56px 0 0; border:0; border-top:4px solid var(--line); }
section.op { border:1px solid var(--line); border-radius:8px; padding:4px 18px 10px; margin:18px 0; }
section.op.deprecated { opacity:.8; border-style:dashed; }
section.op h3 { margin:12px 0 4px; font-size:16px; }
.method, .m { display:inline-block; min-width:58px; text-align:center; color:#fff; border-radius:4px; font:600 12px ui-monospace, monospace; padding:2px 6px; }
.m { min-width:46px; font-size:10px; padding:0 3px; }
.m-get { background:#1a7f37; } .m-post { background:#0969da; } .m-put { background:#9a6700; } .m-patch { background:#8250df; } .m-delete { background:#cf222e; }
.m-options, .m-head, .m-trace { background:#59636e; }
code.path { font-size:14px; background:none; }
.summary { margin:2px 0 6px; }
.badge { display:inline-block; font-size:12px; border-radius:10px; padding:0 8px; margin-right:6px; border:1px solid var(--line); background:var(--side); }
.badge.public { border-color:#1a7f37; color:#1a7f37; } .badge.dep { border-color:#cf222e; color:#cf222e; margin-left:8px; }
.muted { color:var(--muted); font-size:12.5px; }
.response { border-left:3px solid var(--line); padding:4px 10px; margin:6px 0; }
.response.s2 { border-color:#1a7f37; } .response.s3 { border-color:#9a6700; } .response.s4 { border-color:#cf222e; } .response.s5 { border-color:#8250df; }
.media { margin:4px 0; }
pre.example { max-height:360px; }
section.schema { border-top:1px solid var(--line); padding-top:4px; }
`;

/** The page's only inline script; its hash is in the CSP. */
export const SCRIPT = `
(function () {
  var body = document.body;
  if (typeof mermaid === "undefined") { body.setAttribute("data-diagrams", "unavailable"); return; }
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default" });
  mermaid.run({ querySelector: "pre.mermaid" }).then(
    function () { body.setAttribute("data-diagrams", "rendered"); },
    function (e) { body.setAttribute("data-diagrams", "failed"); console.error(e); }
  );
})();
`;

/** `'sha256-…'` of a script's text (CSP Level 3 hash-source), over the exact characters emitted. */
export function scriptHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/**
 * The page's Content-Security-Policy (CSP Level 3, delivered by `<meta http-equiv>`): nothing is
 * allowed unless listed. Scripts: the inline script by its hash and the mermaid bundle as
 * `'self'` (a hash cannot pin it: from file:// Chromium refuses the integrity check a hash of an
 * external script needs, as the response is not CORS-enabled); styles inline (the page's own sheet
 * and the `<style>` mermaid writes into each SVG); images and fonts only as data: URLs. No
 * connect, frame, object, form or base. `checkPage` holds the markup to exactly these scripts.
 */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    `script-src 'self' ${scriptHash(SCRIPT)}`,
    "style-src 'unsafe-inline'",
    "img-src data:",
    "font-src data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

export interface PageInput {
  title: string;
  /** DESIGN.md text. */
  designMarkdown: string;
  /** The OpenAPI document, when the build has one. */
  openapi?: OpenAPIV3.Document;
  /** Other files of the build the page may link to. */
  links: Array<{ label: string; path: string }>;
}

/** The whole page as text (LF, one trailing newline). Pure: the CSP hash is of a constant script. */
export function renderPage(input: PageInput): string {
  const md = designRenderer();
  const designHtml = md.render(input.designMarkdown);
  const api = input.openapi ? apiReference(input.openapi) : undefined;
  const page = [
    raw("<!doctype html>\n"),
    el(
      "html",
      { lang: "en" },
      el(
        "head",
        null,
        el("meta", { charset: "utf-8" }),
        el("meta", { "http-equiv": "Content-Security-Policy", content: contentSecurityPolicy() }),
        el("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }),
        el("meta", { name: "generator", content: "contractor" }),
        el("title", null, `${input.title}: design review`),
        el("style", null, raw(STYLE)),
      ),
      el(
        "body",
        { "data-diagrams": "pending" },
        el(
          "nav",
          { id: "side" },
          el("p", { class: "title" }, input.title),
          el("h2", null, el("a", { href: "#page/design" }, "Design")),
          el("ul", null, designNav(md, input.designMarkdown)),
          api ? [el("h2", null, el("a", { href: "#page/api" }, "API reference")), el("ul", null, api.nav)] : null,
          input.links.length
            ? [
                el("h2", null, "Files"),
                el(
                  "ul",
                  null,
                  input.links.map((l) => el("li", null, el("a", { href: l.path }, l.label))),
                ),
              ]
            : null,
        ),
        el(
          "main",
          null,
          el("article", { id: "page/design" }, raw(designHtml)),
          api ? [el("hr", { class: "divider" }), el("article", { id: "page/api" }, api.body)] : null,
        ),
        el("script", { src: MERMAID_ASSET }),
        el("script", null, raw(SCRIPT)),
      ),
    ),
  ];
  return render(page).replace(/\r\n?/g, "\n").replace(/\n*$/, "\n");
}
