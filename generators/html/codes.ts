import { defineCodes } from "../../src/design/diagnostics.ts";

/** Findings of the index.html check. */
export const htmlCodes = defineCodes({
  "html-external-reference": { severity: "error", doc: "index.html loads or links something outside the out dir (a URL with a scheme); the review page must work offline from disk." },
  "html-reference-broken": { severity: "error", doc: "index.html links to a file the build does not write, or to an #id the page does not have." },
  "html-duplicate-id": { severity: "error", doc: "Two elements of index.html share an id, so anchors (operations, schemas, headings) become ambiguous." },
  "html-operation-missing": { severity: "error", doc: "An operation of openapi.yaml has no element with id operation/<operationId> in index.html." },
  "html-render-failed": { severity: "error", doc: "With --render: opening index.html in headless Chromium logged an error or left a diagram unrendered." },
});
