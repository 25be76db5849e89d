import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { snapshotFile } from "../../generators/typescript/check-process.ts";
import { fixturePath, repoRoot } from "../helpers.ts";

/** `contractor build` of listly as a user runs it (the binary, its shebang's flag), in a given temp dir. */
function build(tmp: string, out: string) {
  const r = spawnSync(
    process.execPath,
    ["--liftoff-only", join(repoRoot, "bin/contractor.js"), "build", fixturePath("listly"), "--out", out],
    {
      encoding: "utf8",
      env: { ...process.env, TMPDIR: tmp, NO_COLOR: "1" },
      timeout: 280_000,
    },
  );
  return { code: r.status, stderr: r.stderr };
}

/** The name this installation's compiler snapshot has in `tmp`. */
function snapshotIn(tmp: string): string {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    return basename(snapshotFile());
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

const compilerSnapshots = (tmp: string) => readdirSync(tmp).filter((f) => f.startsWith("contractor-tsc-"));

describe("one-shot builds and the compiler snapshot", () => {
  it("builds in a new temp dir and again check the types alike, write the same files, and leave one snapshot at most, an older one of the installation pruned", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "contractor-e2e-tsc-"));
    try {
      // A snapshot of this installation for another Node or compiler version, left from before.
      const current = snapshotIn(tmp);
      const stale = `${current.slice(0, "contractor-tsc-".length + 8)}ffffffff.blob`;
      expect(stale).not.toBe(current);
      await writeFile(join(tmp, stale), "an older snapshot");

      const first = build(tmp, join(tmp, "out1"));
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/check typescript .*tsc strict: 2 files, 0 diagnostics/);
      // A snapshot may be under construction in the background (a one-shot build with check threads): let it finish.
      for (let i = 0; i < 480 && compilerSnapshots(tmp).some((f) => f.endsWith(".lock")); i++) await sleep(250);

      const second = build(tmp, join(tmp, "out2"));
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toMatch(/check typescript .*tsc strict: 2 files, 0 diagnostics/);
      for (const f of ["types.ts", "client.ts", "openapi.yaml"])
        expect(await readFile(join(tmp, "out2", f), "utf8")).toBe(await readFile(join(tmp, "out1", f), "utf8"));
      for (let i = 0; i < 480 && compilerSnapshots(tmp).some((f) => f.endsWith(".lock")); i++) await sleep(250);

      const left = compilerSnapshots(tmp);
      expect(left.filter((f) => !f.endsWith(".blob"))).toStrictEqual([]);
      expect(left.length).toBeLessThanOrEqual(1);
      if (left.includes(current)) expect(left).toStrictEqual([current]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }, 900_000);
});
