/**
 * docs/github-actions.yml and docs/ci.md stay runnable: the workflow is valid YAML with the steps
 * the recipe promises, and every `contractor` command they show exists with the flags it uses.
 * (What those commands do on a packed install is tested by package.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { commands } from "../../src/cli/main.ts";
import { repoRoot } from "../helpers.ts";

const workflow = parse(readFileSync(join(repoRoot, "docs/github-actions.yml"), "utf8")) as {
  on: { pull_request: { paths: string[] } };
  env: Record<string, string>;
  jobs: Record<string, { steps: Array<{ run?: string; uses?: string; with?: Record<string, unknown> }> }>;
};
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
const scripts = [
  ...steps.flatMap((s) => (s.run ? [s.run] : [])),
  ...[...readFileSync(join(repoRoot, "docs/ci.md"), "utf8").matchAll(/```(?:sh|console)\n([\s\S]*?)```/g)].map(
    (m) => m[1]!,
  ),
];

/** Every `contractor <command> …` invocation in the scripts, as its words (quotes and variables kept as written). */
function invocations(): string[][] {
  return scripts.flatMap((script) =>
    [...script.matchAll(/(?:^|\s)contractor ([^\n|>&;]+)/g)].map((m) => m[1]!.replace(/\\$/, "").trim().split(/\s+/)),
  );
}

describe("the CI recipe", () => {
  it("the workflow checks out with history, installs, runs build --check and diff against the base", () => {
    expect(steps.find((s) => s.uses?.startsWith("actions/checkout@"))?.with).toMatchObject({ "fetch-depth": 0 });
    expect(steps.some((s) => s.uses?.startsWith("actions/setup-node@") && Number(s.with?.["node-version"]) >= 22)).toBe(
      true,
    );
    const runs = steps.map((s) => s.run ?? "").join("\n");
    expect(runs).toContain("npm ci");
    expect(runs).toContain('npx --no-install contractor build "$DESIGN" --out "$OUT" --check');
    expect(runs).toMatch(/git show "origin\/\$GITHUB_BASE_REF:\$DESIGN"/);
    expect(runs).toContain('npx --no-install contractor diff "$RUNNER_TEMP/base-design.yaml" "$DESIGN"');
    expect(workflow.on.pull_request.paths).toContain(workflow.env["DESIGN"]);
  });

  it("every contractor command shown exists, with the flags it is given", () => {
    const seen = invocations();
    expect(seen.length).toBeGreaterThanOrEqual(5);
    for (const [name, ...args] of seen) {
      const command = commands.find((c) => c.name === name);
      expect(command, `contractor ${name}`).toBeDefined();
      for (const flag of args.filter((a) => a.startsWith("--"))) {
        const option = flag.slice(2).replace(/^no-/, "");
        expect(Object.keys(command!.options), `contractor ${name} ${flag}`).toContain(option);
      }
    }
  });
});
