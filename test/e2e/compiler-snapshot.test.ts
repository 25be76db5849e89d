import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fixturePath, repoRoot } from "../helpers.ts";

/** `contractor build` of listly as a user runs it (the binary, its shebang's flag), in a given temp dir. */
function build(tmp: string, out: string) {
  const r = spawnSync(
    process.execPath,
    ["--liftoff-only", join(repoRoot, "bin/contractor.js"), "build", fixturePath("listly"), "--out", out],
    {
      encoding: "utf8",
      env: { ...process.env, TMPDIR: tmp, NO_COLOR: "1" },
      timeout: 120_000,
    },
  );
  return { code: r.status, stderr: r.stderr };
}

describe("one-shot builds and the compiler snapshot", () => {
  it("the first build in a new temp dir checks in process and leaves a snapshot built behind it; the next checks in the snapshot process, with the same files", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "contractor-e2e-tsc-"));
    try {
      const first = build(tmp, join(tmp, "out1"));
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/check typescript .*tsc strict: 2 files, 0 diagnostics\n/);
      let blob: string | undefined;
      for (let i = 0; i < 120 && !blob; i++) {
        blob = readdirSync(tmp).find((f) => /^contractor-tsc-[0-9a-f]{16}\.blob$/.test(f));
        if (!blob) await sleep(250);
      }
      expect(blob).toBeDefined();

      const second = build(tmp, join(tmp, "out2"));
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toMatch(
        /check typescript .*tsc strict: 2 files, 0 diagnostics \(compiler snapshot process\)/,
      );
      for (const f of ["types.ts", "client.ts", "openapi.yaml"])
        expect(await readFile(join(tmp, "out2", f), "utf8")).toBe(await readFile(join(tmp, "out1", f), "utf8"));
      expect(existsSync(join(tmp, blob!))).toBe(true);
      expect(readdirSync(tmp).filter((f) => f.includes(".blob."))).toStrictEqual([]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }, 180_000);
});
