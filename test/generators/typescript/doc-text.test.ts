/**
 * Design prose in types.ts and client.ts doc comments stays prose: it cannot close the comment,
 * and TypeScript's own JSDoc parser finds no tag in it (only the generator's `@throws`,
 * `@deprecated` and `@example`).
 */
import { describe, expect, it } from "vitest";
import ts from "typescript";
import { docTag, docText, docWithTags } from "../../../generators/typescript/model.ts";
import { generateTypeScript, CLIENT_FILE, TYPES_FILE } from "../../../generators/typescript/index.ts";
import { loadDesignFile } from "../../../src/design/load.ts";
import type { Design } from "../../../src/design/schema.ts";
import { fixturePath, normalizeOrThrow } from "../../helpers.ts";

describe("doc text", () => {
  const cases: Array<[string, { given: string; want: string }]> = [
    ["closing a comment", { given: "a */ b", want: "a *\\/ b" }],
    ["opening a comment", { given: "x /* y", want: "x /\\* y" }],
    ["both at once", { given: "/*/", want: "/\\*\\/" }],
    ["a tag at a line start", { given: "a\n  @deprecated b", want: "a\n  \\@deprecated b" }],
    ["an inline tag", { given: "see {@link https://evil.example}", want: "see {\\@link https://evil.example}" }],
    [
      "an @ after a space (TypeScript reads a tag there too)",
      { given: "mail a@b.c or @team", want: "mail a@b.c or \\@team" },
    ],
    ["CRLF", { given: "a\r\nb", want: "a\nb" }],
  ];
  it.each(cases)("%s", (_n, { given, want }) => expect(docText(given)).toBe(want));

  it("keeps the generator's own tags, with escaped values", () => {
    expect(docWithTags(docText("@x"), docTag("example", '"*/"'))).toBe('\\@x\n\n@example "*\\/"');
  });
});

/** How many JSDoc tags of each name TypeScript reads in a file. */
function tagCounts(file: string, text: string): Record<string, number> {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  expect((source as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics, file).toStrictEqual([]);
  const seen = new Set<ts.JSDocTag>();
  const visit = (node: ts.Node) => {
    for (const tag of ts.getJSDocTags(node)) seen.add(tag);
    ts.forEachChild(node, visit);
  };
  visit(source);
  const counts: Record<string, number> = {};
  for (const tag of seen) counts[tag.tagName.text] = (counts[tag.tagName.text] ?? 0) + 1;
  return counts;
}

describe("hostile prose in the generated TypeScript", () => {
  it("parses, and TypeScript reads exactly the tags the plain design has", async () => {
    const loaded = await loadDesignFile(fixturePath("listly"));
    const plain = structuredClone(loaded.value) as Design;
    const d = structuredClone(loaded.value) as Design;
    const prose = "x */ y /* z\n@deprecated evil\n  @throws {Evil}\n{@link https://evil.example} @see q";
    d.api.endpoints[0]!.summary = prose;
    d.api.endpoints[0]!.description = prose;
    d.data.entities[0]!.description = prose;
    d.data.entities[0]!.fields[1]!.description = prose;
    d.data.entities[0]!.fields[1]!.example = "@deprecated */";
    d.errors[0]!.title = prose;
    const before = generateTypeScript(normalizeOrThrow(plain)).files;
    const after = generateTypeScript(normalizeOrThrow(d)).files;
    for (const path of [TYPES_FILE, CLIENT_FILE]) {
      const of = (files: typeof before) => files.find((f) => f.path === path)!.contents;
      expect(of(after)).toContain("\\@deprecated evil");
      expect(tagCounts(path, of(after)), path).toStrictEqual(tagCounts(path, of(before)));
    }
  });
});
