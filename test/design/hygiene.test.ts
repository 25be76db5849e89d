import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseDesignText } from "../../src/design/load.ts";
import { describeChar, escapeText, lineColumn } from "../../src/design/hygiene.ts";
import { validate } from "../../src/pipeline/build.ts";
import { baseDesign } from "./base.ts";

type Want = Array<{ code: string; severity: string; path: string; message: string }>;
const found = (text: string) =>
  parseDesignText(text).diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    path: d.path,
    message: d.message,
  }));
/** The diagnostics, each message reduced to the part `want` pins: every wanted fragment must occur in its message. */
const check = (text: string, want: Want) => {
  const got = found(text);
  expect(got.map(({ code, severity, path }) => ({ code, severity, path }))).toStrictEqual(
    want.map(({ code, severity, path }) => ({ code, severity, path })),
  );
  got.forEach((d, i) => expect(d.message).toContain(want[i]!.message));
};
const error = (code: string, path: string, message: string) => ({ code, severity: "error", path, message });
const warning = (code: string, path: string, message: string) => ({ code, severity: "warning", path, message });

describe("control characters", () => {
  it.each<[string, { given: string; want: Want }]>([
    [
      "raw ESC in a YAML value",
      {
        given: "a: x\u001by\n",
        want: [
          error("control-character", "/a", "the string contains the control character U+001B ESC (line 1, column 5)"),
        ],
      },
    ],
    [
      "ESC written as a YAML escape points at the string",
      { given: 'a:\n  b: "x\\ey"\n', want: [error("control-character", "/a/b", "U+001B ESC (line 2, column 6)")] },
    ],
    [
      "BEL in a key: the pointer stops above the key, the message shows it escaped",
      {
        given: 'ok: 1\nm:\n  k\u0007: "\\e"\n',
        want: [
          error(
            "control-character",
            "/m",
            'the key "k\\u{7}" contains the control character U+0007 BEL (line 3, column 4)',
          ),
          error("control-character", "/m", "the string contains the control character U+001B ESC (line 3, column 7)"),
        ],
      },
    ],
    [
      "NUL in a list item",
      {
        given: 'a:\n  - fine\n  - "x\\0"\n',
        want: [error("control-character", "/a/1", "U+0000 NUL (line 3, column 5)")],
      },
    ],
    ["DEL", { given: "a: x\u007f\n", want: [error("control-character", "/a", "U+007F DEL")] }],
    ["C1 NEL", { given: "a: x\u0085y\n", want: [error("control-character", "/a", "U+0085 NEL")] }],
    ["C1 CSI", { given: "a: x\u009b2J\n", want: [error("control-character", "/a", "U+009B CSI")] }],
    [
      "CR escaped in a value",
      { given: 'a: "x\\ry"\n', want: [error("control-character", "/a", "U+000D CR (line 1, column 4)")] },
    ],
    ["a lone raw CR", { given: "a: x\ry\n", want: [error("control-character", "/a", "U+000D CR (line 1, column 5)")] }],
    [
      "a key with / and ~ escapes in the pointer",
      { given: 'a/b~c: "\\e"\n', want: [error("control-character", "/a~1b~0c", "U+001B ESC")] },
    ],
    [
      "raw ESC in a comment",
      {
        given: "a: 1 # \u001b[2J\n",
        want: [error("control-character", "", "outside any string value (line 1, column 8)")],
      },
    ],
    [
      "VT on a line of its own, which YAML also refuses",
      {
        given: "a: 1\n\u000b\n",
        want: [
          error("control-character", "", "U+000B VT outside any string value (line 2, column 1)"),
          error("parse-error", "", "invalid YAML"),
        ],
      },
    ],
    [
      "ESC escaped in JSON",
      {
        given: '{"a": ["ok", "x\\u001by"]}',
        want: [error("control-character", "/a/1", "U+001B ESC (line 1, column 14)")],
      },
    ],
    [
      "raw DEL in a JSON string",
      { given: '{\n  "a": "x\u007f"\n}', want: [error("control-character", "/a", "U+007F DEL (line 2, column 10)")] },
    ],
    [
      "raw ESC in JSON, which JSON itself refuses",
      {
        given: '{"a": "x\u001b"}',
        want: [
          error("control-character", "", "U+001B ESC outside any string value (line 1, column 9)"),
          error("parse-error", "", "invalid JSON"),
        ],
      },
    ],
    [
      "each distinct character once per string, in every string",
      {
        given: 'a: "\\e\\e\\a"\nb: "\\e"\n',
        want: [
          error("control-character", "/a", "U+001B ESC"),
          error("control-character", "/a", "U+0007 BEL"),
          error("control-character", "/b", "U+001B ESC"),
        ],
      },
    ],
  ])("%s", (_name, { given, want }) => check(given, want));

  it("withholds the value when there is an error", () => {
    expect(parseDesignText("a: x\u001b\n").value).toBeUndefined();
  });

  it.each([
    ["tab and newline in values", 'a: "x\\ty\\nz"\nb: |\n  two\n  lines\n'],
    ["CRLF line endings, block scalars included", 'a: 1\r\nb: |\r\n  l1\r\n  l2\r\nc: "q\r\n  r"\r\n'],
    ["JSON with CRLF line endings", '{\r\n  "a": "x"\r\n}\r\n'],
    ["bidi marks (LRM, RLM, ALM) in right-to-left text", 'a: "\u05e9\u05dc\u05d5\u05dd \u200f(1)\u200e \u061c"\n'],
    ["emoji and other astral characters", 'a: "\u{1F600} \u{10FFFD}"\n'],
  ])("accepts %s", (_name, text) => {
    expect(parseDesignText(text).diagnostics).toStrictEqual([]);
  });
});

