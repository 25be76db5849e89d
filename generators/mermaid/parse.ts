/**
 * `mermaid.parse` in-process, no browser. Mermaid is imported lazily, once per process, so
 * commands that never check a diagram do not pay for it.
 *
 * Which mermaid: the package's self-contained ESM bundle (`dist/mermaid.esm.min.mjs`, the same
 * release with its dependencies inlined in a few dozen chunks) loads several times faster than the
 * package's default entry, `mermaid.core.mjs`, which imports d3, lodash-es, dayjs… as hundreds of
 * separate modules. The default entry stays the fallback (see `load`).
 *
 * The one shim Node needs: DOMPurify without a DOM is an inert stub without `addHook` or
 * `sanitize` (it sets `isSupported = false`), and the flowchart parser calls both while it reads
 * labels. Without a DOM, DOMPurify's own `sanitize` would return its input unchanged, so the shim
 * does exactly that. Nothing is sanitised for output here: parse only validates; rendering
 * happens in a real browser with the real DOMPurify.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Mermaid } from "mermaid";

interface Purify {
  version?: unknown;
  removed?: unknown;
  isSupported?: boolean;
  addHook?: unknown;
  sanitize?: unknown;
}

/** A DOMPurify instance (recognised by its own fields), made usable without a DOM. */
function shimPurify(value: unknown): boolean {
  if ((typeof value !== "function" && typeof value !== "object") || value === null) return false;
  const purify = value as Purify;
  if (typeof purify.version !== "string" || !Array.isArray(purify.removed) || !("isSupported" in purify)) return false;
  if (purify.isSupported === false) {
    purify.addHook ??= () => undefined;
    purify.sanitize ??= (dirty: unknown) => dirty;
  }
  return true;
}

const MERMAID_BUNDLE = "mermaid/dist/mermaid.esm.min.mjs";

/**
 * The bundle's mermaid, with the bundle's own DOMPurify copy shimmed: it is found among the
 * exports of the chunks the bundle's entry imports (modules already loaded, so importing them
 * again is a lookup). Undefined when the bundle's layout is not what this expects.
 */
export async function loadBundle(): Promise<Mermaid | undefined> {
  try {
    const entry = import.meta.resolve(MERMAID_BUNDLE);
    const mermaid = ((await import(entry)) as { default?: Mermaid }).default;
    if (!mermaid || typeof mermaid.parse !== "function") return undefined;
    const text = await readFile(fileURLToPath(entry), "utf8");
    let purifyFound = false;
    for (const [, chunk] of text.matchAll(/(?:from|import)\s*"(\.\/chunks\/[^"]+\.mjs)"/g)) {
      const mod = (await import(new URL(chunk!, entry).href)) as Record<string, unknown>;
      for (const value of Object.values(mod)) purifyFound = shimPurify(value) || purifyFound;
    }
    return purifyFound ? mermaid : undefined;
  } catch {
    return undefined;
  }
}

/** The package's default entry, whose DOMPurify is the `dompurify` package itself. */
export async function loadDefaultEntry(): Promise<Mermaid> {
  shimPurify((await import("dompurify")).default);
  return (await import("mermaid")).default;
}

let loading: Promise<Mermaid> | undefined;

async function load(): Promise<Mermaid> {
  return (await loadBundle()) ?? (await loadDefaultEntry());
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
  const reported =
    hash?.loc?.first_line ??
    (hash?.line !== undefined ? hash.line + 1 : Number(/on line (\d+)/.exec(message)?.[1] ?? NaN));
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
    const message = (error instanceof Error ? error.message : String(error))
      .split("\n")
      .filter((l) => l.trim() !== "")
      .join(" | ");
    return { ok: false, line: errorLine(source, error), message };
  }
}
