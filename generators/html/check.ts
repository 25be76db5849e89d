/**
 * The index.html check over the page's own markup: every `href`/`src` stays inside the out dir
 * and resolves (a file of the build, or an id of the page), ids are unique, and every operation
 * of the OpenAPI document has its anchor. The page is produced by `el`, which quotes and escapes
 * every attribute, so attributes are read with one regular expression over that output.
 */
import { diagnosticsFor, type Diagnostic } from "../../src/design/diagnostics.ts";
import type { GeneratedFile } from "../../src/pipeline/artifact.ts";
import { htmlCodes } from "./codes.ts";
import { operationAnchor } from "./api-reference.ts";

const diag = diagnosticsFor(htmlCodes);

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

interface Attr {
  name: string;
  value: string;
  line: number;
}

/** `id`, `href` and `src` attributes of the page's tags (script and style bodies skipped), with their lines. */
export function pageAttributes(html: string): Attr[] {
  const out: Attr[] = [];
  const lineStarts: number[] = [0];
  for (let i = 0; i < html.length; i++) if (html[i] === "\n") lineStarts.push(i + 1);
  const lineOf = (index: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const tag = /<(script|style)\b[^>]*>[\s\S]*?<\/\1>|<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z:-]+(?:="[^"]*")?)*)\s*\/?>/g;
  for (const m of html.matchAll(tag)) {
    const attrs = m[3] ?? (m[1] ? /^<\w+((?:\s+[a-zA-Z:-]+(?:="[^"]*")?)*)/.exec(m[0])?.[1] : undefined) ?? "";
    for (const a of attrs.matchAll(/\s([a-zA-Z:-]+)="([^"]*)"/g)) {
      const name = a[1]!.toLowerCase();
      if (name === "id" || name === "href" || name === "src") out.push({ name, value: decode(a[2]!), line: lineOf(m.index! + 1) });
    }
  }
  return out;
}

export function checkPage(path: string, html: string, files: readonly GeneratedFile[], operationIds: readonly string[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (line: number) => `${path}:${line}`;
  const attrs = pageAttributes(html);
  const ids = new Map<string, number>();
  for (const a of attrs.filter((a) => a.name === "id")) {
    if (ids.has(a.value)) out.push(diag("html-duplicate-id", `id "${a.value}" is already used on line ${ids.get(a.value)}`, at(a.line)));
    else ids.set(a.value, a.line);
  }
  const paths = new Set(files.map((f) => f.path));
  for (const a of attrs.filter((a) => a.name !== "id")) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(a.value) || a.value.startsWith("//")) {
      out.push(diag("html-external-reference", `${a.name}="${a.value}" points outside the out dir`, at(a.line)));
    } else if (a.value.startsWith("#")) {
      if (!ids.has(decodeURIComponent(a.value.slice(1)))) out.push(diag("html-reference-broken", `${a.name}="${a.value}" names no id of the page`, at(a.line)));
    } else {
      const target = decodeURIComponent(a.value.replace(/[?#].*$/, "")).replace(/^\.\//, "");
      if (!paths.has(target)) out.push(diag("html-reference-broken", `${a.name}="${a.value}": the build writes no ${target}`, at(a.line)));
    }
  }
  for (const id of operationIds) {
    if (!ids.has(operationAnchor(id))) out.push(diag("html-operation-missing", `operation ${id} has no anchor #${operationAnchor(id)}`, at(1)));
  }
  return out;
}
