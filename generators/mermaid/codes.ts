import { defineCodes, diagnosticsFor } from "../../src/design/diagnostics.ts";

/** Codes produced by the Mermaid diagrams' checker and renderer. */
export const mermaidCodes = defineCodes({
  "mermaid-parse-failed": {
    severity: "error",
    doc: "A generated diagram fails `mermaid.parse`; the path names the file and line. This is a contractor bug (an escaping gap): report it with the design.",
  },
  "mermaid-render-failed": {
    severity: "error",
    doc: "`--render`: mermaid could not render a diagram that parsed (e.g. a layout limit); the path names the file.",
  },
  "mermaid-no-browser": {
    severity: "warning",
    doc: "`--render` found no Chrome or Chromium, so no SVG was written (the .mmd files are still written and parsed). Install one (`apt-get install chromium`) or set PUPPETEER_EXECUTABLE_PATH.",
  },
  "mermaid-browser-failed": {
    severity: "warning",
    doc: "`--render` found a browser but it would not start, so no SVG was written; the message gives the reason. Fix the browser or point PUPPETEER_EXECUTABLE_PATH at another.",
  },
});

export const mermaidDiag = diagnosticsFor(mermaidCodes);
