/**
 * The design document as blocks: the normalised design and what the other artifacts' parts of the
 * model show (siblings.ts). DESIGN.md serialises them; index.html renders that Markdown.
 */
import { generatedHeader, type ArtifactContext } from "../../src/core/artifact.ts";
import { type Block, text, code } from "./document.ts";
import { SECTION_KINDS, sectionBlocks, type SectionContext, type Siblings } from "./sections.ts";

/** The blocks of DESIGN.md (also what index.html renders), derived once per build into the model. Pure. */
export function designBlocks(ctx: ArtifactContext, siblings: Siblings): Block[] {
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
