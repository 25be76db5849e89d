import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import SwaggerParser from "@apidevtools/swagger-parser";
import { parse } from "yaml";
import { swaggerParserValidate, OAS_VALIDATOR_FILE } from "../../../generators/openapi/check.ts";
import { oasSchemaValidatorCode } from "../../../generators/openapi/schema-validator-code.ts";
import { openapiArtifact } from "../../../generators/openapi/index.ts";
import type { GeneratedFile } from "../../../src/core/artifact.ts";
import { loadFixture, contextFor } from "../../helpers.ts";

type Obj = Record<string, any>;

/** What a validation came to: valid, or the error's kind, its schema errors, and (without those) its message. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
    return "valid";
  } catch (error) {
    const e = error as Error & { details?: unknown[] };
    return e.details ? { kind: e.name, details: e.details } : { kind: e.name, message: e.message };
  }
}

async function listly(): Promise<Obj> {
  const out = openapiArtifact.generate(contextFor(await loadFixture("listly")));
  return parse((Array.isArray(out) ? out : (out as { files: GeneratedFile[] }).files)[0]!.contents) as Obj;
}

const op = (d: Obj) =>
  d.paths[Object.keys(d.paths)[0]!][Object.keys(d.paths[Object.keys(d.paths)[0]!]).find((k) => k !== "parameters")!];

/**
 * Each breaks the listly document one way: the schema, $refs, cycles, versions. "(valid)": cases
 * swagger-parser accepts (its spec rules cover Swagger 2.0 only; our lint reports these). The two
 * spec-rule cases guard check.ts, which stops after the schema step for OpenAPI 3.0: should an
 * upgrade apply those rules to OpenAPI 3, SwaggerParser.validate would reject them and this fails.
 */
const breakages: Array<[string, (d: Obj) => void]> = [
  ["valid as generated", () => {}],
  [
    "a response without description",
    (d) => {
      delete Object.values(op(d).responses as Obj)[0].description;
    },
  ],
  [
    "a wrong type and an unknown keyword",
    (d) => {
      d.info.version = 2;
      d.components.schemas[Object.keys(d.components.schemas)[0]!].typo = true;
    },
  ],
  [
    "many schema errors at once",
    (d) => {
      for (const s of Object.values(d.components.schemas as Obj)) s.type = "objekt";
    },
  ],
  [
    "a $ref to nowhere",
    (d) => {
      op(d).responses[Object.keys(op(d).responses)[0]!] = { $ref: "#/components/responses/Nowhere" };
    },
  ],
  [
    "a self-referencing schema (valid)",
    (d) => {
      d.components.schemas.Tree = { type: "object", properties: { child: { $ref: "#/components/schemas/Tree" } } };
    },
  ],
  [
    "a cycle with a schema error inside",
    (d) => {
      d.components.schemas.Tree = {
        type: "object",
        properties: { child: { $ref: "#/components/schemas/Tree" }, n: { type: "int" } },
      };
    },
  ],
  [
    "a path parameter with no template variable (valid)",
    (d) => {
      op(d).parameters = [
        ...(op(d).parameters ?? []),
        { name: "ghost", in: "path", required: true, schema: { type: "string" } },
      ];
    },
  ],
  [
    "a duplicate operationId (valid)",
    (d) => {
      const paths = Object.keys(d.paths);
      const [a, b] = [paths[0]!, paths[1]!];
      const m = Object.keys(d.paths[b]).find((k) => k !== "parameters")!;
      d.paths[b][m].operationId = op(d).operationId;
      void a;
    },
  ],
  [
    "an unsupported version",
    (d) => {
      d.openapi = "3.0.9";
    },
  ],
  [
    "OpenAPI 3.1, swagger-parser's own path (valid)",
    (d) => {
      d.openapi = "3.1.0";
    },
  ],
  [
    "OpenAPI 3.1 with a schema error",
    (d) => {
      d.openapi = "3.1.0";
      d.info.version = 2;
    },
  ],
  [
    "no paths",
    (d) => {
      delete d.paths;
    },
  ],
];

describe("swagger-parser validation with the schema compiled ahead of time", () => {
  it(`generators/openapi/${OAS_VALIDATOR_FILE} is what swagger-parser's ajv compiles from its OpenAPI 3.0 schema (run \`npm run schema\` after an upgrade)`, () => {
    const onDisk = readFileSync(new URL(`../../../generators/openapi/${OAS_VALIDATOR_FILE}`, import.meta.url), "utf8");
    expect(onDisk === oasSchemaValidatorCode()).toBe(true);
  });

  it.each(breakages)("%s: the same outcome as SwaggerParser.validate", async (name, breakIt) => {
    const doc = await listly();
    breakIt(doc);
    const ours = await outcome(() => swaggerParserValidate(structuredClone(doc)));
    const theirs = await outcome(() => SwaggerParser.validate(structuredClone(doc) as never));
    expect(ours).toStrictEqual(theirs);
    if (name.startsWith("valid") || name.endsWith("(valid)")) expect(ours).toBe("valid");
    else expect(ours).not.toBe("valid");
  });
});
