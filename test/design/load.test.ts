import { afterAll, describe, expect, it } from "vitest";
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { decodeUtf8, firstInvalidUtf8, loadDesignFile, parseDesignText } from "../../src/design/load.ts";
import { main } from "../../src/cli/main.ts";
import type { Io } from "../../src/cli/io.ts";
import { baseDesign } from "./base.ts";

const temps: string[] = [];
afterAll(async () => {
  for (const dir of temps) {
    await chmod(dir, 0o700).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "contractor-load-"));
  temps.push(dir);
  return dir;
}

const codes = (r: { diagnostics: Array<{ code: string; path: string }> }) =>
  r.diagnostics.map((d) => `${d.code} ${d.path}`);
const nested = (n: number) =>
  "a:\n" + Array.from({ length: n - 1 }, (_, i) => "  ".repeat(i + 1) + `k${i}:`).join("\n") + " 1\n";

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
    expect(parseDesignText(text, "auto", max).diagnostics).toStrictEqual([
      { code: "file-too-large", severity: "error", message, path: "" },
    ]);
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
    expect(parseDesignText(text)).toStrictEqual({
      value: undefined,
      diagnostics: [{ code: "duplicate-key", severity: "error", message, path: "" }],
    });
  });

  it("does not mistake keys inside strings for duplicates or brackets inside strings for nesting", () => {
    const text = JSON.stringify({ a: '"a": 1, "a": 2 }{[[[', b: '\\"', c: { a: 1 } });
    expect(parseDesignText(text).diagnostics).toStrictEqual([]);
    expect(parseDesignText(`{"s": "${"[".repeat(200)}"}`).diagnostics).toStrictEqual([]);
  });

  it("expands a few YAML aliases but refuses an alias bomb", () => {
    expect(parseDesignText("a: &x [1, 2]\nb: *x\nc: *x\n").value).toStrictEqual({ a: [1, 2], b: [1, 2], c: [1, 2] });
    const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i <= 9; i++)
      lines.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(",")}]`,
      );
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
    const fromJson = parseDesignText(
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
    );
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
    const dir = await tempDir();
    await writeFile(join(dir, "d.json"), JSON.stringify(baseDesign()));
    await writeFile(join(dir, "d.yaml"), stringify(baseDesign()));
    expect((await loadDesignFile(join(dir, "d.json"))).value).toStrictEqual(baseDesign());
    expect((await loadDesignFile(join(dir, "d.yaml"))).value).toStrictEqual(baseDesign());
  });

  it("refuses a JSON-named file that is YAML", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "d.json"), "contractor: 1\n");
    expect(codes(await loadDesignFile(join(dir, "d.json")))).toStrictEqual(["parse-error "]);
  });

  it("reports a missing file as file-not-found", async () => {
    const dir = await tempDir();
    expect(await loadDesignFile(join(dir, "nope.yaml"))).toStrictEqual({
      value: undefined,
      diagnostics: [
        {
          code: "file-not-found",
          severity: "error",
          message: `cannot read ${join(dir, "nope.yaml")}: no such file`,
          path: "",
        },
      ],
    });
  });

  it("refuses a file over the size limit before reading it, naming the flag that raises it", async () => {
    const dir = await tempDir();
    const file = join(dir, "big.yaml");
    await writeFile(file, `# ${"x".repeat(3 * 1024)}\ncontractor: 1\n`);
    expect((await loadDesignFile(file, { maxBytes: 2048 })).diagnostics).toStrictEqual([
      {
        code: "file-too-large",
        severity: "error",
        message: `${file} is 3.0 kB; the limit is 2.0 kB (raise it with --max-size)`,
        path: "",
      },
    ]);
    expect((await loadDesignFile(file)).diagnostics).toStrictEqual([]);
  });
});

