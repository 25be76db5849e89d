/**
 * The OpenAPI artifact: `openapi.yaml` (OpenAPI 3.0.3), the document object of the build's model
 * serialised, checked by @apidevtools/swagger-parser and the project's own lint rules (`lint.ts`).
 */
import type { Artifact } from "../../src/core/artifact.ts";
import type { ModelContext } from "../model.ts";
import { OPENAPI_FILE, serializeDocument } from "./serialize.ts";
import { checkOpenApi } from "./check.ts";

export { OPENAPI_FILE };

export const openapiArtifact: Artifact<ModelContext> = {
  name: "openapi",
  checkNeeds: "own",
  generate(ctx) {
    return [{ path: OPENAPI_FILE, contents: serializeDocument(ctx.model.openapi) }];
  },
  async check(own) {
    const file = own.find((f) => f.path === OPENAPI_FILE);
    return file ? checkOpenApi(file.contents, OPENAPI_FILE) : [];
  },
};
