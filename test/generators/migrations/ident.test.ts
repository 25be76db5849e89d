import { describe, expect, it } from "vitest";
import { pgName, quoteIdent, quoteLiteral, MAX_IDENTIFIER_BYTES } from "../../../generators/migrations/ident.ts";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

describe("pgName", () => {
  it("keeps names of at most 63 bytes", () => {
    expect(pgName("items")).toBe("items");
    expect(pgName("a".repeat(63))).toBe("a".repeat(63));
  });
  it("shortens longer names to 54 bytes + _ + 8 hex of sha256, deterministically", () => {
    const long = "a".repeat(64);
    expect(pgName(long)).toBe(`${"a".repeat(54)}_ffe054fe`);
    expect(pgName(long)).toBe(pgName(long));
    expect(bytes(pgName("x".repeat(500)))).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
  });
  it("never gives two long names with a common prefix the same name", () => {
    const names = Array.from({ length: 2000 }, (_, i) => `${"shared_prefix_".repeat(6)}${i}`);
    const short = new Set(names.map(pgName));
    expect(short.size).toBe(names.length);
  });
  it("cuts multi-byte names on a character boundary", () => {
    const name = "表".repeat(40); // 120 bytes
    const short = pgName(name);
    expect(bytes(short)).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
    expect(short).toMatch(/^表{18}_[0-9a-f]{8}$/);
  });
});

describe("quoting", () => {
  it.each([
    ["items", `"items"`],
    ["user", `"user"`],
    ['we"ird', `"we""ird"`],
    ["semi;colon -- x", `"semi;colon -- x"`],
  ])("quoteIdent(%j)", (given, want) => expect(quoteIdent(given)).toBe(want));
  it.each([
    ["plain", `'plain'`],
    ["it's", `'it''s'`],
    ["back\\slash", `'back\\slash'`],
    ["'; DROP TABLE x; --", `'''; DROP TABLE x; --'`],
  ])("quoteLiteral(%j)", (given, want) => expect(quoteLiteral(given)).toBe(want));
});
