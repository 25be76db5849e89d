/**
 * The spec and the types cannot disagree: openapi-typescript turns each fixture's generated
 * openapi.yaml into `components["schemas"]`, and the TypeScript compiler proves that for every
 * schema our interface and theirs are mutually assignable (both directions, same strict options
 * as the artifact's own check).
 *
 * openapi-typescript runs with `defaultNonNullable: false`: its default makes every property
 * with a `default` required, which is right for responses but wrong for create payloads, where
 * the spec leaves a defaulted field out of `required` (absent = the default applies).
 */
import { describe, expect, it } from "vitest";
import openapiTS, { astToString } from "openapi-typescript";
import { parse } from "yaml";
import { fixtureNames, loadFixture, contextFor, normalizeOrThrow, largeFixture } from "../../helpers.ts";
import { miniDesign } from "./mini.ts";
import { openapiArtifact } from "../../../generators/openapi/index.ts";
import { generateTypeScript, TYPES_FILE } from "../../../generators/typescript/index.ts";
import { typeCheck } from "../../../generators/typescript/check.ts";
import type { NDesign } from "../../../src/design/normalize.ts";
import type { GeneratedFile } from "../../../src/core/artifact.ts";

async function openapiYaml(design: NDesign): Promise<string> {
  const out = openapiArtifact.generate(contextFor(design));
  const files = Array.isArray(out) ? out : out.files;
  return files.find((f) => f.path === "openapi.yaml")!.contents;
}

/** openapi-typescript's output and a file asserting mutual assignability of every schema. */
async function consistencyFiles(yamlText: string): Promise<{ names: string[]; extra: GeneratedFile[] }> {
  const doc = parse(yamlText) as { components: { schemas: Record<string, unknown> } };
  const theirs = astToString(await openapiTS(doc as never, { defaultNonNullable: false }));
  const names = Object.keys(doc.components.schemas).sort();
  const lines = [
    `import type * as Ours from "./types.ts";`,
    `import type { components } from "./openapi-typescript.ts";`,
    `type Theirs = components["schemas"];`,
    ...names.flatMap((n) => [
      `export const ours${n}: Ours.${n} = null! as Theirs["${n}"];`,
      `export const theirs${n}: Theirs["${n}"] = null! as Ours.${n};`,
    ]),
  ];
  return {
    names,
    extra: [
      { path: "openapi-typescript.ts", contents: theirs },
      { path: "consistency.ts", contents: lines.join("\n") + "\n" },
    ],
  };
}

describe("types.ts ⇄ openapi.yaml (openapi-typescript)", () => {
  const designs: Array<[string, () => Promise<NDesign>]> = [
    ...fixtureNames.map((n): [string, () => Promise<NDesign>] => [`fixture ${n}`, () => loadFixture(n)]),
    [
      "the mini design (json, decimal, bigint, enum arrays, nullable enum refs)",
      async () =>
        normalizeOrThrow(
          miniDesign((d) => {
            d.data.entities[0]!.fields.push({ name: "mood", type: "enum", enum: "Tag", nullable: true });
          }),
        ),
    ],
    ["a generated large design (15 entities)", async () => largeFixture(15)],
  ];
  it.each(designs)(
    "%s: every component schema is mutually assignable with ours",
    async (_name, load) => {
      const design = await load();
      const { names, extra } = await consistencyFiles(await openapiYaml(design));
      expect(names).toEqual(expect.arrayContaining(["ErrorCode", "Problem", "ProblemFieldError"]));
      const { files } = generateTypeScript(design);
      // The same set of schemas: ours are exactly the spec's components, plus the endpoint map.
      const ours = [
        ...files.find((f) => f.path === TYPES_FILE)!.contents.matchAll(/^export (?:interface|type) (\w+)/gm),
      ].map((m) => m[1]!);
      expect(ours.filter((n) => n !== "Endpoints").sort()).toStrictEqual(names);
      expect(typeCheck(files, extra)).toStrictEqual([]);
    },
    180_000,
  );

  it("a disagreement is caught, in both directions, at the line of the schema", async () => {
    const design = await loadFixture("listly");
    const { extra } = await consistencyFiles(await openapiYaml(design));
    const files = generateTypeScript(design).files.map((f) =>
      f.path === TYPES_FILE
        ? {
            ...f,
            contents: f.contents
              .replaceAll("hasMore: boolean;", "hasMore: boolean | null;")
              .replace(/(export interface ItemMove \{[\s\S]*?position: )number;/, "$1string;"),
          }
        : f,
    );
    const found = typeCheck(files, extra);
    const lineOf = (needle: string) => extra[1]!.contents.split("\n").findIndex((l) => l.includes(`${needle}:`)) + 1;
    const paths = new Set(found.map((d) => d.path));
    expect(found.every((d) => d.code === "ts-type-error")).toBe(true);
    // Ours wider than theirs: `hasMore: boolean | null` fails ours → theirs for every page.
    expect(paths.has(`consistency.ts:${lineOf("theirsItemPage")}`)).toBe(true);
    expect(paths.has(`consistency.ts:${lineOf("oursItemPage")}`)).toBe(false);
    // A different type fails both directions.
    expect(paths.has(`consistency.ts:${lineOf("oursItemMove")}`)).toBe(true);
    expect(paths.has(`consistency.ts:${lineOf("theirsItemMove")}`)).toBe(true);
  }, 180_000);
});
