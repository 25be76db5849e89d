/**
 * The Mermaid diagrams artifact: `diagrams/erd.mmd`, one `diagrams/erd-<service>.mmd` per
 * service that owns entities, `diagrams/auth-flow.mmd` and `diagrams/architecture.mmd`.
 * `generate` is pure; `check` runs every diagram through `mermaid.parse` in-process; `render`
 * (only with `--render`) draws each to an `.svg` beside it in one headless browser.
 * The diagram sources are derived once per build into the model (`diagramSources`), which
 * DESIGN.md embeds.
 */
import type { Artifact, GeneratedFile } from "../../src/core/artifact.ts";
import type { NDesign } from "../../src/design/normalize.ts";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import type { ModelContext } from "../model.ts";
import { diagramFiles, diagramSources } from "./sources.ts";
import { parseDiagram } from "./parse.ts";
import { findBrowser, puppeteerBrowserPath, renderDiagrams } from "./render.ts";
import { mermaidDiag } from "./codes.ts";

export { parseDiagram } from "./parse.ts";

/** Every diagram file of a design outside a build, in path order. */
export function generateDiagrams(design: NDesign): GeneratedFile[] {
  return diagramFiles(diagramSources(design));
}

/** Parses each diagram; each failure is a diagnostic at `file:line`. `scope`: see `parseDiagram`. */
export async function checkDiagrams(files: readonly GeneratedFile[], scope?: object): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const f of files.filter((f) => f.path.endsWith(".mmd"))) {
    const result = await parseDiagram(f.contents, scope);
    if (!result.ok)
      diagnostics.push(
        mermaidDiag(
          "mermaid-parse-failed",
          `mermaid.parse rejects ${f.path}: ${result.message}`,
          `${f.path}:${result.line}`,
        ),
      );
  }
  return diagnostics;
}

/** Imports mermaid and the parsers of the three diagram kinds contractor writes (each loads lazily). */
export async function warmMermaid(): Promise<void> {
  await Promise.all(
    ["erDiagram\n", "sequenceDiagram\n  A->>B: x\n", "flowchart LR\n  a --> b\n"].map((d) => parseDiagram(d)),
  );
}

export const mermaidArtifact: Artifact<ModelContext> = {
  name: "mermaid",
  checkNeeds: "all",
  affinity: "mermaid",
  generate: (ctx) => diagramFiles(ctx.model.diagrams),
  warm: warmMermaid,
  async check(own, ctx) {
    const diagnostics = await checkDiagrams(own, ctx.files);
    ctx.note(`${own.length} diagrams parsed`);
    return diagnostics;
  },
  async render(own, ctx) {
    const outcome = await renderDiagrams(own, findBrowser(process.env, await puppeteerBrowserPath()));
    ctx.note(outcome.note);
    return { files: outcome.files, diagnostics: outcome.diagnostics };
  },
};
