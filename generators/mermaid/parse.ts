/**
 * `mermaid.parse` in-process, no browser. Mermaid is imported lazily, once per process (about
 * 0.7–0.9 s), so commands that never check a diagram do not pay for it.
 *
 * The one shim Node needs: DOMPurify without a DOM is an inert stub without `addHook` or
 * `sanitize` (it sets `isSupported = false`), and the flowchart parser calls both while it reads
 * labels. Without a DOM, DOMPurify's own `sanitize` would return its input unchanged, so the shim
 * does exactly that. Nothing is sanitised for output here: parse only validates; rendering
 * happens in a real browser with the real DOMPurify.
 */
import type { Mermaid } from "mermaid";

let loading: Promise<Mermaid> | undefined;

async function load(): Promise<Mermaid> {
  const purify = (await import("dompurify")).default as unknown as { isSupported?: boolean; addHook?: unknown; sanitize?: unknown };
  if (purify.isSupported === false) {
    purify.addHook ??= () => undefined;
    purify.sanitize ??= (dirty: unknown) => dirty;
  }
  return (await import("mermaid")).default;
}

/** The mermaid module, imported on first use. */
export function mermaidModule(): Promise<Mermaid> {
  loading ??= load();
  return loading;
}

export type ParseResult = { ok: true; diagramType: string } | { ok: false; line: number; message: string };

/**
 * Original line numbers of the lines mermaid parses. Mermaid drops `%%` comment lines and
 * leading blank lines before parsing (`cleanupComments` in mermaid's preprocessor), so its
 * reported line N is the N-th surviving line of the file.
 */
function survivingLines(source: string): number[] {
  const kept: number[] = [];
  source.split("\n").forEach((line, i) => {
    if (/^\s*%%(?!\{)[^\n]+$/.test(line)) return;
    if (kept.length === 0 && line.trim() === "") return;
    kept.push(i + 1);
  });
  return kept;
}

interface JisonHash {
  line?: number;
  loc?: { first_line?: number };
}

/** The 1-based line of the file a parse error points at (line 1 when mermaid names none). */
function errorLine(source: string, error: unknown): number {
  const hash = (error as { hash?: JisonHash }).hash;
  const message = error instanceof Error ? error.message : String(error);
  const reported = hash?.loc?.first_line ?? (hash?.line !== undefined ? hash.line + 1 : Number(/on line (\d+)/.exec(message)?.[1] ?? NaN));
  const kept = survivingLines(source);
  if (!Number.isFinite(reported)) return kept[0] ?? 1;
  return kept[reported - 1] ?? kept[kept.length - 1] ?? 1;
}

const parsedIn = new WeakMap<object, Map<string, Promise<ParseResult>>>();

/**
 * Parses one diagram with mermaid's own parser; a failure carries the file line and mermaid's
 * message. With a `scope` (the build's file list), each distinct text is parsed once per scope:
 * DESIGN.md embeds the same diagrams the .mmd files hold, so its check reuses their parses.
 */
export function parseDiagram(source: string, scope?: object): Promise<ParseResult> {
  if (!scope) return parseOnce(source);
  let cache = parsedIn.get(scope);
  if (!cache) parsedIn.set(scope, (cache = new Map()));
  let result = cache.get(source);
  if (!result) cache.set(source, (result = parseOnce(source)));
  return result;
}

async function parseOnce(source: string): Promise<ParseResult> {
  const mermaid = await mermaidModule();
  try {
    const result = await mermaid.parse(source);
    if (!result) return { ok: false, line: 1, message: "mermaid did not recognise the diagram" };
    return { ok: true, diagramType: result.diagramType };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split("\n").filter((l) => l.trim() !== "").join(" | ");
    return { ok: false, line: errorLine(source, error), message };
  }
}
