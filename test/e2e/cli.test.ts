import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath, repoRoot } from "../helpers.ts";

const temp = await mkdtemp(join(tmpdir(), "contractor-cli-"));
afterAll(() => rm(temp, { recursive: true, force: true }));

/** Runs the real binary with this process's Node (24), as a user would through npx. */
function contractor(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(repoRoot, "bin/contractor.js"), ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("contractor CLI", () => {
  it.each([
    ["--help", ["--help"], 0, /Usage: contractor <command>/],
    ["no arguments is a usage error", [], 2, /Usage: contractor <command>/],
    ["unknown command", ["frobnicate"], 2, /unknown command "frobnicate"/],
    ["unknown flag", ["build", fixturePath("listly"), "--frob"], 2, /Unknown option '--frob'/],
    ["missing design", ["build"], 2, /missing design/],
    [
      "bad migrations format",
      ["build", fixturePath("listly"), "--migrations-format", "liquibase"],
      2,
      /--migrations-format must be one of/,
    ],
    [
      "bad database url",
      ["build", fixturePath("listly"), "--database-url", "mysql://x"],
      2,
      /--database-url must start with postgres/,
    ],
    ["bad size", ["validate", fixturePath("listly"), "--max-size", "lots"], 2, /--max-size: cannot read "lots"/],
    ["command help", ["build", "--help"], 0, /--migrations-format <format>/],
    [
      "watch with check",
      ["build", fixturePath("listly"), "--watch", "--check"],
      2,
      /--watch and --check do not go together/,
    ],
  ])("%s", (_name, args, code, pattern) => {
    const r = contractor(args);
    expect(r.code).toBe(code);
    expect(r.stdout + r.stderr).toMatch(pattern);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it("--version prints the package version", () => {
    const r = contractor(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("validate accepts the bundled example and prints one progress line per step", () => {
    const r = contractor(["validate", fixturePath("listly")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/load\s+[\d.]+ ms/);
    expect(r.stderr).toMatch(/validate\s+[\d.]+ ms/);
    expect(r.stderr).not.toMatch(/\u001b\[/);
  });

  it("validate prints each diagnostic on one line with a JSON pointer, and exits 1", async () => {
    const file = join(temp, "bad.yaml");
    await writeFile(file, "contractor: 1\ninfo: { name: Bad Name, title: x, version: 1.0.0 }\n");
    const r = contractor(["validate", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}#/info/name  error  schema-violation  "Bad Name" does not match the pattern`);
    expect(r.stdout).toContain(`${file}#  error  schema-violation  missing required property "api"`);
  });

  it("--json prints a machine-readable result and no progress", () => {
    const r = contractor(["validate", fixturePath("listly"), "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
    expect(r.stderr).toBe("");
  });

  it("a missing file is a diagnostic, not a crash", () => {
    const r = contractor(["build", "/nonexistent/design.yaml", "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).diagnostics[0]).toMatchObject({ code: "file-not-found", severity: "error" });
  });
});
