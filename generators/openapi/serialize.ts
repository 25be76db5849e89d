/**
 * The one place the OpenAPI document becomes text: YAML 1.2 output that YAML 1.1 readers parse
 * the same way (strings such as `2026-01-15` or `yes` are quoted), no anchors/aliases for
 * shared objects, no line folding, LF, one trailing newline, the fixed generated header.
 */
import { Document } from "yaml";
import type { OpenAPIV3 } from "openapi-types";
import { generatedHeader } from "../../src/core/artifact.ts";

/** The file the document is written to. */
export const OPENAPI_FILE = "openapi.yaml";

export function serializeDocument(doc: OpenAPIV3.Document): string {
  const yaml = new Document(doc, { schema: "yaml-1.1", aliasDuplicateObjects: false });
  return generatedHeader("#") + yaml.toString({ lineWidth: 0 });
}
