/**
 * The checker of `openapi.yaml`: parses it back, validates it with @apidevtools/swagger-parser
 * (OpenAPI 3.0.3 schema + $ref resolution) and runs the project's lint rules. Every finding is a
 * diagnostic at `openapi.yaml:LINE`.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import { LineCounter, parseDocument, isNode, type Document } from "yaml";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import { diagnosticsFor } from "../../src/design/diagnostics.ts";
import { openapiCodes } from "./codes.ts";
import { lintDocument } from "./lint.ts";

const diag = diagnosticsFor(openapiCodes);

/** Line (1-based) of the node at `at`, or of its nearest existing ancestor. */
function lineOf(doc: Document, lines: LineCounter, at: ReadonlyArray<string | number>): number | undefined {
  for (let n = at.length; n >= 0; n--) {
    const node = doc.getIn(at.slice(0, n), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** `#/paths/~1a/get` (swagger-parser's instance paths) → key segments. */
function segments(pointer: string): string[] {
  return pointer.replace(/^#/, "").split("/").slice(1).map((s) => decodeURIComponent(s).replace(/~1/g, "/").replace(/~0/g, "~"));
}

const at = (file: string, line: number | undefined) => (line ? `${file}:${line}` : file);

/** Validates OpenAPI text; returns every problem found (empty when it is clean). */
export async function checkOpenApi(text: string, file = "openapi.yaml"): Promise<Diagnostic[]> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length) return doc.errors.map((e) => diag("openapi-invalid", `YAML: ${e.message}`, at(file, e.linePos?.[0].line)));
  const value = doc.toJS({ maxAliasCount: 0 }) as Record<string, unknown>;
  const out: Diagnostic[] = [];
  try {
    // swagger-parser dereferences in place: give it its own copy.
    await SwaggerParser.validate(structuredClone(value) as never);
  } catch (error) {
    const e = error as Error & { details?: Array<{ instancePath?: string; message?: string }> };
    if (e.details?.length) {
      for (const d of e.details) out.push(diag("openapi-invalid", `${d.instancePath || "/"} ${d.message ?? ""}`.trim(), at(file, lineOf(doc, lines, segments(d.instancePath ?? "")))));
    } else {
      // A $ref failure names the pointer: point at its first use in the text.
      const ref = /"(#\/[^"]*)"/.exec(e.message)?.[1];
      const offset = ref ? text.indexOf(ref) : -1;
      out.push(diag("openapi-invalid", e.message, at(file, offset >= 0 ? lines.linePos(offset).line : undefined)));
    }
  }
  for (const f of lintDocument(value)) out.push(diag(f.code, f.message, at(file, lineOf(doc, lines, f.at))));
  return out;
}
