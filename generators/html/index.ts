/**
 * index.html: a self-contained review page (works from disk, no network): DESIGN.md rendered with
 * its diagrams drawn by the mermaid browser bundle (written beside the page as
 * `assets/mermaid.min.js`, byte-identical to the installed mermaid's), and a browsable reference of
 * the OpenAPI document.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Artifact, GeneratedFile } from "../../src/core/artifact.ts";
import type { ModelContext } from "../model.ts";
import { generateDesignMarkdown, DESIGN_MD } from "../markdown/index.ts";
import { linkedPaths } from "../markdown/siblings.ts";
import { renderPage, MERMAID_ASSET } from "./page.ts";
import { checkPage } from "./check.ts";
import { checkInBrowser, chromiumPath } from "./browser.ts";
import { operations } from "./api-reference.ts";

export const INDEX_HTML = "index.html";

let bundle: string | undefined;
/** The mermaid browser bundle: a static asset of contractor itself, the same for every design. */
function mermaidBundle(): string {
  bundle ??= readFileSync(createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js"), "utf8");
  return bundle;
}

/** index.html as text: the model's design document (as Markdown) and its OpenAPI document. Pure. */
export function generateReviewPage(ctx: ModelContext): string {
  const links = [DESIGN_MD, ...[...new Set(linkedPaths(ctx.model))].sort()].map((p) => ({ label: p, path: p }));
  return renderPage({
    title: ctx.design.info.title,
    designMarkdown: generateDesignMarkdown(ctx),
    openapi: ctx.model.openapi,
    links,
  });
}

export const htmlArtifact: Artifact<ModelContext> = {
  name: "html",
  checkNeeds: "all",
  generate(ctx): GeneratedFile[] {
    return [
      { path: INDEX_HTML, contents: generateReviewPage(ctx) },
      { path: MERMAID_ASSET, contents: mermaidBundle() },
    ];
  },
  async check(own, ctx) {
    const page = own.find((f) => f.path === INDEX_HTML);
    if (!page) return [];
    const ids = operations(ctx.model.openapi).flatMap((o) => (o.op.operationId ? [o.op.operationId] : []));
    const found = checkPage(INDEX_HTML, page.contents, ctx.files, ids);
    if (!ctx.options.render || found.length > 0) return found;
    if (!chromiumPath()) {
      ctx.note("no Chromium: page not opened");
      return found;
    }
    const seen = await checkInBrowser(INDEX_HTML, ctx.files);
    ctx.note("opened in headless Chromium");
    return seen;
  },
};
