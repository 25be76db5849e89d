/**
 * Every valid design builds: arbitrary Unicode text (all of it but the C0/C1 controls other than
 * tab and newline, lone surrogates and bidi controls, which the loader refuses or flags) in every
 * free-text field of a design produces artifacts their real checkers accept — Markdown structure
 * and links, Mermaid parse, SQL parse, OpenAPI validation and lint, the strict TypeScript compile
 * and the review page check. The engine round trip is left out (it checks data, not text).
 */
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import MarkdownIt from "markdown-it";
import { build } from "../../src/pipeline/build.ts";
import { validateDesign } from "../../src/design/validate.ts";
import { hasErrors } from "../../src/design/diagnostics.ts";
import { loadDesignFile } from "../../src/design/load.ts";
import type { Design } from "../../src/design/schema.ts";
import { cell, code, renderMarkdown, text } from "../../generators/markdown/document.ts";
import { fixturePath } from "../helpers.ts";
import { freeTextSlots, saturate, withText, withValueFields, type Slot } from "./free-text.ts";

const RUNS = Number(process.env.FUZZ_TEXT_RUNS ?? 8);

/** Pieces that mean something to one of the targets. */
const TOKENS = [
  "|",
  "\\",
  "`",
  "``",
  "*/",
  "/*",
  "//",
  "<",
  ">",
  "&",
  "&amp;",
  "&#60;",
  "'",
  '"',
  "''",
  "$$",
  "${",
  "%%",
  "%%{init: {}}%%",
  "-->",
  "<!--",
  "]]>",
  "<script>",
  "</script>",
  "<img src=x onerror=alert(1)>",
  "[x](javascript:alert(1))",
  "click A call alert()",
  "#",
  "# ",
  "- ",
  "1. ",
  "> ",
  "=",
  "*",
  "_",
  "~",
  "[",
  "]",
  "(",
  ")",
  "{",
  "}",
  ";",
  ":",
  "@",
  "\n",
  "\n\n",
  "\t",
  " ",
  "  ",
  "end",
  "graph TD",
  "--",
  "/**",
  "@throws",
  "\\u0041",
  "\u00a0",
  "\u2028",
  "😀",
  "𝔘",
  "é",
  "日本",
];

/** Any code point a design may hold: not C0/C1 (but tab and newline), not DEL, not a surrogate, not a bidi control. */
const codePoint = fc
  .oneof(
    fc.integer({ min: 0x20, max: 0x7e }),
    fc.integer({ min: 0xa0, max: 0xd7ff }),
    fc.integer({ min: 0xe000, max: 0x10ffff }),
    fc.constantFrom(0x09, 0x0a),
  )
  .filter((c) => !(c >= 0x202a && c <= 0x202e) && !(c >= 0x2066 && c <= 0x2069))
  .map((c) => String.fromCodePoint(c));

const freeText = fc.string({
  unit: fc.oneof({ arbitrary: fc.constantFrom(...TOKENS), weight: 2 }, { arbitrary: codePoint, weight: 3 }),
  minLength: 1,
  maxLength: 24,
});

describe("property: any text in any free-text field builds", () => {
  let base: Design;
  let slots: Slot[];
  beforeAll(async () => {
    const loaded = await loadDesignFile(fixturePath("listly"));
    base = withValueFields(saturate(loaded.value as Design));
    slots = freeTextSlots(base, "x */ | `y` <z> &amp; %%{init}%% \\ 😀");
  });

  it(`${RUNS} designs with arbitrary text in each of the fixture's free-text fields pass every artifact check`, async () => {
    expect(slots.length).toBeGreaterThan(300);
    await fc.assert(
      fc.asyncProperty(fc.array(freeText, { minLength: 7, maxLength: 7 }), fc.nat(), async (texts, offset) => {
        const design = withText(base, slots, (_s, i) => texts[(i + offset) % texts.length]!);
        const valid = validateDesign(design);
        if (!valid.design || hasErrors(valid.diagnostics))
          throw new Error(`the design is not valid: ${JSON.stringify(valid.diagnostics.slice(0, 5))}`);
        const result = await build({ text: JSON.stringify(design) }, { engine: false });
        const errors = result.diagnostics.filter((d) => d.severity === "error");
        if (!result.ok) throw new Error(`build failed:\n${JSON.stringify(errors.slice(0, 8), null, 1)}`);
      }),
      // Each case is a whole build, so a failure is reported as found rather than shrunk.
      { numRuns: RUNS, seed: 20261202, endOnFailure: true },
    );
  }, 120_000);

  it("text(), cell() and code() render as exactly the text (whitespace runs as one space) in a paragraph and a table", () => {
    const md = new MarkdownIt();
    fc.assert(
      fc.property(freeText, (s) => {
        fc.pre(s.trim() !== "");
        const source = renderMarkdown([
          { kind: "heading", level: 1, text: "T" },
          { kind: "paragraph", text: text(s) },
          { kind: "list", items: [text(s)] },
          { kind: "table", header: ["A", "B"], rows: [[cell(s), code(s)]] },
        ]);
        const inline = md.parse(source, {}).filter((t) => t.type === "inline");
        const shown = inline.map((t) => t.children!.map((c) => c.content).join(""));
        const flat = s.replace(/\s+/g, " ");
        expect(shown).toStrictEqual(["T", flat.trim(), flat.trim(), "A", "B", flat.trim(), flat]);
        expect(inline[6]!.children!.map((c) => c.type)).toStrictEqual(["code_inline"]);
      }),
      { numRuns: 500, seed: 20261202 },
    );
  });
});
