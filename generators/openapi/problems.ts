/**
 * Problem Details for HTTP APIs (RFC 9457) as OpenAPI components: `ErrorCode` (the design's
 * whole error catalog as an enum), `Problem` (type, title, status, detail, instance + the
 * `code` extension member and, for validation-failed, `errors[]` of JSON pointers) and
 * `ProblemFieldError`, plus one error Response Object per status of an operation.
 */
import type { OpenAPIV3 } from "openapi-types";
import type { NDesign } from "../../src/design/normalize.ts";
import type { ErrorDef, RateLimit } from "../../src/design/schema.ts";
import { pascalCase } from "../../src/design/names.ts";
import { ref, type Json, type Schema } from "./schemas.ts";

export const PROBLEM_MEDIA_TYPE = "application/problem+json";

/** The problem `type` URI of a code: absolute under the first server when there is one (RFC 9457 §3.1.1). */
export function problemType(design: NDesign, code: string): string {
  const origin = design.api.servers[0]?.url.replace(/\/+$/, "");
  return `${origin ?? ""}/problems/${code}`;
}

function exampleInstance(code: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < code.length; i++) h = Math.imul(h ^ code.charCodeAt(i), 0x01000193) >>> 0;
  const hex = h.toString(16).padStart(8, "0");
  return `urn:uuid:${hex}-0000-4000-8000-${hex}${hex.slice(0, 4)}`;
}

export function problemExample(design: NDesign, e: ErrorDef): Json {
  return {
    type: problemType(design, e.code),
    title: e.title,
    status: e.status,
    detail: e.description ?? e.title,
    instance: exampleInstance(e.code),
    code: e.code,
    ...(e.code === "validation-failed"
      ? { errors: [{ pointer: "/email", detail: "Must be a valid email address." }] }
      : {}),
  };
}

export function problemSchemas(design: NDesign): Record<string, Schema> {
  const codes = design.errors.map((e) => e.code);
  const validation = design.errors.find((e) => e.code === "validation-failed") ?? design.errors[0]!;
  return {
    ErrorCode: {
      type: "string",
      description:
        "Stable machine-readable error code; clients switch on it.\n\n" +
        design.errors.map((e) => `- \`${e.code}\` (${e.status}): ${e.title}`).join("\n"),
      enum: codes,
      "x-enum-varnames": codes.map((c) => pascalCase(c)),
      "x-enum-descriptions": design.errors.map((e) => e.title),
      example: codes[0],
    } as Schema,
    Problem: {
      type: "object",
      description:
        "An error, as Problem Details for HTTP APIs (RFC 9457) with a `code` extension member from the error catalog.",
      required: ["type", "title", "status", "code"],
      properties: {
        type: {
          type: "string",
          format: "uri-reference",
          description: "URI identifying the problem type; one per error code.",
        },
        title: { type: "string", description: "Short human-readable summary of the problem type." },
        status: { type: "integer", format: "int32", minimum: 400, maximum: 599, description: "The HTTP status code." },
        detail: { type: "string", description: "Explanation specific to this occurrence." },
        instance: {
          type: "string",
          format: "uri-reference",
          description: "URI identifying this occurrence (quote it to support).",
        },
        code: ref("schemas", "ErrorCode"),
        errors: {
          type: "array",
          items: ref("schemas", "ProblemFieldError"),
          description: "With `validation-failed`: every problem with the request, each with its JSON pointer.",
        },
      },
      example: problemExample(design, validation),
    },
    ProblemFieldError: {
      type: "object",
      description: "One problem with the request, located by a JSON pointer (RFC 6901).",
      required: ["pointer", "detail"],
      properties: {
        pointer: {
          type: "string",
          description: "JSON pointer into the request body (`/items/0/title`), or `#name` for a parameter.",
        },
        detail: { type: "string", description: "What is wrong, for humans." },
      },
      example: { pointer: "/email", detail: "Must be a valid email address." },
    },
  };
}

/** An error response for one status carrying `errors` (all with that status). */
export function errorResponse(
  design: NDesign,
  status: number,
  errors: readonly ErrorDef[],
  headers?: Record<string, OpenAPIV3.ReferenceObject | OpenAPIV3.HeaderObject>,
): OpenAPIV3.ResponseObject {
  const list = errors.map((e) => `\`${e.code}\` (${e.title})`).join(", ");
  return {
    description: `${errors.length === 1 ? errors[0]!.title : "One of"}: ${list}.`,
    ...(headers ? { headers } : {}),
    content: {
      [PROBLEM_MEDIA_TYPE]: {
        schema: ref("schemas", "Problem"),
        examples: Object.fromEntries(
          [...errors]
            .sort((a, b) => (a.code < b.code ? -1 : 1))
            .map((e) => [
              e.code,
              {
                summary: e.title,
                ...(e.description ? { description: e.description } : {}),
                value: problemExample(design, e),
              },
            ]),
        ),
      },
    },
    "x-error-codes": errors.map((e) => e.code),
  } as OpenAPIV3.ResponseObject;
}

/** Name of the shared component response for a single code (429 is per tier: its headers differ). */
export function errorResponseName(code: string, tier?: RateLimit): string {
  return code === "rate-limited" && tier ? `RateLimited${pascalCase(tier.name)}` : pascalCase(code);
}
