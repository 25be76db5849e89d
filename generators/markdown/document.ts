/**
 * A Markdown document as values: sections build `Block`s, `renderMarkdown` serialises them in
 * one place (CommonMark 0.31 + GitHub Flavored Markdown tables). Design strings enter only through
 * `text`, `cell` and `code`, which escape what would change the document's structure.
 */

export type Block =
  | { kind: "heading"; level: 1 | 2 | 3 | 4; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "list"; items: string[] }
  | { kind: "table"; header: string[]; rows: string[][] }
  | { kind: "code"; lang: string; text: string }
  | { kind: "details"; summary: string; blocks: Block[] }
  | { kind: "toc"; minLevel: number; maxLevel: number }
  | { kind: "comment"; text: string };

/**
 * Collapses whitespace (a design string never breaks a block), escapes raw HTML outside code
 * spans, and backslash-escapes what could open a block when the text starts a line: `#`, `>`,
 * list markers, `=`, and `|` anywhere (a lone `|` line would start a GFM table). CommonMark §2.4:
 * any ASCII punctuation may be backslash-escaped, so the reader sees the same characters.
 */
export function text(s: string): string {
  const escaped = s
    .replace(/\s+/g, " ")
    .trim()
    .split(/(`+[^`]*`+)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/&(?=[a-zA-Z#])/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|")))
    .join("");
  return escaped.replace(/^([#>+*=-]|\d+(?=[.)](\s|$)))/, (m) => (/^\d/.test(m) ? `${m}\\` : `\\${m}`));
}

/** Text for a table cell: `|` is escaped even inside code spans (GFM splits cells on it there too). */
export function cell(s: string): string {
  return text(s).replace(/(?<!\\)\|/g, "\\|");
}

/** An inline code span holding `s` verbatim (CommonMark §6.1: a longer fence when `s` has backticks). */
export function code(s: string): string {
  const flat = s.replace(/\s+/g, " ");
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") || longest > 0 ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Heading anchor as GitHub computes it (github-slugger): lower-case, punctuation dropped, spaces → `-`. */
export function githubSlug(heading: string): string {
  return plainText(heading)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** The text a reader sees of inline Markdown that `text`/`code` produced: code fences, escapes and entities undone. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/`+ ?([^`]*?) ?`+/g, "$1")
    .replace(/\\([!-/:-@[-`{-~])/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Assigns each heading its unique anchor, suffixing repeats with -1, -2 … as GitHub does. */
export class Anchors {
  private readonly seen = new Map<string, number>();
  next(heading: string): string {
    const base = githubSlug(heading);
    let slug = base;
    let n = this.seen.get(base) ?? 0;
    while (this.seen.has(slug)) slug = `${base}-${++n}`;
    this.seen.set(base, n);
    this.seen.set(slug, this.seen.get(slug) ?? 0);
    return slug;
  }
}

function fenceFor(body: string): string {
  const longest = Math.max(0, ...[...body.matchAll(/^ {0,3}(`{3,})/gm)].map((m) => m[1]!.length));
  return "`".repeat(Math.max(3, longest + 1));
}

function renderTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => (c === "" ? " " : c)).join(" | ")} |`;
  return [line(header), `|${header.map(() => " --- ").join("|")}|`, ...rows.map((r) => line(header.map((_, i) => r[i] ?? "")))].join("\n");
}

type Renderer<K extends Block["kind"]> = (block: Extract<Block, { kind: K }>, toc: string) => string;

const renderers: { [K in Block["kind"]]: Renderer<K> } = {
  heading: (b) => `${"#".repeat(b.level)} ${b.text}`,
  paragraph: (b) => b.text,
  list: (b) => b.items.map((i) => `- ${i}`).join("\n"),
  table: (b) => renderTable(b.header, b.rows),
  code: (b) => {
    const body = b.text.endsWith("\n") ? b.text : `${b.text}\n`;
    const fence = fenceFor(body);
    return `${fence}${b.lang}\n${body}${fence}`;
  },
  details: (b, toc) => [`<details>\n<summary>${b.summary}</summary>`, ...b.blocks.map((x) => renderBlock(x, toc)), "</details>"].join("\n\n"),
  toc: (_b, toc) => toc,
  comment: (b) => `<!-- ${b.text.replace(/--/g, "- -")} -->`,
};

function renderBlock(block: Block, toc: string): string {
  return (renderers[block.kind] as Renderer<typeof block.kind>)(block as never, toc);
}

/** Serialises blocks: blank line between blocks, LF, one trailing newline; the TOC lists h2–h3 by default. */
export function renderMarkdown(blocks: readonly Block[]): string {
  const anchors = new Anchors();
  const tocBlock = blocks.find((b): b is Extract<Block, { kind: "toc" }> => b.kind === "toc");
  const tocLines: string[] = [];
  for (const b of blocks) {
    if (b.kind !== "heading") continue;
    const slug = anchors.next(b.text);
    if (tocBlock && blocks.indexOf(b) > blocks.indexOf(tocBlock) && b.level >= tocBlock.minLevel && b.level <= tocBlock.maxLevel) {
      tocLines.push(`${"  ".repeat(b.level - tocBlock.minLevel)}- [${b.text.replace(/[[\]]/g, "\\$&")}](#${slug})`);
    }
  }
  return blocks.map((b) => renderBlock(b, tocLines.join("\n"))).join("\n\n") + "\n";
}
