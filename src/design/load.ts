/**
 * Reading a design from disk or a string: JSON or YAML, with bounds on size, YAML aliases and
 * nesting depth. Only a regular file is read (never a FIFO, device or directory), as strict UTF-8
 * (a bad byte is a diagnostic with its position, never a silent U+FFFD); the parsed text then
 * passes the hygiene checks of hygiene.ts (control characters, bidi controls, non-finite numbers).
 * `__proto__` and `constructor` keys stay ordinary own data (JSON.parse and the yaml library both
 * define them as own properties), so schema validation reports them as unknown properties instead
 * of anything touching prototypes.
 */
import { constants, type Stats } from "node:fs";
import { open, stat } from "node:fs/promises";
import { parseDocument, isMap, isSeq, isScalar, type Document } from "yaml";
import { designCodes } from "./codes.ts";
import { diagnosticsFor, type Diagnostic } from "./diagnostics.ts";
import { checkTextHygiene, lineColumn, rawControlCharacters, type ScalarWalk } from "./hygiene.ts";

const diag = diagnosticsFor(designCodes);

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const MAX_DEPTH = 64;
const MAX_ALIASES = 1000;

export interface LoadResult {
  /** The parsed document, or undefined when it could not be read. */
  value: unknown;
  diagnostics: Diagnostic[];
}

export interface LoadOptions {
  /** Refuse files larger than this many bytes. */
  maxBytes?: number;
}

export async function loadDesignFile(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const read = await readDesignBytes(file, maxBytes);
  if ("diagnostics" in read) return { value: undefined, diagnostics: read.diagnostics };
  const decoded = decodeUtf8(read.bytes);
  if ("diagnostic" in decoded) return { value: undefined, diagnostics: [decoded.diagnostic] };
  return parseDesignText(decoded.text, /\.json$/i.test(file) ? "json" : "auto", maxBytes);
}

/**
 * The file's bytes, or a diagnostic for each way a user's path can fail. The path is checked with
 * stat (a directory, FIFO or device is refused before anything opens it) and again on the open
 * handle (the path may have been replaced meanwhile); the open is non-blocking so that even then a
 * FIFO cannot block, and at most `maxBytes + 1` bytes are read whatever the size claims.
 */
export async function readDesignBytes(
  file: string,
  maxBytes: number,
): Promise<{ bytes: Uint8Array } | { diagnostics: Diagnostic[] }> {
  const fail = (error: unknown) => ({ diagnostics: [fsDiagnostic(file, error)] });
  let info: Stats;
  try {
    info = await stat(file);
  } catch (error) {
    return fail(error);
  }
  const kind = notRegular(info);
  if (kind) return { diagnostics: [diag("not-a-regular-file", `${file} is ${kind}, not a design file`, "")] };
  if (info.size > maxBytes) return { diagnostics: [tooLarge(file, info.size, maxBytes)] };
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return fail(error);
  }
  try {
    const again = notRegular(await handle.stat());
    if (again) return { diagnostics: [diag("not-a-regular-file", `${file} is ${again}, not a design file`, "")] };
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= maxBytes) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    // The file grew after stat, or stat understated its size.
    if (total > maxBytes) return { diagnostics: [tooLarge(file, total, maxBytes, "more than ")] };
    return { bytes: Buffer.concat(chunks, total) };
  } catch (error) {
    return fail(error);
  } finally {
    await handle.close();
  }
}

function notRegular(info: Stats): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  return "not a regular file";
}

function tooLarge(file: string, size: number, maxBytes: number, prefix = ""): Diagnostic {
  return diag(
    "file-too-large",
    `${file} is ${prefix}${formatBytes(size)}; the limit is ${formatBytes(maxBytes)} (raise it with --max-size)`,
    "",
  );
}

/** A file-system error of the design path as a diagnostic naming the cause. */
function fsDiagnostic(file: string, error: unknown): Diagnostic {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return diag("file-not-found", `cannot read ${file}: no such file`, "");
    case "ENOTDIR":
      return diag("file-not-found", `cannot read ${file}: a component of the path is not a directory`, "");
    case "EACCES":
    case "EPERM":
      return diag("file-unreadable", `cannot read ${file}: permission denied`, "");
    case "ELOOP":
      return diag("file-unreadable", `cannot read ${file}: too many levels of symbolic links`, "");
    case "ENAMETOOLONG":
      return diag("file-unreadable", `cannot read ${file}: the path is too long`, "");
    case "EISDIR":
      return diag("not-a-regular-file", `${file} is a directory, not a design file`, "");
    default:
      return diag("file-unreadable", `cannot read ${file}: ${code ?? (error as Error).message}`, "");
  }
}

