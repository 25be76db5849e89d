import { defineCodes } from "../../src/design/diagnostics.ts";

/** Findings of the DESIGN.md check (CommonMark parse, embedded Mermaid, links). */
export const markdownCodes = defineCodes({
  "markdown-structure": {
    severity: "error",
    doc: "DESIGN.md does not have the structure a reader relies on (one h1, no skipped heading level, table rows as wide as their header, closed fences and details blocks). A contractor bug: report it.",
  },
  "markdown-mermaid-invalid": {
    severity: "error",
    doc: "A ```mermaid block of DESIGN.md fails mermaid.parse, so GitHub would show an error instead of the diagram.",
  },
  "markdown-link-broken": {
    severity: "error",
    doc: "A relative link of DESIGN.md points at a file the build does not write.",
  },
  "markdown-raw-html": {
    severity: "error",
    doc: "DESIGN.md holds raw HTML other than its own generated-file comment and <details> wrappers: design text reached the document as markup. A contractor bug: report it.",
  },
  "markdown-anchor-broken": { severity: "error", doc: "An in-page link of DESIGN.md (#anchor) names no heading." },
});
