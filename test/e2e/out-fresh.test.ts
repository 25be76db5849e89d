import { expect, it } from "vitest";
import { build } from "../../src/pipeline/build.ts";
import { fixturePath, repoRoot } from "../helpers.ts";

it("out/ is the current build of the bundled example (run npm start after changing a generator)", async () => {
  const r = await build({ file: fixturePath("listly") }, { out: `${repoRoot}out`, check: true });
  expect(r.stale).toStrictEqual([]);
  expect(r.ok).toBe(true);
});