describe("strict UTF-8", () => {
  const bytes = (...parts: Array<string | number[]>) =>
    Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));

  it.each([
    [
      "a Latin-1 byte",
      bytes("a: 1\nb: caf", [0xe9], "\n"),
      "the file is not valid UTF-8: bad byte sequence E9 0A… at byte 11 (line 2, column 7); save the file as UTF-8",
    ],
    ["a stray continuation byte", bytes("a: ", [0x80]), "bad byte sequence 80… at byte 3 (line 1, column 4)"],
    ["an overlong encoding of /", bytes("é: ", [0xc0, 0xaf]), "bad byte sequence C0 AF… at byte 4 (line 1, column 4)"],
    ["a UTF-8-encoded surrogate", bytes("a: ", [0xed, 0xa0, 0x80]), "at byte 3"],
    ["a code point beyond U+10FFFF", bytes("a: ", [0xf4, 0x90, 0x80, 0x80]), "at byte 3"],
    [
      "a sequence cut short by the end of the file",
      bytes("a: €", [0xe2, 0x82]),
      "bad byte sequence E2 82… at byte 6 (line 1, column 5)",
    ],
  ])("refuses %s with its byte offset, line and column", (_name, input, fragment) => {
    const r = decodeUtf8(input);
    expect("diagnostic" in r && r.diagnostic.code).toBe("invalid-utf8");
    expect("diagnostic" in r && r.diagnostic.message).toContain(fragment);
  });

  it.each([
    [
      "UTF-16LE with a byte-order mark",
      Buffer.from("\ufeffcontractor: 1\n", "utf16le"),
      "UTF-16 (its byte-order mark)",
    ],
    ["UTF-16LE without one", Buffer.from("contractor: 1\n", "utf16le"), "UTF-16 (NUL bytes at the start)"],
    [
      "UTF-16BE with a byte-order mark",
      Buffer.from("\ufeffcontractor: 1\n", "utf16le").swap16(),
      "UTF-16 (its byte-order mark)",
    ],
    ["UTF-32LE with a byte-order mark", Buffer.from([0xff, 0xfe, 0, 0, 0x63, 0, 0, 0]), "UTF-32 (its byte-order mark)"],
    ["UTF-32BE without one", Buffer.from([0, 0, 0, 0x63]), "UTF-32 (NUL bytes at the start)"],
  ])("names %s", (_name, input, fragment) => {
    const r = decodeUtf8(input);
    expect(r).toStrictEqual({
      diagnostic: {
        code: "unsupported-encoding",
        severity: "error",
        message: `the file looks like ${fragment}; save it as UTF-8`,
        path: "",
      },
    });
  });

  it("accepts a UTF-8 byte-order mark and every well-formed sequence length", () => {
    expect(decodeUtf8(bytes([0xef, 0xbb, 0xbf], "a: é € 😀\n"))).toStrictEqual({ text: "a: é € 😀\n" });
  });

  it("finds the first bad byte exactly where the strict decoder fails (random byte strings)", () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) >>> 8;
    const pool = [
      0x41, 0x0a, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xee, 0xef, 0xf0, 0x90, 0xf4, 0x8f, 0xf5,
      0xff,
    ];
    for (let n = 0; n < 3000; n++) {
      const b = Uint8Array.from({ length: 1 + (next() % 10) }, () => pool[next() % pool.length]!);
      const at = firstInvalidUtf8(b);
      const valid = (x: Uint8Array) => {
        try {
          new TextDecoder("utf-8", { fatal: true }).decode(x);
          return true;
        } catch {
          return false;
        }
      };
      expect(valid(b), Buffer.from(b).toString("hex")).toBe(at === b.length);
      expect(valid(b.subarray(0, at)), Buffer.from(b).toString("hex")).toBe(true);
    }
  });

  it("a file with a bad byte is refused through loadDesignFile", async () => {
    const file = join(await tempDir(), "d.yaml");
    await writeFile(file, bytes("contractor: 1\ninfo: ", [0xff], "\n"));
    expect(codes(await loadDesignFile(file))).toStrictEqual(["invalid-utf8 "]);
  });
});

