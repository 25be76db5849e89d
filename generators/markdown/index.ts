/**
 * DESIGN.md: the technical design a reviewer reads in a pull request, rendered by GitHub
 * (CommonMark + GFM tables, ```mermaid fences). Built from the normalised design and what the
 * sibling generators produce for it; checked by a CommonMark parser and the Mermaid parser.
 */
import type { Artifact, ArtifactContext, GeneratedFile } from "../../src/pipeline/artifact.ts";
import { generatedHeader } from "../../src/pipeline/artifact.ts";
import { type Block, renderMarkdown, text, code } from "./document.ts";
import { SECTION_KINDS, sectionBlocks, type SectionContext, type Siblings } from "./sections.ts";
import { siblingsFor } from "./siblings.ts";
import { checkDesignMarkdown } from "./check.ts";
import { memoByObject } from "../../src/pipeline/memo.ts";
import { warmMermaid } from "../mermaid/index.ts";

export const DESIGN_MD = "DESIGN.md";

/** The blocks of DESIGN.md (also what index.html renders). Pure. */
export function designBlocks(ctx: ArtifactContext, siblings: Siblings = siblingsFor(ctx)): Block[] {
  const { design } = ctx;
  const sctx: SectionContext = {
    design,
    siblings,
    migrationsFormat: ctx.options.migrationsFormat,
    entities: new Map(design.data.entities.map((e) => [e.name, e] as const)),
  };
  return [
    { kind: "comment", text: generatedHeader("", "the design").trim() },
    { kind: "heading", level: 1, text: `${text(design.info.title)} technical design` },
    {
      kind: "paragraph",
      text: `Design version ${code(design.info.version)}, API ${code(design.api.versionedBasePath)}. Generated from the design; change the design and rebuild instead of editing this file.`,
    },
    { kind: "heading", level: 2, text: "Contents" },
    { kind: "toc", minLevel: 2, maxLevel: 3 },
    ...SECTION_KINDS.flatMap((kind) => sectionBlocks(kind, sctx)),
  ];
}

/**
 * DESIGN.md as text. Pure: the same design and options give the same bytes. Memoised per context
 * object (index.html renders the same text in the same build).
 */
export const generateDesignMarkdown: (ctx: ArtifactContext) => string = memoByObject((ctx: ArtifactContext) =>
  renderMarkdown(designBlocks(ctx)),
);

export const markdownArtifact: Artifact = {
  name: "markdown",
  checkNeeds: "all",
  affinity: "mermaid",
  generate(ctx): GeneratedFile[] {
    return [{ path: DESIGN_MD, contents: generateDesignMarkdown(ctx) }];
  },
  warm: warmMermaid,
  async check(own, ctx) {
    const file = own.find((f) => f.path === DESIGN_MD);
    if (!file) return [];
    return checkDesignMarkdown(file, ctx.files, ctx.note);
  },
};
