import { defineCodes } from "../../src/design/diagnostics.ts";

/** Findings of the index.html check. */
export const htmlCodes = defineCodes({
  "html-external-reference": {
    severity: "error",
    doc: "index.html loads or links something outside the out dir (a URL with a scheme); the review page must work offline from disk.",
  },
  "html-reference-broken": {
    severity: "error",
    doc: "index.html links to a file the build does not write, or to an #id the page does not have.",
  },
  "html-duplicate-id": {
    severity: "error",
    doc: "Two elements of index.html share an id, so anchors (operations, schemas, headings) become ambiguous.",
  },
  "html-operation-missing": {
    severity: "error",
    doc: "An operation of openapi.yaml has no element with id operation/<operationId> in index.html.",
  },
  "html-unexpected-markup": {
    severity: "error",
    doc: "index.html holds an element or attribute the page generator never writes (an event handler, <iframe>, <svg>, a style attribute…): design text became markup. A contractor bug: report it.",
  },
  "html-script-not-allowed": {
    severity: "error",
    doc: "index.html lacks its own Content-Security-Policy, or has a <script> that is neither the mermaid bundle nor an inline script whose hash the policy lists. A contractor bug: report it.",
  },
  "html-render-failed": {
    severity: "error",
    doc: "With --render: opening index.html in headless Chromium logged an error or left a diagram unrendered.",
  },
});
