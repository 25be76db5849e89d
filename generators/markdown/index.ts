/**
 * DESIGN.md: the technical design a reviewer reads in a pull request, rendered by GitHub
 * (CommonMark + GFM tables, ```mermaid fences). Built from the normalised design and the build's
 * model (siblings.ts); checked by a CommonMark parser and the Mermaid parser.
 */
import type { Artifact, GeneratedFile } from "../../src/pipeline/artifact.ts";
import { generatedHeader } from "../../src/pipeline/artifact.ts";
import { type Block, renderMarkdown, text, code } from "./document.ts";
import { SECTION_KINDS, sectionBlocks, type SectionContext, type Siblings } from "./sections.ts";
import { siblingsOf } from "./siblings.ts";
import { checkDesignMarkdown } from "./check.ts";
import type { ModelContext } from "../model.ts";
import { warmMermaid } from "../mermaid/index.ts";

export const DESIGN_MD = "DESIGN.md";

/** The blocks of DESIGN.md (also what index.html renders). Pure. */
export function designBlocks(ctx: ModelContext, siblings: Siblings = siblingsOf(ctx.model)): Block[] {
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

/** DESIGN.md as text. Pure: the same design, options and model give the same bytes. */
export function generateDesignMarkdown(ctx: ModelContext, siblings: Siblings = siblingsOf(ctx.model)): string {
  return renderMarkdown(designBlocks(ctx, siblings));
}

export const markdownArtifact: Artifact<ModelContext> = {
  name: "markdown",
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
