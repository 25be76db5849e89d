import { resolveType } from "../../../src/design/types.ts";
import { describe, expect, it } from "vitest";
import MarkdownIt from "markdown-it";
import {
  Anchors,
  cell,
  code,
  githubSlug,
  renderMarkdown,
  text,
  type Block,
} from "../../../generators/markdown/document.ts";
import { duration, typeLabel } from "../../../generators/markdown/sections.ts";
import { rowCells } from "../../../generators/markdown/check.ts";

describe("inline escaping", () => {
  const cases: Array<[string, { fn: (s: string) => string; given: string; want: string }]> = [
    ["text collapses whitespace", { fn: text, given: "a\n  b\tc ", want: "a b c" }],
    [
      "text escapes raw HTML",
      { fn: text, given: "<script>alert(1)</script>", want: "\\<script\\>alert(1)\\</script\\>" },
    ],
    [
      "text escapes backticks, so a design string never opens a code span",
      { fn: text, given: "use `<T>` here", want: "use \\`\\<T\\>\\` here" },
    ],
    ["text escapes ampersands, so entities stay literal", { fn: text, given: "&amp; & x", want: "\\&amp; \\& x" }],
    [
      "text escapes emphasis, links, strikethrough, math and backslashes",
      { fn: text, given: "*a* _b_ [c](d) ~e~ $f$ \\", want: "\\*a\\* \\_b\\_ \\[c\\](d) \\~e\\~ \\$f\\$ \\\\" },
    ],
    ["text escapes a block marker at the start only", { fn: text, given: "- a - b", want: "\\- a - b" }],
    ["text escapes an ordered-list number", { fn: text, given: "12) x", want: "12\\) x" }],
    ["cell leaves pipes to the table", { fn: cell, given: "a | b", want: "a | b" }],
    ["code wraps plain text", { fn: code, given: "getMe", want: "`getMe`" }],
    ["code with a backtick uses a longer fence", { fn: code, given: "a`b", want: "``a`b``" }],
    ["code starting with a backtick is padded", { fn: code, given: "`a", want: "`` `a ``" }],
    ["code keeps surrounding spaces by padding", { fn: code, given: " a ", want: "`  a  `" }],
  ];
  it.each(cases)("%s", (_name, { fn, given, want }) => expect(fn(given)).toBe(want));
});

describe("GitHub anchors", () => {
  const cases: Array<[string, string]> = [
    ["Overview", "overview"],
    ["Request and response shapes", "request-and-response-shapes"],
    ["users (User)", "users-user"],
    ["Scheme bearer (jwt)", "scheme-bearer-jwt"],
    [
      "A modular monolith, not microservices (adr-modular-monolith)",
      "a-modular-monolith-not-microservices-adr-modular-monolith",
    ],
    ["`code` &lt;b&gt;", "code-b"],
    ["list_members (ListMember)", "list_members-listmember"],
  ];
  it.each(cases)("%s → %s", (given, want) => expect(githubSlug(given)).toBe(want));

  it("suffixes repeats like github-slugger", () => {
    const a = new Anchors();
    expect(["Flow", "Flow", "Flow-1", "Flow"].map((h) => a.next(h))).toStrictEqual([
      "flow",
      "flow-1",
      "flow-1-1",
      "flow-2",
    ]);
  });
});

describe("renderMarkdown", () => {
  it("serialises blocks with a TOC of the headings after it", () => {
    const blocks: Block[] = [
      { kind: "heading", level: 1, text: "T" },
      { kind: "toc", minLevel: 2, maxLevel: 3 },
      { kind: "heading", level: 2, text: "A b" },
      { kind: "table", header: ["x", "y"], rows: [["1", ""]] },
      { kind: "heading", level: 3, text: "C" },
      { kind: "details", summary: "S", blocks: [{ kind: "code", lang: "sql", text: "SELECT 1;" }] },
      { kind: "heading", level: 2, text: "A b" },
    ];
    expect(renderMarkdown(blocks)).toBe(
      "# T\n\n- [A b](#a-b)\n  - [C](#c)\n- [A b](#a-b-1)\n\n## A b\n\n| x | y |\n| --- | --- |\n| 1 |   |\n\n### C\n\n<details>\n<summary>S</summary>\n\n```sql\nSELECT 1;\n```\n\n</details>\n\n## A b\n",
    );
  });

  it("fences code that itself holds a fence with a longer one", () => {
    expect(renderMarkdown([{ kind: "code", lang: "md", text: "```\nx\n```" }])).toBe("````md\n```\nx\n```\n````\n");
  });
});

describe("labels", () => {
  const types: Array<[string, Parameters<typeof typeLabel>[0], string]> = [
    ["string default length", { type: "string" }, "string(255)"],
    ["email", { type: "email", maxLength: 320 }, "email(320)"],
    ["decimal default", { type: "decimal" }, "decimal(12,2)"],
    ["decimal", { type: "decimal", precision: 10, scale: 3 }, "decimal(10,3)"],
    ["enum", { type: "enum", enum: "MemberRole" }, "MemberRole"],
    ["array of strings", { type: "array", items: { type: "string", maxLength: 32 } }, "string(32)[]"],
    ["array of enums", { type: "array", items: { type: "enum", enum: "Tag" } }, "Tag[]"],
    ["text", { type: "text" }, "text"],
  ];
  // The label reads the resolved type, as normalisation leaves it.
  it.each(types)("type %s", (_n, given, want) => expect(typeLabel(resolveType(given))).toBe(want));

  const durations: Array<[number, string]> = [
    [900, "15 minutes"],
    [2592000, "30 days"],
    [3600, "1 hour"],
    [90, "90 seconds"],
    [1, "1 second"],
  ];
  it.each(durations)("duration %i", (given, want) => expect(duration(given)).toBe(want));

  const rows: Array<[string, number]> = [
    ["| a | b |", 2],
    ["| a \\| b | c |", 2],
    ["| `x` |  |", 2],
    ["a | b | c", 3],
  ];
  it.each(rows)("row cells of %s", (given, want) => expect(rowCells(given)).toBe(want));
});

describe("text(), cell() and code() render as the literal text in a paragraph and in table cells", () => {
  const md = new MarkdownIt();
  it.each([
    "|",
    "| a | b |",
    "# not a heading",
    "> not a quote",
    "- not a list",
    "+ x",
    "* x",
    "= x",
    "1. not a list",
    "2) x",
    "a | b",
    "`a|b`",
    "\\|",
    "a\\",
    "<b>x</b>",
    "&lt;",
    "[x](javascript:alert(1))",
    "<https://x.example>",
    "***",
    "`` x `",
  ])("%s", (given) => {
    const source = renderMarkdown([
      { kind: "paragraph", text: text(given) },
      { kind: "table", header: ["A", "B"], rows: [[cell(given), code(given)]] },
    ]);
    const tokens = md.parse(source, {});
    expect(tokens.map((t) => t.type).slice(0, 3)).toStrictEqual(["paragraph_open", "inline", "paragraph_close"]);
    expect(tokens[1]!.children!.map((c) => c.content).join("")).toBe(given);
    const cells = tokens.filter((t) => t.type === "inline").slice(3);
    expect(cells.map((c) => c.children!.map((x) => x.content).join(""))).toStrictEqual([given, given]);
    expect(cells[1]!.children!.map((x) => x.type)).toStrictEqual(["code_inline"]);
  });
});
