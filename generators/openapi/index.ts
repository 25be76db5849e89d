/**
 * The OpenAPI artifact: `openapi.yaml` (OpenAPI 3.0.3), checked by @apidevtools/swagger-parser
 * and the project's own lint rules (`lint.ts`).
 */
import type { Artifact } from "../../src/pipeline/artifact.ts";
import { buildDocument } from "./document.ts";
import { serializeDocument } from "./serialize.ts";
import { checkOpenApi } from "./check.ts";

export const OPENAPI_FILE = "openapi.yaml";

export const openapiArtifact: Artifact = {
  name: "openapi",
  generate(ctx) {
    return [{ path: OPENAPI_FILE, contents: serializeDocument(buildDocument(ctx.design)) }];
  },
  async check(own) {
    const file = own.find((f) => f.path === OPENAPI_FILE);
    return file ? checkOpenApi(file.contents, OPENAPI_FILE) : [];
  },
};
