import { describe, expect, it } from "vitest";
import { repairLoop, type DesignModel, type ModelReply } from "../../src/agent/repair.ts";
import { pipelineCheck } from "../../src/agent/draft.ts";
import type { Diagnostic } from "../../src/design/diagnostics.ts";

const err = (code: string, path: string): Diagnostic => ({
  code,
  severity: "error",
  message: `${code} at ${path}`,
  path,
});
const warn = (code: string, path: string): Diagnostic => ({ code, severity: "warning", message: code, path });

/** A fake model: replies in order; records what each repair was told. */
function scripted(replies: ModelReply[]) {
  const told: Diagnostic[][] = [];
  let i = 0;
  const model: DesignModel = {
    start: async () => replies[i++]!,
    repair: async (errors) => {
      told.push([...errors]);
      return replies[i++]!;
    },
  };
  return { model, told };
}

/** The check: each "design" is the list of diagnostics it should produce. */
const check = async (design: unknown) => design as Diagnostic[];
const answer = (...diags: Diagnostic[]): ModelReply => ({ kind: "design", design: diags });

describe("repairLoop", () => {
  it("accepts a clean first answer in one round", async () => {
    const { model, told } = scripted([answer(warn("unused-definition", "/errors/0"))]);
    const r = await repairLoop(model, check);
    expect(r.outcome).toBe("ok");
    expect(r.rounds).toStrictEqual([{ round: 0, errors: [], fixed: [], introduced: [] }]);
    expect(r.diagnostics.map((d) => d.code)).toStrictEqual(["unused-definition"]);
    expect(told).toStrictEqual([]);
  });

  it("sends the errors back and reports what each round fixed and introduced", async () => {
    const a = err("dangling-reference", "/data/entities/0/indexes/0/fields/1");
    const b = err("schema-violation", "/api/endpoints/2/method");
    const c = err("invalid-default", "/data/entities/1/fields/3/default");
    const { model, told } = scripted([answer(a, b), answer(c), answer()]);
    const r = await repairLoop(model, check, { maxRepairs: 3 });
    expect(r.outcome).toBe("ok");
    expect(told).toStrictEqual([[a, b], [c]]);
    expect(
      r.rounds.map((x) => ({
        round: x.round,
        errors: x.errors.length,
        fixed: x.fixed.map((d) => d.code),
        introduced: x.introduced.map((d) => d.code),
      })),
    ).toStrictEqual([
      { round: 0, errors: 2, fixed: [], introduced: [] },
      { round: 1, errors: 1, fixed: ["dangling-reference", "schema-violation"], introduced: ["invalid-default"] },
      { round: 2, errors: 0, fixed: ["invalid-default"], introduced: [] },
    ]);
  });

  it("stops after maxRepairs with the remaining diagnostics", async () => {
    const a = err("dangling-reference", "/x");
    const { model, told } = scripted([answer(a), answer(a), answer(a)]);
    const r = await repairLoop(model, check, { maxRepairs: 2 });
    expect(r.outcome).toBe("invalid");
    expect(r.rounds).toHaveLength(3);
    expect(told).toHaveLength(2);
    expect(r.diagnostics).toStrictEqual([a]);
  });

  it("maxRepairs 0 checks the first answer only", async () => {
    const { model, told } = scripted([answer(err("x-y", "/"))]);
    expect((await repairLoop(model, check, { maxRepairs: 0 })).outcome).toBe("invalid");
    expect(told).toHaveLength(0);
  });

  it.each(["refusal", "truncated", "timeout", "overloaded", "api-error", "replay-mismatch"] as const)(
    "a %s failure ends the loop as that outcome",
    async (kind) => {
      const { model } = scripted([answer(err("a-b", "/")), { kind: "failed", failure: { kind, message: "m" } }]);
      const r = await repairLoop(model, check);
      expect(r.outcome).toBe(kind);
      expect(r.failure).toStrictEqual({ kind, message: "m" });
      expect(r.rounds).toHaveLength(1);
    },
  );

  it("pipelineCheck reports no-design for an answer without a design, and build diagnostics otherwise", async () => {
    const c = pipelineCheck({ engine: false });
    expect(await c(undefined)).toStrictEqual([
      {
        code: "no-design",
        severity: "error",
        message: "the answer did not call submit_design, so there is no design to check",
        path: "",
      },
    ]);
    const found = await c({ contractor: 1 });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => d.code === "schema-violation")).toBe(true);
  });
});
