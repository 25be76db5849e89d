import { describe, expect, it } from "vitest";
import { validateDesign } from "../../src/design/validate.ts";
import { baseDesign, designWith } from "./base.ts";

const found = (value: unknown) => validateDesign(value).diagnostics.map((d) => [d.code, d.path, d.message]);

describe("validateDesign", () => {
  it("accepts the base design with no diagnostics and returns it", () => {
    const r = validateDesign(baseDesign());
    expect(r.diagnostics).toStrictEqual([]);
    expect(r.design).toStrictEqual(baseDesign());
  });

  it.each([
    ["a list", [1, 2]],
    ["a string", "contractor: 1"],
    ["null", null],
  ])("refuses %s at the top level", (_name, value) => {
    expect(found(value)).toStrictEqual([
      ["schema-violation", "", "the design must be a mapping (an object) at the top level"],
    ]);
  });

  it.each([
    ["missing", undefined, "missing `contractor: 1` (the format version)"],
    ["2", 2, "unsupported format version 2; this tool reads version 1"],
    ['"1"', "1", 'unsupported format version "1"; this tool reads version 1'],
  ])("refuses format version %s before anything else", (_name, version, message) => {
    const d = designWith((x) => {
      x.contractor = version;
      x.bogus = true;
    });
    if (version === undefined) delete d.contractor;
    expect(found(d)).toStrictEqual([["unsupported-version", "/contractor", message]]);
  });

  it("reports every schema error with its pointer, not just the first, and skips semantic checks", () => {
    const d = designWith((x) => {
      x.info.name = "Shop Name";
      x.data.entities[0].fields[1].maxLength = "80";
      delete x.api.endpoints[1].summary;
      x.api.endpoints[0].method = "FETCH";
      x.data.entities[0].fields[1].nullabel = true;
      x.errors[0].status = 200;
      x.api.endpoints[0].errors = ["no-such-error"]; // semantic: not reported while the schema fails
    });
    expect(found(d)).toStrictEqual([
      ["schema-violation", "/info/name", '"Shop Name" does not match the pattern ^[a-z][a-z0-9-]{0,62}$'],
      ["schema-violation", "/api/endpoints/0/method", 'must be one of: "GET", "POST", "PUT", "PATCH", "DELETE"'],
      ["schema-violation", "/api/endpoints/1", 'missing required property "summary"'],
      ["schema-violation", "/data/entities/0/fields/1/nullabel", 'unknown property "nullabel"'],
      ["schema-violation", "/data/entities/0/fields/1/maxLength", "must be integer"],
      ["schema-violation", "/errors/0/status", "must be >= 400"],
    ]);
    expect(validateDesign(d).design).toBeUndefined();
  });

  it("escapes unknown property names in pointers (RFC 6901)", () => {
    const d = designWith((x) => {
      x.info["a/b~c"] = 1;
    });
    expect(found(d)).toStrictEqual([["schema-violation", "/info/a~1b~0c", 'unknown property "a/b~c"']]);
  });

  it("reports a value of the wrong kind once, not once per anyOf branch", () => {
    const d = designWith((x) => {
      x.data.entities[0].fields[1].example = { nested: true };
    });
    expect(found(d)).toStrictEqual([
      ["schema-violation", "/data/entities/0/fields/1/example", "must be a string, number or boolean"],
    ]);
  });

  it("shortens long offending values in messages", () => {
    const d = designWith((x) => {
      x.data.entities[0].name = "x".repeat(200);
    });
    const [[, , message]] = found(d) as [[string, string, string]];
    expect(message.length).toBeLessThan(120);
    expect(message).toMatch(/^"x+\.\.\." does not match/);
  });

  it("runs the semantic checks on a schema-valid design and reports all of them", () => {
    const d = designWith((x) => {
      x.api.endpoints[0].errors = ["nope"];
      x.api.endpoints[1].rateLimit = "fast";
    });
    expect(found(d).map(([c, p]) => [c, p])).toStrictEqual([
      ["dangling-reference", "/api/endpoints/0/errors/0"],
      ["dangling-reference", "/api/endpoints/1/rateLimit"],
      ["unused-definition", "/errors/0"],
    ]);
  });
});
