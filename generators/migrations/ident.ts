/**
 * Identifiers and literals of PostgreSQL text. Every identifier is double-quoted (PostgreSQL 15
 * docs §4.1.1: a quoted identifier may hold any character but NUL; an embedded `"` is written
 * twice) and every string literal is single-quoted with `'` doubled (§4.1.2.1). Literals are
 * always standard strings, never E'' escape strings: with `standard_conforming_strings = on`
 * (the default since 9.1) a backslash in a standard string is an ordinary character.
 */
import { createHash } from "node:crypto";

/** PostgreSQL truncates identifiers to NAMEDATALEN - 1 = 63 bytes (docs §4.1.1). */
export const MAX_IDENTIFIER_BYTES = 63;

const utf8 = (s: string) => Buffer.byteLength(s, "utf8");

/**
 * A name PostgreSQL keeps as written: at most 63 bytes. Longer names become their longest
 * prefix of at most 54 bytes (cut on a character boundary) + `_` + the first 8 hex digits of
 * the SHA-256 of the full name — deterministic, and two different long names differ in the hash.
 */
export function pgName(name: string): string {
  if (utf8(name) <= MAX_IDENTIFIER_BYTES) return name;
  const hash = createHash("sha256").update(name, "utf8").digest("hex").slice(0, 8);
  let prefix = "";
  for (const ch of name) {
    if (utf8(prefix + ch) > MAX_IDENTIFIER_BYTES - 9) break;
    prefix += ch;
  }
  return `${prefix}_${hash}`;
}

/** A quoted identifier: `"name"` with `"` doubled. The name must already fit (see `pgName`). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A standard string literal: `'text'` with `'` doubled. */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
