/**
 * Reading a design from disk or a string: JSON or YAML, with bounds on size, YAML aliases and
 * nesting depth. `__proto__` and `constructor` keys stay ordinary own data (JSON.parse and the
 * yaml library both define them as own properties), so schema validation reports them as unknown
 * properties instead of anything touching prototypes.
 */
import { readFile, stat } from "node:fs/promises";
import { parseDocument, isMap, isSeq, type Document } from "yaml";
import { designCodes } from "./codes.ts";
import { diagnosticsFor, type Diagnostic } from "./diagnostics.ts";

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
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return { value: undefined, diagnostics: [diag("file-not-found", `${file} is not a file`, "")] };
    size = info.size;
  } catch {
    return { value: undefined, diagnostics: [diag("file-not-found", `cannot read ${file}: no such file`, "")] };
  }
  if (size > maxBytes) {
    return { value: undefined, diagnostics: [diag("file-too-large", `${file} is ${formatBytes(size)}; the limit is ${formatBytes(maxBytes)} (raise it with --max-size)`, "")] };
  }
  const text = await readFile(file, "utf8");
  return parseDesignText(text, /\.json$/i.test(file) ? "json" : "auto", maxBytes);
}

export function parseDesignText(text: string, format: "json" | "yaml" | "auto" = "auto", maxBytes = DEFAULT_MAX_BYTES): LoadResult {
  if (Buffer.byteLength(text, "utf8") > maxBytes) {
    return { value: undefined, diagnostics: [diag("file-too-large", `the design is larger than ${formatBytes(maxBytes)}`, "")] };
  }
  const trimmed = text.replace(/^\uFEFF/, "");
  const looksJson = format === "json" || (format === "auto" && /^\s*[{[]/.test(trimmed));
  return looksJson ? parseJson(trimmed) : parseYaml(trimmed);
}

function parseJson(text: string): LoadResult {
  const depth = maxBracketDepth(text);
  if (depth > MAX_DEPTH) return { value: undefined, diagnostics: [diag("too-deep", `the JSON nests ${depth} levels deep; the limit is ${MAX_DEPTH}`, "")] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { value: undefined, diagnostics: [diag("parse-error", `invalid JSON: ${jsonErrorWithLine(text, error as Error)}`, "")] };
  }
  const duplicate = findDuplicateJsonKey(text);
  if (duplicate) return { value: undefined, diagnostics: [diag("duplicate-key", `duplicate key "${duplicate.key}" at line ${duplicate.line}`, "")] };
  return { value, diagnostics: [] };
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
  if (depth > MAX_DEPTH) return { value: undefined, diagnostics: [diag("too-deep", `the YAML nests ${depth} levels deep; the limit is ${MAX_DEPTH}`, "")] };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIASES }), diagnostics: [] };
  } catch (error) {
    const message = (error as Error).message;
    if (/alias/i.test(message)) return { value: undefined, diagnostics: [diag("yaml-alias-limit", `the YAML expands aliases beyond the limit (${MAX_ALIASES}): ${message}`, "")] };
    return { value: undefined, diagnostics: [diag("parse-error", `invalid YAML: ${message}`, "")] };
  }
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
