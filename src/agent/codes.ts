import { defineCodes } from "../design/diagnostics.ts";

/** Codes produced by the agent's repair loop (sent back to the model like any other). */
export const agentCodes = defineCodes({
  "no-design": {
    severity: "error",
    doc: "The model answered without calling submit_design, so there was no design to check; it is asked again.",
  },
});
