import { describe, it, expect } from "vitest";
import { workerGroups, WORKER_GROUPS } from "../../src/pipeline/check-pool.ts";

describe("which check workers a process starts", () => {
  it("a one-shot build: the engine's thread only (the rest on the main thread, the types in the compiler snapshot process)", () => {
    expect(workerGroups(true)).toStrictEqual([["sql", "evolution"]]);
  });

  it("a process that lives on (watch, library use): every group", () => {
    expect(workerGroups(false)).toStrictEqual(WORKER_GROUPS);
    expect(WORKER_GROUPS.flat().sort()).toStrictEqual(["evolution", "markdown", "mermaid", "sql", "typescript"]);
  });
});