describe("the design path", () => {
  it("a directory, a FIFO and a device are refused without reading them", async () => {
    const dir = await tempDir();
    const fifo = join(dir, "pipe.yaml");
    execFileSync("mkfifo", [fifo]);
    // Reading a FIFO with no writer would block forever; the test would time out instead of failing.
    for (const [path, kind] of [
      [dir, "a directory"],
      [fifo, "a FIFO (named pipe)"],
      ["/dev/zero", "a device"],
    ] as const) {
      expect(await loadDesignFile(path)).toStrictEqual({
        value: undefined,
        diagnostics: [
          { code: "not-a-regular-file", severity: "error", message: `${path} is ${kind}, not a design file`, path: "" },
        ],
      });
    }
  });

  it.each([
    [
      "a symbolic-link loop",
      "file-unreadable",
      "too many levels of symbolic links",
      async (dir: string) => {
        await symlink("loop.yaml", join(dir, "loop.yaml"));
        return join(dir, "loop.yaml");
      },
    ],
    [
      "a file used as a directory",
      "file-not-found",
      "a component of the path is not a directory",
      async (dir: string) => {
        await writeFile(join(dir, "f"), "x");
        return join(dir, "f", "d.yaml");
      },
    ],
    [
      "a path longer than the system allows",
      "file-unreadable",
      "the path is too long",
      async (dir: string) => join(dir, "x".repeat(300) + ".yaml"),
    ],
  ])("reports %s", async (_name, code, message, make) => {
    const path = await make(await tempDir());
    expect((await loadDesignFile(path)).diagnostics).toStrictEqual([
      { code, severity: "error", message: `cannot read ${path}: ${message}`, path: "" },
    ]);
  });

  // Root reads whatever the mode bits say: as root the CLI runs as `nobody` through setpriv
  // (util-linux), so the permission denial is the kernel's, not a simulation.
  const asRoot = process.getuid?.() === 0;
  const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => existsSync(p));
  it.skipIf(asRoot && !setpriv)("reports a file in a directory it may not search as file-unreadable", async () => {
    const dir = await tempDir();
    await chmod(dir, 0o755);
    await mkdir(join(dir, "locked"));
    const file = join(dir, "locked", "d.yaml");
    await writeFile(file, "contractor: 1\n");
    await chmod(join(dir, "locked"), 0o000);
    try {
      if (!asRoot) {
        expect((await loadDesignFile(file)).diagnostics).toStrictEqual([
          { code: "file-unreadable", severity: "error", message: `cannot read ${file}: permission denied`, path: "" },
        ]);
        return;
      }
      const bin = fileURLToPath(new URL("../../bin/contractor.js", import.meta.url));
      const r = spawnSync(
        setpriv!,
        ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, bin, "validate", file],
        { encoding: "utf8", timeout: 20_000 },
      );
      expect(r.status, r.stderr).toBe(1);
      expect(r.stdout).toContain(`${file}#  error  file-unreadable  cannot read ${file}: permission denied`);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    } finally {
      await chmod(join(dir, "locked"), 0o700);
    }
  });
});

describe("design-file failures through the CLI", () => {
  function capture(): Io & { out: string; err: string } {
    const io = {
      out: "",
      err: "",
      color: false,
      stdout: (t: string) => void (io.out += t),
      stderr: (t: string) => void (io.err += t),
    };
    return io;
  }

  it.each([
    ["a directory", "not-a-regular-file", async (dir: string) => dir],
    [
      "a FIFO",
      "not-a-regular-file",
      async (dir: string) => {
        execFileSync("mkfifo", [join(dir, "p.yaml")]);
        return join(dir, "p.yaml");
      },
    ],
    [
      "a file over --max-size",
      "file-too-large",
      async (dir: string) => {
        await writeFile(join(dir, "big.yaml"), stringify(baseDesign()) + `# ${"x".repeat(2048)}\n`);
        return join(dir, "big.yaml");
      },
    ],
    [
      "invalid UTF-8",
      "invalid-utf8",
      async (dir: string) => {
        await writeFile(
          join(dir, "d.yaml"),
          Buffer.concat([Buffer.from("contractor: 1\n# caf"), Buffer.from([0xe9]), Buffer.from("\n")]),
        );
        return join(dir, "d.yaml");
      },
    ],
    [
      "an ESC in a title",
      "control-character",
      async (dir: string) => {
        const d = baseDesign();
        d.info.title = "Shop \u001b]0;pwned\u0007";
        await writeFile(join(dir, "d.yaml"), stringify(d));
        return join(dir, "d.yaml");
      },
    ],
  ])("validate and build: %s exits 1 with the code and no stack trace", async (_name, code, make) => {
    const path = await make(await tempDir());
    const out = join(await tempDir(), "out");
    for (const argv of [
      ["validate", path, "--max-size", "2kb"],
      ["build", path, "--out", out, "--no-engine", "--max-size", "2kb"],
    ]) {
      const io = capture();
      expect(await main(argv, io), `${argv[0]}: ${io.out}${io.err}`).toBe(1);
      const all = `${io.out}${io.err}`;
      expect(all).toContain(`${path}#${code === "control-character" ? "/info/title" : ""}  error  ${code}  `);
      expect(all).not.toMatch(/\n\s+at .+:\d+:\d+/);
      expect(all).not.toMatch(/crashed|contractor bug/i);
    }
  });

  it("validate prints a bidi warning and still exits 0", async () => {
    const d = baseDesign();
    d.errors[0].title = "Widget \u202enot found";
    const path = join(await tempDir(), "d.yaml");
    await writeFile(path, stringify(d));
    const io = capture();
    expect(await main(["validate", path], io)).toBe(0);
    expect(io.out).toContain(
      `${path}#/errors/0/title  warning  bidi-control  the string contains U+202E RIGHT-TO-LEFT OVERRIDE (RLO) (line `,
    );
    expect(io.err).toContain("design is valid (0 error(s), 1 warning(s))");
  });
});
