import { defineCodes, diagnosticsFor } from "../design/diagnostics.ts";

/** Codes produced by CLI commands that write files of their own (`init`). */
export const cliCodes = defineCodes({
  "init-design-exists": {
    severity: "error",
    doc: "`contractor init` found a design.yaml in the target directory and left it as it was. Choose another directory, or build the design you have.",
  },
  "init-write-failed": {
    severity: "error",
    doc: "`contractor init` could not create the directory or write a file (permissions, a file where a directory should be, a full disk); the message names the path and the system's reason. Nothing else was written.",
  },
});

export const cliDiag = diagnosticsFor(cliCodes);
