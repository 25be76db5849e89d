/**
 * The migrations of a build are derived once: for a changed design, a whole build (every default
 * artifact, DESIGN.md and the page included, checks on the engine) plans the next migration once
 * and diffs the schemas once. Counted with spies on the planner and the schema diff; the checks
 * run in process (CONTRACTOR_WORKERS=0) so the spies see them too.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../../src/pipeline/build.ts";
import { resolveOptions } from "../../../src/pipeline/build.ts";
import { planChange, planNextMigration } from "../../../generators/migrations/next-plan.ts";
import { diffSchemas } from "../../../generators/migrations/schema-diff.ts";
import { deriveMigrations } from "../../../generators/migrations/derive.ts";
import { sqlArtifact } from "../../../generators/migrations/index.ts";
import { evolutionArtifact, evolutionReport } from "../../../generators/evolution/index.ts";
import { compareDesigns } from "../../../generators/evolution/report.ts";
import { readPrevious } from "../../../src/pipeline/write.ts";
import { repoRoot } from "../../helpers.ts";
import { series } from "../evolution/mini.ts";

vi.mock("../../../generators/migrations/next-plan.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../../generators/migrations/next-plan.ts")>();
  return { ...real, planChange: vi.fn(real.planChange), planNextMigration: vi.fn(real.planNextMigration) };
});
vi.mock("../../../generators/migrations/schema-diff.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../../generators/migrations/schema-diff.ts")>();
  return { ...real, diffSchemas: vi.fn(real.diffSchemas) };
});

const fixture = (v: string) => `${repoRoot}fixtures/evolution/listly-${v}.yaml`;
let root: string;
let out: string;

beforeAll(async () => {
  vi.stubEnv("CONTRACTOR_WORKERS", "0");
  root = await mkdtemp(join(tmpdir(), "contractor-derive-"));
  out = join(root, "out");
  const v1 = await build(
    { file: fixture("v1") },
    { out, release: true, engine: false, artifacts: [sqlArtifact, evolutionArtifact] },
  );
  expect(v1.ok).toBe(true);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(root, { recursive: true, force: true });
});

describe("a build of a changed design", () => {
  it("plans the next migration once and diffs the schemas once, the checks included", {
    timeout: 300_000,
  }, async () => {
    const plans = vi.mocked(planChange);
    const nextPlans = vi.mocked(planNextMigration);
    const diffs = vi.mocked(diffSchemas);
    plans.mockClear();
    nextPlans.mockClear();
    diffs.mockClear();
    const steps: string[] = [];
    const r = await build({ file: fixture("v2") }, { out, onStep: (s) => steps.push(s.step) });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toStrictEqual([]);
    // The build did generate DESIGN.md and the page and ran the SQL check (which proves nothing planned there).
    expect(steps).toEqual(expect.arrayContaining(["generate markdown", "generate html", "check sql"]));
    expect(r.files.map((f) => f.path)).toContain("migrations/0002_create_reminders_rename_items_note_and_more.up.sql");
    expect(plans).toHaveBeenCalledTimes(1);
    expect(nextPlans).not.toHaveBeenCalled();
    expect(diffs).toHaveBeenCalledTimes(1);
  });
});

describe("deriveMigrations", () => {
  it("gives the SQL artifact, the evolution report and DESIGN.md the same planned migration", async () => {
    const previous = await readPrevious(out);
    const ctx = {
      design: await series("v2"),
      options: resolveOptions({}),
      ...(previous ? { previous } : {}),
    };
    const m = deriveMigrations(ctx);
    expect(m.next?.name).toBe("0002_create_reminders_rename_items_note_and_more");
    for (const f of m.next!.files) expect(m.files).toContainEqual(f);
    expect(m.newest).toMatchObject({ version: 2, name: m.next!.name, rollback: m.next!.rollback });
    expect(m.newest!.up.path).toBe("migrations/0002_create_reminders_rename_items_note_and_more.up.sql");
    // The report from the derived change equals the one `contractor diff` computes from the two designs.
    const report = evolutionReport(m, ctx.options)!;
    const direct = compareDesigns(await series("v1"), ctx.design, { allowDestructive: false });
    expect({ ...report, migration: undefined }).toStrictEqual({ ...direct, migration: undefined });
    expect(report.migration?.name).toBe(m.next!.name);
  });
});
