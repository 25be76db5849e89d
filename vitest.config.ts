/**
 * Three tiers, run together by `npm test`:
 * - `unit` (`npm run test:unit`, the edit loop): pure generators, design rules and semantic cases,
 *   code tables, CLI parsing. No PGlite or PostgreSQL, no TypeScript compile of a project, no
 *   Chromium, no property runs with the engine, no fleet of child processes.
 * - `engines`: real consumers run in the test's own process (PGlite, a PostgreSQL server, tsc,
 *   swagger-parser, mermaid's parser) and the property runs.
 * - `processes`: tests that start their own fleets — the real CLI as child processes with its
 *   worker pool, Chromium, `npm pack` and installs, the compiler snapshot process.
 * The first two are single-threaded per file, so one file per CPU runs at once; `processes` files use several cores each and run one at a time, after the
 * others, so they neither starve nor are starved (`sequence.groupOrder`). `npm run test:engines`
 * runs both engine tiers.
 * Every test file is listed in exactly one tier; loading this config fails otherwise, so a new test
 * file is classified when it is added.
 */
import { globSync } from "node:fs";
import { availableParallelism } from "node:os";
import { matchesGlob } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export const TEST_FILES = "test/**/*.test.ts";

export const UNIT_TESTS: readonly string[] = [
  "test/architecture.test.ts",
  "test/tiers.test.ts",
  "test/agent/repair.test.ts",
  "test/agent/schema.test.ts",
  "test/cli/commands/*.test.ts",
  "test/cli/main-fs-errors.test.ts",
  "test/cli/watch.test.ts",
  "test/design/hygiene.test.ts",
  "test/design/names.test.ts",
  "test/design/normalize.test.ts",
  "test/design/resolve.test.ts",
  "test/design/schema.test.ts",
  "test/design/semantics.test.ts",
  "test/design/validate.test.ts",
  "test/design/validator-code.test.ts",
  "test/e2e/ci-recipe.test.ts",
  "test/generators/evolution/api-diff.test.ts",
  "test/generators/evolution/codes.test.ts",
  "test/generators/evolution/lint.test.ts",
  "test/generators/markdown/document.test.ts",
  "test/generators/migrations/codes.test.ts",
  "test/generators/migrations/history.test.ts",
  "test/generators/migrations/ident.test.ts",
  "test/generators/migrations/next-plan.test.ts",
  "test/generators/migrations/parse-check.test.ts",
  "test/generators/migrations/schema-diff.test.ts",
  "test/generators/migrations/sqltext.test.ts",
  "test/generators/migrations/statements.test.ts",
  "test/generators/model.test.ts",
  "test/generators/openapi/lint.test.ts",
  "test/generators/typescript/check-process-prune.test.ts",
  "test/generators/typescript/doc-text.test.ts",
  "test/pipeline/diff.test.ts",
];

export const ENGINE_TESTS: readonly string[] = [
  "test/agent/claude.test.ts",
  "test/agent/draft-cli.test.ts",
  "test/design/load.test.ts",
  "test/diagnostics/registry.test.ts",
  "test/fixtures/invalid.test.ts",
  "test/import/*.test.ts",
  "test/generators/evolution/series-server.test.ts",
  "test/generators/evolution/series.test.ts",
  "test/generators/html/page.test.ts",
  "test/generators/markdown/markdown.test.ts",
  "test/generators/mermaid/index.test.ts",
  "test/generators/migrations/chain.test.ts",
  "test/generators/migrations/derive.test.ts",
  "test/generators/migrations/design-file.test.ts",
  "test/generators/migrations/index.test.ts",
  "test/generators/migrations/pglite-cache.test.ts",
  "test/generators/migrations/release.test.ts",
  "test/generators/migrations/rollback-rows.test.ts",
  "test/generators/migrations/round-trip.test.ts",
  "test/generators/migrations/seed.test.ts",
  "test/generators/migrations/throwaway.test.ts",
  "test/generators/openapi/index.test.ts",
  "test/generators/openapi/swagger-parser.test.ts",
  "test/generators/typescript/client-runtime.test.ts",
  "test/generators/typescript/consistency.test.ts",
  "test/generators/typescript/emit-client.test.ts",
  "test/generators/typescript/index.test.ts",
  "test/pipeline/build.test.ts",
  "test/pipeline/write-fault.test.ts",
  "test/pipeline/write.test.ts",
  "test/property/*.test.ts",
  "test/scripts/*.test.ts",
];

export const PROCESS_TESTS: readonly string[] = [
  "test/e2e/cli.test.ts",
  "test/e2e/compiler-snapshot.test.ts",
  "test/e2e/crash-write.test.ts",
  "test/e2e/database-url-signals.test.ts",
  "test/e2e/hostile-input.test.ts",
  "test/e2e/hostile-page.test.ts",
  "test/e2e/out-dir-errors.test.ts",
  "test/e2e/out-fresh.test.ts",
  "test/e2e/package.test.ts",
  "test/e2e/readme.test.ts",
  "test/e2e/watch.test.ts",
  "test/generators/html/browser.test.ts",
  "test/generators/mermaid/render.test.ts",
  "test/generators/typescript/check-process.test.ts",
  "test/pipeline/check-pool.test.ts",
  "test/pipeline/early-checks.test.ts",
];

/**
 * What is wrong with the tiers: each test file that no tier lists or that two list, and each
 * pattern that matches no test file (a renamed or deleted file left behind).
 */
export function tierProblems(files: readonly string[], tiers: Readonly<Record<string, readonly string[]>>): string[] {
  const problems: string[] = [];
  for (const [name, patterns] of Object.entries(tiers))
    for (const pattern of patterns)
      if (!files.some((f) => matchesGlob(f, pattern))) problems.push(`${pattern}: in ${name}, matches no test file`);
  for (const file of files) {
    const owners = Object.keys(tiers).filter((name) => tiers[name]!.some((pattern) => matchesGlob(file, pattern)));
    if (owners.length === 0) problems.push(`${file}: in no tier`);
    if (owners.length > 1) problems.push(`${file}: in ${owners.join(" and ")}`);
  }
  return problems;
}

const testFiles = globSync(TEST_FILES, { cwd: fileURLToPath(new URL(".", import.meta.url)) }).sort();
const problems = tierProblems(testFiles, { unit: UNIT_TESTS, engines: ENGINE_TESTS, processes: PROCESS_TESTS });
if (problems.length > 0)
  throw new Error(
    `vitest.config.ts: list every test file in exactly one tier (UNIT_TESTS, ENGINE_TESTS or PROCESS_TESTS):\n  ${problems.join("\n  ")}`,
  );

/** Files whose work stays on one thread: one per CPU at a time, before the `processes` tier. */
const IN_PROCESS = { maxWorkers: availableParallelism(), sequence: { groupOrder: 0 } } as const;

export default defineConfig({
  test: {
    // Engine round trips, browsers and the compiler are real, so single tests can take seconds.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    projects: [
      { extends: true, test: { name: "unit", include: [...UNIT_TESTS], ...IN_PROCESS } },
      { extends: true, test: { name: "engines", include: [...ENGINE_TESTS], ...IN_PROCESS } },
      {
        extends: true,
        test: { name: "processes", include: [...PROCESS_TESTS], maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
