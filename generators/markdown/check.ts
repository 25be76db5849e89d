/**
 * The DESIGN.md check: markdown-it (CommonMark 0.31 + GFM tables) tokenises the document, and
 * the token stream is held to what GitHub needs to render it as intended; every ```mermaid block
 * goes through `mermaid.parse`; every relative link must name a file of the build and every
 * in-page link a heading. Findings are `DESIGN.md:line` diagnostics.
 */
import markdownIt, { type MarkdownIt } from "markdown-it";
import type { Token } from "markdown-it";
import { diagnosticsFor, type Diagnostic } from "../../src/design/diagnostics.ts";
import type { GeneratedFile } from "../../src/core/artifact.ts";
import { Anchors } from "./document.ts";
import { markdownCodes } from "./codes.ts";
import { parseDiagram } from "../mermaid/index.ts";

const diag = diagnosticsFor(markdownCodes);

/** The parser GitHub-like rendering uses: raw HTML allowed (for <details>), GFM tables on. */
export function markdownParser(): MarkdownIt {
  return markdownIt({ html: true, linkify: false });
}

/** Cells of a GFM table row: split on `|` without a backslash before it, outer pipes dropped (GFM §4.10). */
export function rowCells(line: string): number {
  let s = line.trim();
  if (s.startsWith("|")) s = s.slice(1);
  if (s.endsWith("|") && !s.endsWith("\\|")) s = s.slice(0, -1);
  let cells = 1;
  // As markdown-it and cmark-gfm split: a pipe right after a backslash is part of the cell.
  for (let i = 0; i < s.length; i++) if (s[i] === "|" && s[i - 1] !== "\\") cells++;
  return cells;
}

/** The text a heading shows (what GitHub slugs). */
function inlineText(inline: Token | undefined): string {
  return (inline?.children ?? []).map((c) => (c.type === "text" || c.type === "code_inline" ? c.content : "")).join("");
}

/**
 * The only raw HTML blocks DESIGN.md has: the generated-file comment and `<details>` wrappers with
 * an escaped `<summary>`. Anything else is design text that escaped its escaping.
 */
const OWN_HTML = /^(<!--[^<>]*-->|<details>\n<summary>[^<>]*<\/summary>|<\/details>)\n*$/;

function isExternal(href: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//");
}

/** Structure, anchors and links: synchronous findings over the token stream. */
export function checkMarkdownStructure(
  path: string,
  source: string,
  files: ReadonlySet<string>,
): { diagnostics: Diagnostic[]; mermaid: Array<{ line: number; text: string }> } {
  const out: Diagnostic[] = [];
  const at = (line: number) => `${path}:${line}`;
  const lines = source.split("\n");
  const tokens = markdownParser().parse(source, {});
  const anchors = new Anchors();
  const slugs = new Set<string>();
  const links: Array<{ href: string; line: number }> = [];
  const mermaid: Array<{ line: number; text: string }> = [];
  const covered = new Set<number>();
  let h1 = 0;
  let level = 0;
  let details = 0;
  let lastLine = 1;

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.map) lastLine = t.map[0] + 1;
    if (t.type === "heading_open") {
      const n = Number(t.tag.slice(1));
      if (n === 1) h1++;
      if (n > level + 1 && level > 0)
        out.push(diag("markdown-structure", `heading level ${n} follows level ${level}`, at(lastLine)));
      level = n;
      const slug = anchors.next(inlineText(tokens[i + 1]));
      slugs.add(slug);
    } else if (t.type === "fence") {
      const [start, end] = t.map!;
      for (let l = start; l < end; l++) covered.add(l);
      const closing = lines[end - 1]?.trim() ?? "";
      if (end - 1 === start || !closing.startsWith(t.markup) || closing.replace(/`+|~+/, "") !== "") {
        out.push(
          diag("markdown-structure", `the ${t.info || "code"} fence opened here is never closed`, at(start + 1)),
        );
      }
      if (t.info.trim() === "mermaid") mermaid.push({ line: start + 1, text: t.content });
    } else if (t.type === "table_open") {
      const [start, end] = t.map!;
      const width = rowCells(lines[start]!);
      for (let l = start; l < end; l++) {
        covered.add(l);
        const cells = rowCells(lines[l]!);
        if (cells !== width)
          out.push(diag("markdown-structure", `table row has ${cells} cells, its header ${width}`, at(l + 1)));
      }
    } else if (t.type === "html_block") {
      if (!OWN_HTML.test(t.content))
        out.push(
          diag(
            "markdown-raw-html",
            `raw HTML the generator does not write: ${JSON.stringify(t.content.trim().slice(0, 80))}`,
            at(lastLine),
          ),
        );
      details += (t.content.match(/<details>/g) ?? []).length - (t.content.match(/<\/details>/g) ?? []).length;
      if (details < 0) out.push(diag("markdown-structure", "</details> without an open <details>", at(lastLine)));
      details = Math.max(details, 0);
    } else if (t.type === "inline") {
      for (const c of t.children ?? []) {
        if (c.type === "link_open") links.push({ href: String(c.attrGet("href") ?? ""), line: lastLine });
        if (c.type === "html_inline")
          out.push(
            diag(
              "markdown-raw-html",
              `raw HTML the generator does not write: ${JSON.stringify(c.content.slice(0, 80))}`,
              at(lastLine),
            ),
          );
      }
    }
  }
  if (h1 !== 1)
    out.push(diag("markdown-structure", `the document has ${h1} level-1 headings; it needs exactly one`, at(1)));
  if (details > 0) out.push(diag("markdown-structure", `${details} <details> block(s) never closed`, at(lines.length)));
  lines.forEach((l, i) => {
    if (l.startsWith("|") && !covered.has(i))
      out.push(
        diag(
          "markdown-structure",
          "a table row that is not part of any table (its block does not parse as a table)",
          at(i + 1),
        ),
      );
  });
  for (const { href, line } of links) {
    if (isExternal(href)) continue;
    if (href.startsWith("#")) {
      if (!slugs.has(decodeURIComponent(href.slice(1))))
        out.push(diag("markdown-anchor-broken", `link to ${href} names no heading`, at(line)));
      continue;
    }
    const target = decodeURIComponent(href.replace(/[?#].*$/, "")).replace(/^\.\//, "");
    if (!files.has(target))
      out.push(diag("markdown-link-broken", `link to ${href}: the build writes no ${target}`, at(line)));
  }
  return { diagnostics: out, mermaid };
}

/** Checks DESIGN.md (or any Markdown file of the build) against the other files of the build. */
export async function checkDesignMarkdown(
  file: GeneratedFile,
  files: readonly GeneratedFile[],
  note: (m: string) => void = () => {},
): Promise<Diagnostic[]> {
  const { diagnostics, mermaid } = checkMarkdownStructure(file.path, file.contents, new Set(files.map((f) => f.path)));
  for (const block of mermaid) {
    const result = await parseDiagram(block.text, files);
    if (!result.ok)
      diagnostics.push(
        diag(
          "markdown-mermaid-invalid",
          `mermaid block does not parse: ${result.message}`,
          `${file.path}:${block.line + result.line}`,
        ),
      );
  }
  if (mermaid.length) note(`${mermaid.length} mermaid blocks parsed`);
  return diagnostics;
}
