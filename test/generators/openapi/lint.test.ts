import { describe, it, expect } from "vitest";
import { stringify } from "yaml";
import { lintDocument, LINT_RULES, type Finding } from "../../../generators/openapi/lint.ts";
import { checkOpenApi } from "../../../generators/openapi/check.ts";
import { openapiCodes } from "../../../generators/openapi/codes.ts";

type Obj = Record<string, any>;

/** A minimal clean document; each case breaks one thing. */
function base(): Obj {
  return {
    openapi: "3.0.3",
    info: { title: "T", version: "1.0.0" },
    paths: {
      "/things/{id}": {
        get: {
          operationId: "getThing",
          summary: "One thing",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": {
              description: "OK",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
            },
            "404": {
              description: "Not found",
              content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Thing: {
          type: "object",
          properties: { id: { type: "string" }, example: { type: "string" } },
          example: { id: "a", example: "b" },
        },
        Problem: { type: "object", properties: { title: { type: "string" } }, example: { title: "x" } },
      },
    },
  };
}
const get = (d: Obj) => d.paths["/things/{id}"].get;

const cases: Array<[Finding["code"], (d: Obj) => void, string]> = [
  [
    "openapi-path-param-mismatch",
    (d) => {
      get(d).parameters = [];
    },
    "{id} is not declared",
  ],
  [
    "openapi-path-param-mismatch",
    (d) => {
      get(d).parameters.push({ name: "other", in: "path", required: true, schema: { type: "string" } });
    },
    '"other" is not in the template',
  ],
  [
    "openapi-duplicate-operation-id",
    (d) => {
      d.paths["/things"] = { get: { ...get(d), parameters: [] } };
    },
    "getThing",
  ],
  [
    "openapi-missing-success-response",
    (d) => {
      delete get(d).responses["200"];
    },
    "no 2xx",
  ],
  [
    "openapi-missing-error-response",
    (d) => {
      delete get(d).responses["404"];
    },
    "no 4xx or 5xx",
  ],
  [
    "openapi-inline-object-schema",
    (d) => {
      get(d).responses["200"].content["application/json"].schema = {
        type: "object",
        properties: { id: { type: "string" } },
      };
    },
    "anonymous object schema at /paths/",
  ],
  [
    "openapi-inline-object-schema",
    (d) => {
      d.components.schemas.Thing.properties.nested = { type: "array", items: { type: "object" } };
    },
    "components/schemas/Thing/properties/nested/items",
  ],
  [
    "openapi-unresolved-ref",
    (d) => {
      get(d).responses["404"].content["application/problem+json"].schema = { $ref: "#/components/schemas/Missing" };
    },
    "#/components/schemas/Missing",
  ],
  [
    "openapi-schema-missing-example",
    (d) => {
      delete d.components.schemas.Problem.example;
    },
    "Problem",
  ],
];

describe("lint rules", () => {
  it("the clean document has no findings (a property named `example` is a property, not an example)", () => {
    expect(lintDocument(base())).toStrictEqual([]);
  });

  it.each(cases)("%s", (code, breakIt, inMessage) => {
    const d = base();
    breakIt(d);
    const findings = lintDocument(d);
    expect(findings.map((f) => f.code)).toStrictEqual([code]);
    expect(findings[0]!.message).toContain(inMessage);
  });

  it("every lint code has a case, and every code is in the code table", () => {
    const ruled = Object.entries(LINT_RULES)
      .filter(([, r]) => r)
      .map(([c]) => c);
    expect(new Set(cases.map(([c]) => c))).toStrictEqual(new Set(ruled));
    expect(Object.keys(LINT_RULES).sort()).toStrictEqual(Object.keys(openapiCodes).sort());
  });
});

describe("checkOpenApi", () => {
  it("locates lint findings at their line in openapi.yaml", async () => {
    const d = base();
    delete d.components.schemas.Problem.example;
    const text = stringify(d);
    const line = text.split("\n").findIndex((l) => l.startsWith("    Problem:")) + 1;
    expect(await checkOpenApi(text)).toStrictEqual([
      {
        code: "openapi-schema-missing-example",
        severity: "error",
        message: "schema Problem has no example",
        path: `openapi.yaml:${line}`,
      },
    ]);
  });

  it("turns a swagger-parser schema failure into openapi-invalid with the line", async () => {
    const d = base();
    delete get(d).responses["200"].description;
    const text = stringify(d);
    const diags = await checkOpenApi(text);
    const line = text.split("\n").findIndex((l) => l.trim() === '"200":') + 1;
    expect(diags.length).toBeGreaterThan(0);
    expect(diags.every((x) => x.code === "openapi-invalid")).toBe(true);
    expect(diags.map((x) => x.path)).toContain(`openapi.yaml:${line}`);
  });

  it("reports an unresolvable $ref from swagger-parser and from our rule", async () => {
    const d = base();
    get(d).responses["404"].content["application/problem+json"].schema = { $ref: "#/components/schemas/Missing" };
    const diags = await checkOpenApi(stringify(d));
    expect(diags.map((x) => x.code).sort()).toStrictEqual(["openapi-invalid", "openapi-unresolved-ref"]);
    expect(diags.every((x) => /^openapi\.yaml:\d+$/.test(x.path))).toBe(true);
  });

  it("reports YAML that does not parse, and a document that is not a mapping", async () => {
    expect(await checkOpenApi("a: [1\n")).toMatchObject([
      { code: "openapi-invalid", path: expect.stringMatching(/^openapi\.yaml/) },
    ]);
    expect(await checkOpenApi("a: 1\na: 2\n")).toMatchObject([
      { code: "openapi-invalid", message: expect.stringContaining("duplicated mapping key") },
    ]);
    expect(await checkOpenApi("- 1\n")).toMatchObject([{ code: "openapi-invalid", path: "openapi.yaml" }]);
  });
});
