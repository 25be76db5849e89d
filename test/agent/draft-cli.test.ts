/** `contractor draft` in-process through main(): exit codes, files written or not, the key kept out. */
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { main } from "../../src/cli/main.ts";
import type { Io } from "../../src/cli/io.ts";
import { repoRoot } from "../helpers.ts";
import { scriptedFetch, reply, designCall, errorStep, listlyDesign, TEST_KEY } from "./fake.ts";

function capture() {
  const out = { stdout: "", stderr: "" };
  const io: Io = { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), color: false };
  return { io, out };
}

const brief = join(repoRoot, "fixtures/briefs/listly.md");
const cassette = join(repoRoot, "fixtures/cassettes/listly.json");
const temp = await mkdtemp(join(tmpdir(), "contractor-draft-"));
afterAll(() => rm(temp, { recursive: true, force: true }));
const tmp = () => mkdtemp(join(temp, "case-"));

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

describe("contractor draft", { timeout: 120_000 }, () => {
  it("without ANTHROPIC_API_KEY and without --replay: one line naming the variable, exit 2", async () => {
    vi.stubEnv("ANTHROPIC_API_KEY", "");
    const { io, out } = capture();
    expect(await main(["draft", brief], io)).toBe(2);
    expect(out.stdout).toBe("");
    expect(out.stderr.trim().split("\n")).toHaveLength(1);
    expect(out.stderr).toMatch(/ANTHROPIC_API_KEY is not set .*export ANTHROPIC_API_KEY=/);
  });

  it.each([
    [["--max-repairs", "2.5"], /--max-repairs must be a whole number/],
    [["--timeout", "soon"], /--timeout must be a positive number/],
    [["--record", "a.json", "--replay", "b.json"], /cannot be combined/],
  ])("usage error %j → exit 2", async (args, pattern) => {
    vi.stubEnv("ANTHROPIC_API_KEY", TEST_KEY);
    const { io, out } = capture();
    expect(await main(["draft", brief, ...args], io)).toBe(2);
    expect(out.stderr).toMatch(pattern);
  });

  it("the demo: replay the bundled session offline with no key → design written, build passes", async () => {
    vi.stubEnv("ANTHROPIC_API_KEY", "");
    vi.stubGlobal("fetch", () => Promise.reject(new Error("no network in this test")));
    const dir = await tmp();
    const { io, out } = capture();
    const code = await main(
      [
        "draft",
        brief,
        "--replay",
        cassette,
        "--out",
        join(dir, "listly.yaml"),
        "--build",
        "--build-out",
        join(dir, "out"),
      ],
      io,
    );
    expect(out.stderr).toMatch(/first answer: 2 error\(s\) left/);
    expect(out.stderr).toMatch(/repair 1: fixed 2; no errors — accepted/);
    expect(out.stderr).toMatch(
      /usage: 6 input, 19,772 output, 15,628 cache read, 25,318 cache write tokens over 2 request\(s\); est\. cost \$0\.\d{4}/,
    );
    expect(code).toBe(0);
    expect(parse(await readFile(join(dir, "listly.yaml"), "utf8"))).toStrictEqual(listlyDesign());
    expect(await readdir(join(dir, "out"))).toContain("openapi.yaml");
  });

  it("replaying with a different model is a clear mismatch, exit 4, nothing written", async () => {
    vi.stubEnv("ANTHROPIC_API_KEY", "");
    const dir = await tmp();
    const { io, out } = capture();
    expect(
      await main(
        ["draft", brief, "--replay", cassette, "--model", "claude-opus-5-5", "--out", join(dir, "d.yaml")],
        io,
      ),
    ).toBe(4);
    expect(out.stderr).toMatch(
      /exchange 1 does not match this request: recorded \/v1\/messages model claude-sonnet-5-5 with 1 message\(s\), now \/v1\/messages model claude-opus-5-5/,
    );
    expect(existsSync(join(dir, "d.yaml"))).toBe(false);
  });

  it("repairs exhausted → exit 1, the remaining diagnostics printed, no design written", async () => {
    vi.stubEnv("ANTHROPIC_API_KEY", TEST_KEY);
    const bad = listlyDesign();
    bad.data.entities.find((e: any) => e.name === "Item").indexes[0].fields = ["listId", "sortPosition"];
    const { fetch, requests } = scriptedFetch([reply([designCall(bad)]), reply([designCall(bad)])]);
    vi.stubGlobal("fetch", fetch);
    const dir = await tmp();
    const { io, out } = capture();
    expect(await main(["draft", brief, "--max-repairs", "1", "--no-engine", "--out", join(dir, "d.yaml")], io)).toBe(1);
    expect(requests).toHaveLength(2);
    expect(out.stdout).toMatch(
      /draft#\/data\/entities\/7\/indexes\/0\/fields\/1 {2}error {2}dangling-reference {2}entity Item has no field "sortPosition"/,
    );
    expect(out.stderr).toMatch(
      /repairs exhausted after 2 round\(s\): 1 error\(s\), 0 warning\(s\) remain; no design written/,
    );
    expect(existsSync(join(dir, "d.yaml"))).toBe(false);
  });

  it("--json prints one machine-readable result", async () => {
    vi.stubEnv("ANTHROPIC_API_KEY", "");
    const dir = await tmp();
    const { io, out } = capture();
    expect(
      await main(["draft", brief, "--replay", cassette, "--out", join(dir, "d.yaml"), "--no-engine", "--json"], io),
    ).toBe(0);
    expect(out.stderr).toBe("");
    const result = JSON.parse(out.stdout);
    expect(result).toMatchObject({
      ok: true,
      outcome: "ok",
      exitCode: 0,
      model: "claude-sonnet-5-5",
      out: join(dir, "d.yaml"),
    });
    expect(result.rounds.map((r: any) => [r.errors.length, r.fixed.length])).toStrictEqual([
      [2, 0],
      [0, 2],
    ]);
  });

  it("the API key never appears in output, errors or a recorded cassette", async () => {
    vi.stubEnv("ANTHROPIC_API_KEY", TEST_KEY);
    const { fetch, requests } = scriptedFetch([reply([designCall(listlyDesign())])]);
    vi.stubGlobal("fetch", fetch);
    const dir = await tmp();
    const { io, out } = capture();
    expect(
      await main(["draft", brief, "--no-engine", "--out", join(dir, "d.yaml"), "--record", join(dir, "c.json")], io),
    ).toBe(0);
    // It did travel to the API (SDK 1.12 sends it as a bearer credential)…
    expect(requests[0]!.headers.get("authorization") ?? requests[0]!.headers.get("x-api-key")).toContain(TEST_KEY);
    const recorded = await readFile(join(dir, "c.json"), "utf8");
    expect(JSON.parse(recorded).exchanges).toHaveLength(1);
    // …and nowhere else.
    for (const text of [out.stdout, out.stderr, recorded, await readFile(join(dir, "d.yaml"), "utf8")]) {
      expect(text).not.toContain(TEST_KEY);
      expect(text).not.toMatch(/"(x-api-key|authorization)"\s*:/i);
      expect(text).not.toMatch(/Bearer sk-/);
    }
    // A rejected key: the error names the variable, not the key.
    vi.stubGlobal("fetch", scriptedFetch([errorStep(401, "authentication_error", "invalid x-api-key")]).fetch);
    const second = capture();
    expect(await main(["draft", brief, "--no-engine", "--out", join(dir, "e.yaml")], second.io)).toBe(4);
    expect(second.out.stderr).toMatch(/the API rejected the key \(401 authentication_error\); check ANTHROPIC_API_KEY/);
    expect(second.out.stderr + second.out.stdout).not.toContain(TEST_KEY);
  });

  it("a recorded session replays offline to the same design", async () => {
    vi.stubEnv("ANTHROPIC_API_KEY", TEST_KEY);
    vi.stubGlobal("fetch", scriptedFetch([reply([designCall(listlyDesign())])]).fetch);
    const dir = await tmp();
    expect(
      await main(
        ["draft", brief, "--no-engine", "--out", join(dir, "a.yaml"), "--record", join(dir, "c.json")],
        capture().io,
      ),
    ).toBe(0);
    vi.stubEnv("ANTHROPIC_API_KEY", "");
    vi.stubGlobal("fetch", () => Promise.reject(new Error("offline")));
    expect(
      await main(
        ["draft", brief, "--no-engine", "--out", join(dir, "b.yaml"), "--replay", join(dir, "c.json")],
        capture().io,
      ),
    ).toBe(0);
    expect(await readFile(join(dir, "b.yaml"), "utf8")).toBe(await readFile(join(dir, "a.yaml"), "utf8"));
  });

  it("--from sends the existing design with the brief", async () => {
    vi.stubEnv("ANTHROPIC_API_KEY", TEST_KEY);
    const { fetch, requests } = scriptedFetch([reply([designCall(listlyDesign())])]);
    vi.stubGlobal("fetch", fetch);
    const dir = await tmp();
    expect(
      await main(
        [
          "draft",
          brief,
          "--no-engine",
          "--from",
          join(repoRoot, "fixtures/designs/listly.yaml"),
          "--out",
          join(dir, "d.yaml"),
        ],
        capture().io,
      ),
    ).toBe(0);
    const text = requests[0]!.body.messages[0].content[0].text as string;
    expect(text).toMatch(/^Revise this existing design/);
    expect(text).toContain("<existing-design>\n# yaml-language-server");
  });
});
