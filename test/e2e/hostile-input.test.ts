import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../helpers.ts";

function contractor(args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, "bin/contractor.js"), ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const temp = await mkdtemp(join(tmpdir(), "contractor-big-"));
afterAll(() => rm(temp, { recursive: true, force: true }));

describe("hostile inputs at the door", () => {
  it("a 50 MB design is refused by size before it is read, with a clear message", async () => {
    const dir = await mkdtemp(join(temp, "yaml-"));
    const file = join(dir, "huge.yaml");
    await writeFile(file, "# " + "x".repeat(50 * 1024 * 1024) + "\ncontractor: 1\n");
    const r = contractor(["build", file, "--out", join(dir, "out"), "--json"]);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.diagnostics).toStrictEqual([
      {
        code: "file-too-large",
        severity: "error",
        message: expect.stringMatching(/is 50\.0 MB; the limit is 5\.0 MB \(raise it with --max-size\)/),
        path: "",
      },
    ]);
    expect(await readdir(dir)).toStrictEqual(["huge.yaml"]);
  });

  it("with the limit raised, a 50 MB JSON document is parsed and rejected by the schema, not by a crash", async () => {
    const dir = await mkdtemp(join(temp, "json-"));
    const file = join(dir, "huge.json");
    const filler = Array.from({ length: 500_000 }, (_, i) => `entry-${i}-${"y".repeat(80)}`);
    await writeFile(
      file,
      JSON.stringify({ contractor: 1, info: { name: "big", title: "Big", version: "1.0.0" }, filler }),
    );
    const r = contractor(["validate", file, "--max-size", "60MB", "--json"]);
    expect(r.code).toBe(1);
    const codes = JSON.parse(r.stdout).diagnostics.map((d: { code: string; path: string }) => `${d.code} ${d.path}`);
    expect(codes).toContain("schema-violation /filler");
  });
});