/**
 * Strict UTF-8: a bad byte is an error with its position, never a silent U+FFFD. A UTF-8 BOM is
 * dropped; UTF-16 and UTF-32 files (a BOM, or NUL bytes where ASCII text would start) are named.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { diagnostic: Diagnostic } {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff) || (bytes.length >= 2 && (b0 === 0 || b1 === 0))) {
    const which =
      b0 === 0xff && b1 === 0xfe && bytes[2] === 0 && bytes[3] === 0
        ? "UTF-32"
        : b0 === 0 && b1 === 0
          ? "UTF-32"
          : "UTF-16";
    return {
      diagnostic: diag(
        "unsupported-encoding",
        `the file looks like ${which} (${b0 === 0 || b1 === 0 ? "NUL bytes at the start" : "its byte-order mark"}); save it as UTF-8`,
        "",
      ),
    };
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = new TextDecoder("utf-8").decode(bytes.subarray(0, offset));
    const { line, column } = lineColumn(before, before.length);
    const hex = [...bytes.subarray(offset, offset + 4)]
      .map((x) => x.toString(16).toUpperCase().padStart(2, "0"))
      .join(" ");
    return {
      diagnostic: diag(
        "invalid-utf8",
        `the file is not valid UTF-8: bad byte sequence ${hex}… at byte ${offset} (line ${line}, column ${column}); save the file as UTF-8`,
        "",
      ),
    };
  }
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629 §4), or the length. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i;
    const second = bytes[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const cont = bytes[i + k]!;
      if (cont < 0x80 || cont > 0xbf) return i;
    }
    i += need + 1;
  }
  return n;
}

export function parseDesignText(
  text: string,
  format: "json" | "yaml" | "auto" = "auto",
  maxBytes = DEFAULT_MAX_BYTES,
): LoadResult {
  if (Buffer.byteLength(text, "utf8") > maxBytes) {
    return {
      value: undefined,
      diagnostics: [diag("file-too-large", `the design is larger than ${formatBytes(maxBytes)}`, "")],
    };
  }
  const trimmed = text.replace(/^\uFEFF/, "");
  const looksJson = format === "json" || (format === "auto" && /^\s*[{[]/.test(trimmed));
  const result = looksJson ? parseJson(trimmed) : parseYaml(trimmed);
  // A failed parse still names raw control characters: they are often why it failed.
  if (result.value === undefined && result.diagnostics.some((d) => d.code === "parse-error")) {
    return { value: undefined, diagnostics: [...rawControlCharacters(trimmed), ...result.diagnostics] };
  }
  return result;
}

function parseJson(text: string): LoadResult {
  const depth = maxBracketDepth(text);
  if (depth > MAX_DEPTH)
    return {
      value: undefined,
      diagnostics: [diag("too-deep", `the JSON nests ${depth} levels deep; the limit is ${MAX_DEPTH}`, "")],
    };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      value: undefined,
      diagnostics: [diag("parse-error", `invalid JSON: ${jsonErrorWithLine(text, error as Error)}`, "")],
    };
  }
  const duplicate = findDuplicateJsonKey(text);
  if (duplicate)
    return {
      value: undefined,
      diagnostics: [diag("duplicate-key", `duplicate key "${duplicate.key}" at line ${duplicate.line}`, "")],
    };
  return withHygiene(value, checkTextHygiene(text, jsonWalk(text)));
}

function parseYaml(text: string): LoadResult {
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true, merge: false });
  } catch (error) {
    return { value: undefined, diagnostics: [diag("parse-error", `invalid YAML: ${(error as Error).message}`, "")] };
  }
  if (doc.errors.length > 0) {
    return {
      value: undefined,
      diagnostics: doc.errors.map((e) => {
        const where = e.linePos?.[0] ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : "";
        // prettyErrors appends " at line L, column C:" and a code frame; the position is already in `where`.
        const first = (e.message.split("\n")[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, "");
        if (e.code === "DUPLICATE_KEY") return diag("duplicate-key", `duplicate key${where}: ${first}`, "");
        return diag("parse-error", `invalid YAML${where}: ${first}`, "");
      }),
    };
  }
  const depth = nodeDepth(doc.contents, 0);
  if (depth > MAX_DEPTH)
    return {
      value: undefined,
      diagnostics: [diag("too-deep", `the YAML nests ${depth} levels deep; the limit is ${MAX_DEPTH}`, "")],
    };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    const message = (error as Error).message;
    if (/alias/i.test(message))
      return {
        value: undefined,
        diagnostics: [
          diag("yaml-alias-limit", `the YAML expands aliases beyond the limit (${MAX_ALIASES}): ${message}`, ""),
        ],
      };
    return { value: undefined, diagnostics: [diag("parse-error", `invalid YAML: ${message}`, "")] };
  }
  return withHygiene(value, checkTextHygiene(text, yamlWalk(doc.contents)));
}

/** Hygiene errors withhold the value (nothing downstream sees the text); warnings ride along. */
function withHygiene(value: unknown, diagnostics: Diagnostic[]): LoadResult {
  return { value: diagnostics.some((d) => d.severity === "error") ? undefined : value, diagnostics };
}

