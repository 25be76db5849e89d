import { describe, expect, it } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadDesignFile, parseDesignText } from "../../src/design/load.ts";
import { baseDesign } from "./base.ts";

const codes = (r: { diagnostics: Array<{ code: string; path: string }> }) => r.diagnostics.map((d) => `${d.code} ${d.path}`);
const nested = (n: number) => "a:\n" + Array.from({ length: n - 1 }, (_, i) => "  ".repeat(i + 1) + `k${i}:`).join("\n") + " 1\n";

describe("parseDesignText", () => {
  it("reads JSON and YAML into the same value", () => {
    const d = baseDesign();
    const fromJson = parseDesignText(JSON.stringify(d));
    const fromYaml = parseDesignText(stringify(d));
    expect(fromJson.diagnostics).toStrictEqual([]);
    expect(fromYaml.diagnostics).toStrictEqual([]);
    expect(fromJson.value).toStrictEqual(d);
    expect(fromYaml.value).toStrictEqual(d);
  });

  it.each([
    ["JSON", '\uFEFF{"contractor": 1}'],
    ["YAML", "\uFEFFcontractor: 1\n"],
  ])("ignores a byte-order mark (%s)", (_kind, text) => {
    expect(parseDesignText(text)).toStrictEqual({ value: { contractor: 1 }, diagnostics: [] });
  });

  it.each([
    ["text over the limit", "x".repeat(2000), 1024, "the design is larger than 1.0 kB"],
    ["multi-byte characters count as bytes", "é".repeat(600), 1024, "the design is larger than 1.0 kB"],
  ])("refuses %s", (_name, text, max, message) => {
    expect(parseDesignText(text, "auto", max).diagnostics).toStrictEqual([{ code: "file-too-large", severity: "error", message, path: "" }]);
  });

  it.each([
    ["JSON trailing comma", '{"a": 1,}', "invalid JSON: Expected double-quoted property name (line 1, column 9)"],
    ["JSON error on a later line", '{\n  "a": 1\n  "b": 2\n}', "(line 3, column 3)"],
    ["YAML bad indentation", "a: 1\n b: 2\n", "invalid YAML (line 1, column 4)"],
    ["YAML unclosed flow mapping", "a: { b: 1\nc: 2\n", "invalid YAML (line"],
  ])("reports %s as parse-error with line and column", (_name, text, fragment) => {
    const r = parseDesignText(text);
    expect(r.value).toBeUndefined();
    expect(codes(r)[0]).toBe("parse-error ");
    expect(r.diagnostics[0]!.message).toContain(fragment);
  });

  it.each([
    ["JSON", '{\n"a": 1,\n"b": {"c": 2,\n "c": 3}}', 'duplicate key "c" at line 4'],
    ["YAML", "a: 1\nb:\n  c: 2\n  c: 3\n", "duplicate key (line 4, column 3): Map keys must be unique"],
  ])("reports a duplicate key in %s with its line", (_kind, text, message) => {
    expect(parseDesignText(text)).toStrictEqual({ value: undefined, diagnostics: [{ code: "duplicate-key", severity: "error", message, path: "" }] });
  });

  it("does not mistake keys inside strings for duplicates or brackets inside strings for nesting", () => {
    const text = JSON.stringify({ a: '"a": 1, "a": 2 }{[[[', b: "\\\"", c: { a: 1 } });
    expect(parseDesignText(text).diagnostics).toStrictEqual([]);
    expect(parseDesignText(`{"s": "${"[".repeat(200)}"}`).diagnostics).toStrictEqual([]);
  });

  it("expands a few YAML aliases but refuses an alias bomb", () => {
    expect(parseDesignText("a: &x [1, 2]\nb: *x\nc: *x\n").value).toStrictEqual({ a: [1, 2], b: [1, 2], c: [1, 2] });
    const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i <= 9; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(",")}]`);
    expect(codes(parseDesignText(lines.join("\n")))).toStrictEqual(["yaml-alias-limit "]);
  });

  it.each([
    ["JSON", 64, (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`, []],
    ["JSON", 65, (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`, ["too-deep "]],
    ["YAML", 64, nested, []],
    ["YAML", 65, nested, ["too-deep "]],
    ["YAML flow", 65, (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`, ["too-deep "]],
  ])("%s nested %i levels", (_kind, n, text, want) => {
    expect(codes(parseDesignText(text(n), _kind === "YAML flow" ? "yaml" : "auto"))).toStrictEqual(want);
  });

  it("keeps __proto__ and constructor as ordinary own keys and never touches Object.prototype", () => {
    const fromJson = parseDesignText('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
    const fromYaml = parseDesignText("__proto__:\n  polluted: true\nconstructor:\n  prototype:\n    polluted: true\n");
    for (const r of [fromJson, fromYaml]) {
      expect(r.diagnostics).toStrictEqual([]);
      const v = r.value as Record<string, unknown>;
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      expect(Object.keys(v)).toStrictEqual(["__proto__", "constructor"]);
      expect(Object.getOwnPropertyDescriptor(v, "__proto__")?.value).toStrictEqual({ polluted: true });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("loadDesignFile", () => {
  it("reads a file, choosing JSON by extension", async () => {
    const dir = await mkdtemp(join(tmpdir(), "contractor-load-"));
    await writeFile(join(dir, "d.json"), JSON.stringify(baseDesign()));
    await writeFile(join(dir, "d.yaml"), stringify(baseDesign()));
    expect((await loadDesignFile(join(dir, "d.json"))).value).toStrictEqual(baseDesign());
    expect((await loadDesignFile(join(dir, "d.yaml"))).value).toStrictEqual(baseDesign());
  });

  it("refuses a JSON-named file that is YAML", async () => {
    const dir = await mkdtemp(join(tmpdir(), "contractor-load-"));
    await writeFile(join(dir, "d.json"), "contractor: 1\n");
    expect(codes(await loadDesignFile(join(dir, "d.json")))).toStrictEqual(["parse-error "]);
  });

  it("reports a missing file as file-not-found", async () => {
    const dir = await mkdtemp(join(tmpdir(), "contractor-load-"));
    expect(await loadDesignFile(join(dir, "nope.yaml"))).toStrictEqual({
      value: undefined,
      diagnostics: [{ code: "file-not-found", severity: "error", message: `cannot read ${join(dir, "nope.yaml")}: no such file`, path: "" }],
    });
  });

  it("refuses a file over the size limit before reading it, naming the flag that raises it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "contractor-load-"));
    const file = join(dir, "big.yaml");
    await writeFile(file, `# ${"x".repeat(3 * 1024)}\ncontractor: 1\n`);
    expect((await loadDesignFile(file, { maxBytes: 2048 })).diagnostics).toStrictEqual([
      { code: "file-too-large", severity: "error", message: `${file} is 3.0 kB; the limit is 2.0 kB (raise it with --max-size)`, path: "" },
    ]);
    expect((await loadDesignFile(file)).diagnostics).toStrictEqual([]);
  });
});
