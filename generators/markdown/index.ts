/**
 * DESIGN.md: the technical design a reviewer reads in a pull request, rendered by GitHub
 * (CommonMark + GFM tables, ```mermaid fences): the design document of the build's model
 * (blocks.ts) serialised; checked by a CommonMark parser and the Mermaid parser.
 */
import type { Artifact, GeneratedFile } from "../../src/core/artifact.ts";
import { renderMarkdown } from "./document.ts";
import { checkDesignMarkdown } from "./check.ts";
import type { ModelContext } from "../model.ts";
import { warmMermaid } from "../mermaid/index.ts";

export const DESIGN_MD = "DESIGN.md";

/** DESIGN.md as text: the model's design document serialised. Pure. */
export function generateDesignMarkdown(ctx: ModelContext): string {
  return renderMarkdown(ctx.model.document);
}

export const markdownArtifact: Artifact<ModelContext> = {
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
