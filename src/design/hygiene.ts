/**
 * Text hygiene of a parsed design: every key and string value is checked for characters that
 * would reach the artifacts as something other than visible text, and every number for being
 * finite. Control characters (C0 other than tab and newline, DEL, C1) are errors: they drive
 * terminals (ESC), ring bells, or are dropped and reinterpreted by the many consumers of the
 * generated files. Bidi embeddings, overrides and isolates are warnings: legitimate in
 * right-to-left text, but they can make text display in another order than it is read
 * ("Trojan Source", CVE-2021-42574). The bidi marks U+200E, U+200F and U+061C are accepted: they
 * only set the direction of neutral characters around them and are common in RTL text.
 *
 * Each finding carries the JSON pointer of the value (or of the member whose key it is) and the
 * line and column in the source: of the character itself when it appears raw, otherwise of the
 * start of the string (it was written as an escape such as `\e` or `\u001b`).
 */
import { designCodes } from "./codes.ts";
import { diagnosticsFor, pointer, type Diagnostic } from "./diagnostics.ts";

const diag = diagnosticsFor(designCodes);

/**
 * Visits a key or scalar of the source document: the path to it (a live stack, valid only during
 * the call; for a key it ends with the key itself), whether it is a key, its source offsets (end
 * exclusive) and the value it parsed to.
 */
type ScalarVisitor = (
  segments: ReadonlyArray<string | number>,
  isKey: boolean,
  start: number,
  end: number,
  value: unknown,
) => void;

/** Walks every key and scalar of a parsed document, calling `visit` for each. */
export type ScalarWalk = (visit: ScalarVisitor) => void;

/** Characters that are an error anywhere in the design's strings. CR included: YAML and JSON turn line endings into LF, so a CR in a value was written as an escape or a lone CR. */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/gu;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/gu;
/** In u-mode a paired surrogate is one code point, so this matches only unpaired halves. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** Raw in the source, CR is allowed only as part of a CRLF line ending. */
const RAW_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|\r(?!\n)/gu;

const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;
/** Anything a string is checked for: control and bidi characters, surrogate halves (paired ones included; the exact test follows). */
const SUSPECT = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/;

/**
 * A JSON pointer that stops above the first key holding a control or bidi character, so that
 * printing a diagnostic never writes the character itself to a terminal; messages show it escaped.
 */
function safePointer(segments: ReadonlyArray<string | number>): string {
  const cut = segments.findIndex((seg) => typeof seg === "string" && UNSAFE.test(seg));
  return pointer(...(cut === -1 ? segments : segments.slice(0, cut)));
}

/** A string quoted for a message, control and bidi characters written as `\u{…}` escapes. */
export function escapeText(text: string): string {
  const shown = text.length > 60 ? `${text.slice(0, 57)}…` : text;
  return `"${shown.replace(new RegExp(UNSAFE.source, "gu"), (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`)}"`;
}

/** At most this many findings of one kind are listed; a binary file would otherwise print thousands. */
const MAX_FINDINGS = 50;

const C0 =
  "NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US".split(
    " ",
  );
const C1 =
  "PAD HOP BPH NBH IND NEL SSA ESA HTS HTJ VTS PLD PLU RI SS2 SS3 DCS PU1 PU2 STS CCH MW SPA EPA SOS SGCI SCI CSI ST OSC PM APC".split(
    " ",
  );
const BIDI_NAMES: Record<number, string> = {
  8234: "LEFT-TO-RIGHT EMBEDDING (LRE)",
  8235: "RIGHT-TO-LEFT EMBEDDING (RLE)",
  8236: "POP DIRECTIONAL FORMATTING (PDF)",
  8237: "LEFT-TO-RIGHT OVERRIDE (LRO)",
  8238: "RIGHT-TO-LEFT OVERRIDE (RLO)",
  8294: "LEFT-TO-RIGHT ISOLATE (LRI)",
  8295: "RIGHT-TO-LEFT ISOLATE (RLI)",
  8296: "FIRST STRONG ISOLATE (FSI)",
  8297: "POP DIRECTIONAL ISOLATE (PDI)",
};