/** Walks every key and scalar of a YAML document. Aliases are checked where their anchor is. */
function yamlWalk(root: unknown): ScalarWalk {
  return (visit) => {
    const path: Array<string | number> = [];
    const node = (n: unknown): void => {
      if (isMap(n)) {
        for (const pair of n.items) {
          const key = pair.key;
          if (!isScalar(key)) continue;
          path.push(String(key.value));
          if (key.range) visit(path, true, key.range[0], key.range[1], key.value);
          node(pair.value);
          path.pop();
        }
      } else if (isSeq(n)) {
        for (let i = 0; i < n.items.length; i++) {
          path.push(i);
          node(n.items[i]);
          path.pop();
        }
      } else if (isScalar(n) && n.range) visit(path, false, n.range[0], n.range[1], n.value);
    };
    node(root);
  };
}

/** Walks every key, string and number of a JSON text (already parsed once, so well-formed). */
function jsonWalk(text: string): ScalarWalk {
  return (visit) => {
    const path: Array<string | number> = [];
    let i = 0;
    const space = () => {
      for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
    };
    const string = (): [number, string] => {
      const start = i++;
      let escaped = false;
      for (let c = text.charCodeAt(i); c !== 34; c = text.charCodeAt(i)) {
        if (c === 92) {
          escaped = true;
          i += 2;
        } else i++;
      }
      i++;
      return [start, escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1)];
    };
    const literal = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
    const value = (): void => {
      space();
      const c = text[i];
      if (c === "{") {
        i++;
        space();
        if (text[i] === "}") return void i++;
        for (;;) {
          space();
          const [start, key] = string();
          path.push(key);
          visit(path, true, start, i, key);
          space();
          i++; // ':'
          value();
          path.pop();
          space();
          if (text[i++] === "}") return;
        }
      }
      if (c === "[") {
        i++;
        space();
        if (text[i] === "]") return void i++;
        for (let n = 0; ; n++) {
          path.push(n);
          value();
          path.pop();
          space();
          if (text[i++] === "]") return;
        }
      }
      if (c === '"') {
        const [start, s] = string();
        visit(path, false, start, i, s);
        return;
      }
      literal.lastIndex = i;
      const m = literal.exec(text);
      const start = i;
      i = literal.lastIndex;
      if (m && m[0] !== "true" && m[0] !== "false" && m[0] !== "null") visit(path, false, start, i, Number(m[0]));
    };
    value();
  };
}

function nodeDepth(node: unknown, depth: number): number {
  if (depth > MAX_DEPTH) return depth;
  if (isMap(node)) return Math.max(depth + 1, ...node.items.map((p) => nodeDepth(p.value, depth + 1)));
  if (isSeq(node)) return Math.max(depth + 1, ...node.items.map((v) => nodeDepth(v, depth + 1)));
  return depth;
}

/** Deepest nesting of `{`/`[` outside strings; a cheap guard before JSON.parse recurses. */
function maxBracketDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

function jsonErrorWithLine(text: string, error: Error): string {
  const m = /position (\d+)/.exec(error.message);
  if (!m) return error.message;
  const offset = Number(m[1]);
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const col = offset - before.lastIndexOf("\n");
  return `${error.message.replace(/ in JSON at position \d+.*$/, "")} (line ${line}, column ${col})`;
}

/** JSON.parse keeps the last of duplicate keys silently; scan objects for repeats. */
function findDuplicateJsonKey(text: string): { key: string; line: number } | undefined {
  const stack: Array<Set<string> | null> = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    else if (c === "{") stack.push(new Set());
    else if (c === "[") stack.push(null);
    else if (c === "}" || c === "]") stack.pop();
    else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const raw = text.slice(i, j + 1);
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k]!)) k++;
      const top = stack[stack.length - 1];
      if (text[k] === ":" && top) {
        const key = JSON.parse(raw) as string;
        if (top.has(key)) return { key, line };
        top.add(key);
      }
      for (let p = i; p < j; p++) if (text[p] === "\n") line++;
      i = j;
    }
  }
  return undefined;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} kB`;
}
