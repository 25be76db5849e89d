import { defineCodes } from "../../src/design/diagnostics.ts";

/** Codes of the OpenAPI checker: swagger-parser's verdict and the project's own lint rules (`lint.ts`). */
export const openapiCodes = defineCodes({
  "openapi-invalid": {
    severity: "error",
    doc: "@apidevtools/swagger-parser rejected openapi.yaml (OpenAPI 3.0.3 schema or $ref resolution). A generator bug: report it with the design.",
  },
  "openapi-path-param-mismatch": {
    severity: "error",
    doc: "An operation's declared `in: path` parameters differ from the {params} of its path template (OpenAPI 3.0.3 §4.7.12: every template parameter must be declared, and only those).",
  },
  "openapi-duplicate-operation-id": {
    severity: "error",
    doc: "Two operations share an operationId; generated clients need unique method names.",
  },
  "openapi-missing-success-response": { severity: "error", doc: "An operation has no 2xx response." },
  "openapi-missing-error-response": {
    severity: "error",
    doc: "An operation has no 4xx or 5xx error response (problem+json).",
  },
  "openapi-inline-object-schema": {
    severity: "error",
    doc: "An object schema (properties / additionalProperties) appears inline instead of under components/schemas; mobile code generators would invent a name for it.",
  },
  "openapi-unresolved-ref": { severity: "error", doc: "A $ref points at nothing in the document." },
  "openapi-schema-missing-example": { severity: "error", doc: "A schema under components/schemas has no `example`." },
});
