/**
 * The OpenAPI artifact: `openapi.yaml` (OpenAPI 3.0.3), checked by @apidevtools/swagger-parser
 * and the project's own lint rules (`lint.ts`).
 */
import type { Artifact } from "../../src/pipeline/artifact.ts";
import { buildDocument } from "./document.ts";
import { serializeDocument } from "./serialize.ts";
import { checkOpenApi } from "./check.ts";
import { memoByObject } from "../../src/pipeline/memo.ts";

export const OPENAPI_FILE = "openapi.yaml";

/** openapi.yaml's text, once per design (DESIGN.md's sibling list calls `generate` again). */
const openapiText = memoByObject((design: Parameters<typeof buildDocument>[0]) =>
  serializeDocument(buildDocument(design)),
);

export const openapiArtifact: Artifact = {
  name: "openapi",
  checkNeeds: "own",
  generate(ctx) {
    return [{ path: OPENAPI_FILE, contents: openapiText(ctx.design) }];
  },
  async check(own) {
    const file = own.find((f) => f.path === OPENAPI_FILE);
    return file ? checkOpenApi(file.contents, OPENAPI_FILE) : [];
  },
};
