/**
 * Every test file runs in exactly one tier: vitest.config.ts refuses to load otherwise. These cases
 * show that check failing on each kind of mistake, and passing on the repository as it is.
 */
import { describe, expect, it } from "vitest";
import { globSync } from "node:fs";
import { ENGINE_TESTS, PROCESS_TESTS, TEST_FILES, UNIT_TESTS, tierProblems } from "../vitest.config.ts";
import { repoRoot } from "./helpers.ts";

describe("test tiers", () => {
  it("every test file of the repository is in exactly one tier, and every pattern matches a file", () => {
    const files = globSync(TEST_FILES, { cwd: repoRoot }).sort();
    expect(files.length).toBeGreaterThan(50);
    expect(tierProblems(files, { unit: UNIT_TESTS, engines: ENGINE_TESTS, processes: PROCESS_TESTS })).toStrictEqual(
      [],
    );
  });

  it.each([
    [
      "a file in no tier",
      ["test/a.test.ts", "test/b.test.ts"],
      { unit: ["test/a.test.ts"] },
      ["test/b.test.ts: in no tier"],
    ],
    [
      "a file in two tiers",
      ["test/x/a.test.ts"],
      { unit: ["test/x/*.test.ts"], engines: ["test/x/a.test.ts"] },
      ["test/x/a.test.ts: in unit and engines"],
    ],
    [
      "a pattern left behind by a renamed file",
      ["test/a.test.ts"],
      { unit: ["test/a.test.ts"], engines: ["test/gone.test.ts"] },
      ["test/gone.test.ts: in engines, matches no test file"],
    ],
    [
      "a pattern one level too shallow",
      ["test/x/a.test.ts"],
      { unit: ["test/*.test.ts"] },
      ["test/*.test.ts: in unit, matches no test file", "test/x/a.test.ts: in no tier"],
    ],
  ])("finds %s", (_name, files, tiers, want) => {
    expect(tierProblems(files, tiers)).toStrictEqual(want);
  });
});