/** `U+001B ESC`, `U+202E RIGHT-TO-LEFT OVERRIDE (RLO)`. */
export function describeChar(c: string): string {
  const cp = c.codePointAt(0)!;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  const name = cp < 0x20 ? C0[cp] : cp === 0x7f ? "DEL" : cp >= 0x80 && cp <= 0x9f ? C1[cp - 0x80] : BIDI_NAMES[cp];
  return name ? `${hex} ${name}` : hex;
}

/** 1-based line and column (in code points) of an offset of `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: [...text.slice(lineStart, offset)].length + 1 };
}

const at = (text: string, offset: number) => {
  const { line, column } = lineColumn(text, offset);
  return `line ${line}, column ${column}`;
};

/** Checks every key, string and number of the document that `walk` visits. */
export function checkTextHygiene(text: string, walk: ScalarWalk): Diagnostic[] {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const covered: Array<[number, number]> = [];
  walk((segments, isKey, start, end, value) => {
    if (typeof value === "number") {
      if (!Number.isFinite(value) && errors.length < MAX_FINDINGS) {
        errors.push(
          diag(
            "non-finite-number",
            `${String(value)} is not a finite number (${at(text, start)}); write the bound or value out`,
            safePointer(segments),
          ),
        );
      }
      return;
    }
    // Almost every string is clean: one test decides, the rest runs only for a finding.
    if (typeof value !== "string" || !SUSPECT.test(value)) return;
    const where = safePointer(segments);
    const what = isKey ? `the key ${escapeText(value)}` : "the string";
    if (LONE_SURROGATE.test(value)) {
      if (errors.length < MAX_FINDINGS)
        errors.push(
          diag(
            "invalid-utf8",
            `${what} holds a lone UTF-16 surrogate (an escape such as \\ud800), which no UTF-8 file can carry (${at(text, start)})`,
            where,
          ),
        );
      return;
    }
    const source = text.slice(start, end);
    const found = (re: RegExp) => [...new Set(value.match(re) ?? [])];
    for (const c of found(CONTROL)) {
      const raw = source.indexOf(c);
      if (raw !== -1) covered.push([start, end]);
      if (errors.length < MAX_FINDINGS) {
        errors.push(
          diag(
            "control-character",
            `${what} contains the control character ${describeChar(c)} (${at(text, raw === -1 ? start : start + raw)}); only tab and newline are allowed`,
            where,
          ),
        );
      }
    }
    for (const c of found(BIDI)) {
      const raw = source.indexOf(c);
      if (warnings.length < MAX_FINDINGS) {
        warnings.push(
          diag(
            "bidi-control",
            `${what} contains ${describeChar(c)} (${at(text, raw === -1 ? start : start + raw)}), which can make text display in another order than it is read; remove it unless the text needs it`,
            where,
          ),
        );
      }
    }
  });
  if (errors.length < MAX_FINDINGS)
    errors.push(...rawControlCharacters(text, covered).slice(0, MAX_FINDINGS - errors.length));
  return [...errors, ...warnings];
}

/** Raw control characters of the source outside the given ranges (comments, whitespace, unparsed text). */
export function rawControlCharacters(
  text: string,
  covered: ReadonlyArray<readonly [number, number]> = [],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Matches come in offset order; walk the sorted ranges alongside them.
  const ranges = [...covered].sort((a, b) => a[0] - b[0]);
  let k = 0;
  for (const m of text.matchAll(RAW_CONTROL)) {
    const offset = m.index;
    while (k < ranges.length && ranges[k]![1] <= offset) k++;
    if (k < ranges.length && ranges[k]![0] <= offset) continue;
    out.push(
      diag(
        "control-character",
        `the file contains the control character ${describeChar(m[0])} outside any string value (${at(text, offset)}); only tab, newline and CRLF line endings are allowed`,
        "",
      ),
    );
    if (out.length >= MAX_FINDINGS) break;
  }
  return out;
}