describe("bidi controls", () => {
  it.each<[string, { given: string; want: Want }]>([
    [
      "RLO in a YAML value",
      {
        given: 'a: "x\u202ey"\n',
        want: [warning("bidi-control", "/a", "U+202E RIGHT-TO-LEFT OVERRIDE (RLO) (line 1, column 6)")],
      },
    ],
    [
      "an isolate written as an escape",
      {
        given: 'a: "\\u2066x\\u2069"\n',
        want: [
          warning("bidi-control", "/a", "U+2066 LEFT-TO-RIGHT ISOLATE (LRI)"),
          warning("bidi-control", "/a", "U+2069 POP DIRECTIONAL ISOLATE (PDI)"),
        ],
      },
    ],
    [
      "an embedding in a JSON key",
      {
        given: '{"k\\u202b": 1}',
        want: [warning("bidi-control", "", 'the key "k\\u{202B}" contains U+202B RIGHT-TO-LEFT EMBEDDING (RLE)')],
      },
    ],
    [
      "errors come before warnings",
      {
        given: 'a: "\u202e"\nb: "\\e"\n',
        want: [error("control-character", "/b", "ESC"), warning("bidi-control", "/a", "RLO")],
      },
    ],
  ])("%s", (_name, { given, want }) => check(given, want));

  it("keeps the value: a warning does not stop the load", () => {
    expect(parseDesignText('a: "x\u202ey"\n').value).toStrictEqual({ a: "x\u202ey" });
  });

  it("surfaces through validate without blocking it", async () => {
    const d = baseDesign();
    d.info.description = "Price \u202e01$";
    const r = await validate({ text: stringify(d) });
    expect(r.ok).toBe(true);
    expect(r.diagnostics.map((x) => `${x.severity} ${x.code} ${x.path}`)).toStrictEqual([
      "warning bidi-control /info/description",
    ]);
  });
});

