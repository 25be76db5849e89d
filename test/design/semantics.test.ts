/**
 * One small case per rule: a fragment changed in the base design → the exact diagnostics
 * (code and JSON pointer, every severity). Bigger bad designs live in fixtures/invalid.
 */
import { describe, expect, it } from "vitest";
import { checkSemantics } from "../../src/design/semantics.ts";
import { validateDesign } from "../../src/design/validate.ts";
import { baseDesign, designWith } from "./base.ts";
import { semanticCases } from "./semantic-cases.ts";

describe("semantic checks", () => {
  it("the base design has no diagnostics", () => {
    expect(checkSemantics(baseDesign())).toStrictEqual([]);
  });

  it.each(semanticCases)("%s", (_name, mutate, want) => {
    const d = designWith(mutate);
    const schema = validateDesign(d);
    // Each case must be schema-valid, so that exactly the semantic rule is under test.
    expect(
      schema.diagnostics.filter((x) => x.code === "schema-violation" && !want.some(([c]) => c === "schema-violation")),
    ).toStrictEqual([]);
    const got = checkSemantics(d).map((x) => [x.code, x.path]);
    expect(got).toStrictEqual(want);
  });

  it("every diagnostic carries the severity of its code and a message", () => {
    const d = designWith((x) => {
      x.data.entities[0].sync = true;
      x.data.enums = [{ name: "A", values: ["x"] }];
      x.api.endpoints[0].errors = ["nope"];
    });
    const got = checkSemantics(d).map((x) => [x.code, x.severity, x.message]);
    expect(got).toStrictEqual([
      [
        "sync-without-feed",
        "info",
        "entities declare sync; the changes feed GET /sync/changes (listChanges) is added automatically — configure it under api.sync",
      ],
      ["dangling-reference", "error", 'unknown error code "nope" (declare it in errors)'],
      ["unused-definition", "warning", "enum A is never used"],
      ["unused-definition", "warning", "error widget-not-found is not returned by any endpoint"],
    ]);
  });
});
