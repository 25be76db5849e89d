import { describe, it, expect } from "vitest";
import { workerGroups, WORKER_GROUPS } from "../../src/pipeline/check-pool.ts";

describe("which check workers a process starts", () => {
  it("a one-shot build on two cores: the engine's thread only (the compiler and mermaid check on the main thread)", () => {
    expect(workerGroups(true, 2)).toStrictEqual([["sql", "evolution"]]);
    expect(workerGroups(true, 1)).toStrictEqual([["sql", "evolution"]]);
  });

  it("with a core to spare, or a process that lives on (watch, library use): every group", () => {
    expect(workerGroups(true, 3)).toStrictEqual(WORKER_GROUPS);
    expect(workerGroups(false, 2)).toStrictEqual(WORKER_GROUPS);
    expect(WORKER_GROUPS.flat().sort()).toStrictEqual(["evolution", "markdown", "mermaid", "sql", "typescript"]);
  });
});