describe("numbers and unpaired surrogates", () => {
  it.each<[string, { given: string; want: Want }]>([
    [
      "YAML .inf",
      {
        given: "a:\n  ttl: .inf\n",
        want: [error("non-finite-number", "/a/ttl", "Infinity is not a finite number (line 2, column 8)")],
      },
    ],
    ["YAML -.inf", { given: "a: -.inf\n", want: [error("non-finite-number", "/a", "-Infinity")] }],
    ["YAML .nan", { given: "a: [1, .nan]\n", want: [error("non-finite-number", "/a/1", "NaN")] }],
    [
      "a JSON literal beyond the double range",
      {
        given: '{"a": {"b": 1e400}}',
        want: [error("non-finite-number", "/a/b", "Infinity is not a finite number (line 1, column 13)")],
      },
    ],
    [
      "a lone surrogate escaped in YAML",
      { given: 'a: "\\ud800"\n', want: [error("invalid-utf8", "/a", "lone UTF-16 surrogate")] },
    ],
    [
      "a lone surrogate escaped in JSON",
      { given: '{"a": "x\\udc00"}', want: [error("invalid-utf8", "/a", "lone UTF-16 surrogate")] },
    ],
  ])("%s", (_name, { given, want }) => check(given, want));

  it("accepts large finite numbers and a paired surrogate escape", () => {
    expect(parseDesignText('{"a": 1e308, "b": -1e-300, "c": "\\ud83d\\ude00"}')).toStrictEqual({
      value: { a: 1e308, b: -1e-300, c: "\u{1F600}" },
      diagnostics: [],
    });
  });

  it.each([
    [
      "a TTL of 1e308 seconds",
      (d: any) => void (d.auth.schemes[0].jwt.accessTokenTtlSeconds = 1e308),
      "/auth/schemes/0/jwt/accessTokenTtlSeconds",
      "must be <= 315360000",
    ],
    [
      "a varchar beyond PostgreSQL's limit",
      (d: any) => void (d.data.entities[0].fields[1].maxLength = 10485761),
      "/data/entities/0/fields/1/maxLength",
      "must be <= 10485760",
    ],
    [
      "a rate limit of a trillion requests",
      (d: any) => void (d.rateLimits = [{ name: "t", requests: 1e12, windowSeconds: 60, scope: "user" }]),
      "/rateLimits/0/requests",
      "must be <= 1000000000",
    ],
    [
      "a fractional TTL",
      (d: any) => void (d.auth.schemes[0].jwt.accessTokenTtlSeconds = 1.5),
      "/auth/schemes/0/jwt/accessTokenTtlSeconds",
      "must be integer",
    ],
    [
      "a field minimum beyond 1e21",
      (d: any) =>
        void Object.assign(d.data.entities[0].fields[1], { type: "decimal", maxLength: undefined, minimum: -1e22 }),
      "/data/entities/0/fields/1/minimum",
      "must be >= -1e+21",
    ],
  ])("the schema bounds %s", async (_name, mutate, path, message) => {
    const d = baseDesign();
    mutate(d);
    const r = await validate({ text: JSON.stringify(d) });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((x) => [x.code, x.path, x.message])).toStrictEqual([["schema-violation", path, message]]);
  });
});

describe("helpers", () => {
  it.each([
    ["plain", '"plain"'],
    ["a\u001bb\u202ec\u0085", '"a\\u{1B}b\\u{202E}c\\u{85}"'],
    ["x".repeat(70), `"${"x".repeat(57)}…"`],
  ])("escapeText(%j)", (text, want) => {
    expect(escapeText(text)).toBe(want);
  });

  it.each([
    ["\u0000", "U+0000 NUL"],
    ["\u001b", "U+001B ESC"],
    ["\u007f", "U+007F DEL"],
    ["\u0080", "U+0080 PAD"],
    ["\u009f", "U+009F APC"],
    ["\u202a", "U+202A LEFT-TO-RIGHT EMBEDDING (LRE)"],
    ["\u2069", "U+2069 POP DIRECTIONAL ISOLATE (PDI)"],
  ])("describeChar(%j)", (c, want) => {
    expect(describeChar(c)).toBe(want);
  });

  it.each([
    ["a\nbc\nd", 0, { line: 1, column: 1 }],
    ["a\nbc\nd", 3, { line: 2, column: 2 }],
    ["a\nbc\nd", 5, { line: 3, column: 1 }],
    ["\u{1F600}x", 2, { line: 1, column: 2 }],
  ])("lineColumn(%j, %i)", (text, offset, want) => {
    expect(lineColumn(text, offset)).toStrictEqual(want);
  });
});
