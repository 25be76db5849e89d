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
 * Design text as inline Markdown that renders as exactly that text (whitespace runs collapsed to
 * one space, so a design string never breaks a block). CommonMark §2.4 lets any ASCII punctuation
 * be backslash-escaped, and the reader then sees the character itself: escaped everywhere are
 * what opens inline markup or raw HTML (`\\`, backticks, `*`, `_`, `[`, `]`, `<`, `>`, `&` for
 * entities, `~` for GFM strikethrough, `$` for GitHub math); escaped at the start, where a line
 * may begin, are `#`, `+`, `-`, `=`, `|` and the `.`/`)` of an ordered-list number. Other pipes
 * only matter inside a table row, where `renderTable` escapes every pipe of a cell.
 */
export function text(s: string): string {
  const escaped = s
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[\\`*_[\]<>&~$]/g, "\\$&");
  return escaped.replace(/^([#+=|-]|\d+(?=[.)]))/, (m) => (/^\d/.test(m) ? `${m}\\` : `\\${m}`));
}

/** Text for a table cell (the table escapes its pipes, so this is `text`). */
export function cell(s: string): string {
  return text(s);
}

/**
 * An inline code span holding `s` verbatim (CommonMark §6.1): a fence longer than any backtick run
 * inside, padded with a space when the content starts or ends with a backtick or with a space
 * (the parser strips one space from each side).
 */
export function code(s: string): string {
  const flat = s.replace(/\s+/g, " ");
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(flat) && flat.trim() !== "" ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Heading anchor as GitHub computes it (github-slugger): lower-case, punctuation dropped, spaces → `-`. */
export function githubSlug(heading: string): string {
  return plainText(heading)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/**
 * The text a reader sees of inline Markdown that `text`/`code` produced: code spans opened by an
 * unescaped backtick run and closed by a run of the same length (one padding space each side
 * dropped), backslash escapes undone elsewhere, and the five basic entities decoded.
 */
export function plainText(markdown: string): string {
  let out = "";
  let i = 0;
  while (i < markdown.length) {
    const c = markdown[i]!;
    if (c === "\\" && i + 1 < markdown.length && /[!-/:-@[-`{-~]/.test(markdown[i + 1]!)) {
      out += markdown[i + 1];
      i += 2;
    } else if (c === "`") {
      const run = /^`+/.exec(markdown.slice(i))![0];
      const close = new RegExp(`(?<!\`)${run}(?!\`)`, "g");
      close.lastIndex = i + run.length;
      const m = close.exec(markdown);
      if (!m) {
        out += run;
        i += run.length;
        continue;
      }
      let inner = markdown.slice(i + run.length, m.index);
      if (inner.length > 1 && inner.startsWith(" ") && inner.endsWith(" ") && inner.trim() !== "")
        inner = inner.slice(1, -1);
      out += inner;
      i = m.index + run.length;
    } else {
      out += c;
      i++;
    }
  }
  return out
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
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

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
/** Text inside the raw HTML of a `<details>` summary, which Markdown escapes do not reach. */
const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => HTML_ESCAPES[c]!);

function fenceFor(body: string): string {
  const longest = Math.max(0, ...[...body.matchAll(/^ {0,3}(`{3,})/gm)].map((m) => m[1]!.length));
  return "`".repeat(Math.max(3, longest + 1));
}

/**
 * A GFM table (§4.10). Every `|` of a cell, in code spans too, gets a backslash: GitHub and
 * markdown-it split a row on pipes without one and drop the backslash before the inline parse,
 * so the cell's inline Markdown reaches the parser unchanged.
 */
function renderTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => (c === "" ? " " : c.replace(/\|/g, "\\|"))).join(" | ")} |`;
  return [
    line(header),
    `|${header.map(() => " --- ").join("|")}|`,
    ...rows.map((r) => line(header.map((_, i) => r[i] ?? ""))),
  ].join("\n");
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
  details: (b, toc) =>
    [
      `<details>\n<summary>${escapeHtml(b.summary.replace(/\s+/g, " "))}</summary>`,
      ...b.blocks.map((x) => renderBlock(x, toc)),
      "</details>",
    ].join("\n\n"),
  toc: (_b, toc) => toc,
  comment: (b) =>
    `<!-- ${b.text
      .replace(/\s+/g, " ")
      .replace(/[<>]/g, "")
      .replace(/-(?=-)/g, "- ")} -->`,
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
    if (
      tocBlock &&
      blocks.indexOf(b) > blocks.indexOf(tocBlock) &&
      b.level >= tocBlock.minLevel &&
      b.level <= tocBlock.maxLevel
    ) {
      tocLines.push(`${"  ".repeat(b.level - tocBlock.minLevel)}- [${b.text}](#${slug})`);
    }
  }
  return blocks.map((b) => renderBlock(b, tocLines.join("\n"))).join("\n\n") + "\n";
}
