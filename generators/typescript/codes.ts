import { defineCodes } from "../../src/design/diagnostics.ts";

/** Codes of the TypeScript artifact (types.ts, client.ts). */
export const typescriptCodes = defineCodes({
  "ts-type-error": {
    severity: "error",
    doc: "The generated types.ts or client.ts does not type-check (strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes); a contractor bug worth reporting, the path gives file:line.",
  },
  "ts-input-name-reserved": {
    severity: "error",
    doc: "A parameter is named `body`, `ifMatch`, `ifNoneMatch` or `idempotencyKey` on an operation where the client uses that input name for the request body or header; rename the parameter.",
  },
});
