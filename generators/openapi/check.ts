/**
 * The checker of `openapi.yaml`: parses it back, validates it with @apidevtools/swagger-parser
 * (OpenAPI 3.0.3 schema + $ref resolution) and runs the project's lint rules.
 * Every finding is a diagnostic at `openapi.yaml:LINE`.
 *
 * swagger-parser's `validate` is run in its own steps, so that its schema step uses the
 * validator compiled ahead of time (schema-validator-code.ts) instead of compiling the schema
 * again on every call: dereference with circular $refs left in place, then the schema (its
 * remaining steps cannot fail for OpenAPI 3.0; see `swaggerParserValidate`).
 */
import { createRequire } from "node:module";
import type { ErrorObject } from "ajv";
import SwaggerParser from "@apidevtools/swagger-parser";
import jsYaml from "js-yaml";
import { LineCounter, parseDocument, isMap, isNode, isScalar, isSeq, type Document } from "yaml";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import { diagnosticsFor } from "../../src/design/diagnostics.ts";
import { openapiCodes } from "./codes.ts";
import { lintDocument } from "./lint.ts";

const diag = diagnosticsFor(openapiCodes);

export const OAS_VALIDATOR_FILE = "oas3-schema-validator.generated.cjs";

type SchemaValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
let schemaValidator: SchemaValidator | undefined;

/**
 * swagger-parser's `validate(api)` for an OpenAPI 3.0 document, with the same outcome: resolves
 * when valid, else throws its error (`details`: the schema errors, when the schema step failed).
 */
export async function swaggerParserValidate(api: Record<string, unknown>): Promise<void> {
  // Swagger 2.0 and OpenAPI 3.1 use other schemas: swagger-parser's own path.
  if (api.swagger !== undefined || typeof api.openapi !== "string" || api.openapi.startsWith("3.1")) {
    await SwaggerParser.validate(structuredClone(api) as never);
    return;
  }
  schemaValidator ??= createRequire(import.meta.url)(`./${OAS_VALIDATOR_FILE}`) as SchemaValidator;
  // swagger-parser dereferences in place: each step gets its own copy.
  const partly = await SwaggerParser.dereference(structuredClone(api) as never, {
    dereference: { circular: "ignore" },
  });
  if (!schemaValidator(partly)) {
    throw Object.assign(new SyntaxError("Swagger schema validation failed."), {
      details: schemaValidator.errors ?? [],
    });
  }
  // What `validate` does next cannot fail for OpenAPI 3: dereferencing circular $refs in full, and
  // its spec rules, which cover Swagger 2.0 only (lib/validators/spec.js returns at once for
  // OpenAPI). test/generators/openapi/swagger-parser.test.ts fails if an upgrade changes that.
}

/** Line (1-based) of the key (or sequence item) at `at`, or of its nearest existing ancestor. */
function lineOf(doc: Document, lines: LineCounter, at: ReadonlyArray<string | number>): number | undefined {
  for (let n = at.length; n > 0; n--) {
    const parent = n === 1 ? doc.contents : doc.getIn(at.slice(0, n - 1), true);
    const last = at[n - 1];
    let node: unknown;
    if (isMap(parent)) node = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(last))?.key;
    else if (isSeq(parent)) node = parent.items[Number(last)];
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** `#/paths/~1a/get` (swagger-parser's instance paths) → key segments. */
function segments(pointer: string): string[] {
  return pointer
    .replace(/^#/, "")
    .split("/")
    .slice(1)
    .map((s) => decodeURIComponent(s).replace(/~1/g, "/").replace(/~0/g, "~"));
}

const at = (file: string, line: number | undefined) => (line ? `${file}:${line}` : file);

/** Validates OpenAPI text; returns every problem found (empty when it is clean). */
export async function checkOpenApi(text: string, file = "openapi.yaml"): Promise<Diagnostic[]> {
  // Parsed the way swagger-parser reads YAML files (js-yaml, JSON schema, duplicate keys rejected);
  // the slower position-keeping parse of `yaml` runs only when a finding needs its line.
  let value: Record<string, unknown>;
  try {
    value = jsYaml.load(text, { schema: jsYaml.JSON_SCHEMA }) as Record<string, unknown>;
  } catch (error) {
    const e = error as Error & { mark?: { line: number } };
    return [
      diag("openapi-invalid", `YAML: ${e.message.split("\n")[0]}`, at(file, e.mark ? e.mark.line + 1 : undefined)),
    ];
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return [diag("openapi-invalid", "the document is not a YAML mapping", file)];
  let positions: { doc: Document; lines: LineCounter } | undefined;
  const lineAt = (path: ReadonlyArray<string | number>) => {
    if (!positions) {
      const lines = new LineCounter();
      positions = { doc: parseDocument(text, { lineCounter: lines }), lines };
    }
    return lineOf(positions.doc, positions.lines, path);
  };
  const lineOfOffset = (offset: number) => text.slice(0, offset).split("\n").length;
  const out: Diagnostic[] = [];
  try {
    await swaggerParserValidate(value);
  } catch (error) {
    const e = error as Error & { details?: Array<{ instancePath?: string; message?: string }> };
    if (e.details?.length) {
      for (const d of e.details)
        out.push(
          diag(
            "openapi-invalid",
            `${d.instancePath || "/"} ${d.message ?? ""}`.trim(),
            at(file, lineAt(segments(d.instancePath ?? ""))),
          ),
        );
    } else {
      // A $ref failure names the pointer: point at its first use in the text.
      const ref = /"(#\/[^"]*)"/.exec(e.message)?.[1];
      const offset = ref ? text.indexOf(ref) : -1;
      out.push(diag("openapi-invalid", e.message, at(file, offset >= 0 ? lineOfOffset(offset) : undefined)));
    }
  }
  for (const f of lintDocument(value)) out.push(diag(f.code, f.message, at(file, lineAt(f.at))));
  return out;
}
