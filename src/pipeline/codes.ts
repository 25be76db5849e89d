import { defineCodes } from "../design/diagnostics.ts";

/** Codes produced by the pipeline itself. */
export const pipelineCodes = defineCodes({
  "out-of-date": { severity: "error", doc: "`--check` found a file in the out dir that differs from a fresh build (or is missing, or is no longer generated). Run `contractor build`." },
});
