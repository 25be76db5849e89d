/**
 * The index.html check. The page is parsed as a browser parses it (parse5, WHATWG HTML Living
 * Standard §13.2) and held to what the generator means to write:
 * - only the elements and attributes the generator uses (so no `on*` handler, `<iframe>`,
 *   `<object>`, `<svg>`, `<img>`, `style` attribute, `<meta http-equiv="refresh">`…);
 * - exactly one Content-Security-Policy `<meta>`, in the head, equal to the page's policy;
 *   every `<script>` is the mermaid bundle or an inline script whose hash that policy lists;
 * - every `href`/`src` stays inside the out dir and resolves (a file of the build, or an id of
 *   the page), ids are unique, and every operation of the OpenAPI document has its anchor.
 */
import { parse, type DefaultTreeAdapterMap } from "parse5";
import { diagnosticsFor, type Diagnostic } from "../../src/design/diagnostics.ts";
import type { GeneratedFile } from "../../src/core/artifact.ts";
import { htmlCodes } from "./codes.ts";
import { operationAnchor } from "./api-reference.ts";
import { MERMAID_ASSET, contentSecurityPolicy, scriptHash } from "./page.ts";

const diag = diagnosticsFor(htmlCodes);

type Element = DefaultTreeAdapterMap["element"];
type ParentNode = DefaultTreeAdapterMap["parentNode"];

interface Attr {
  name: string;
  value: string;
  line: number;
}

/** Elements the page may hold; `*` attributes are allowed on every one of them. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  "*": ["id", "class"],
  html: ["lang"],
  head: [],
  title: [],
  style: [],
  body: ["data-diagrams"],
  meta: ["charset", "name", "content", "http-equiv"],
  script: ["src"],
  nav: [],
  main: [],
  article: [],
  section: [],
  div: [],
  span: [],
  hr: [],
  br: [],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  p: [],
  a: ["href"],
  ul: [],
  ol: ["start"],
  li: [],
  strong: [],
  em: [],
  s: [],
  code: [],
  pre: [],
  table: [],
  thead: [],
  tbody: [],
  tr: [],
  th: [],
  td: [],
  details: [],
  summary: [],
};
const HTML_NS = "http://www.w3.org/1999/xhtml";

function elements(root: ParentNode): Element[] {
  const out: Element[] = [];
  const visit = (node: ParentNode) => {
    for (const child of node.childNodes) {
      if ("tagName" in child) {
        out.push(child);
        visit(child.tagName === "template" ? (child as DefaultTreeAdapterMap["template"]).content : child);
      }
    }
  };
  visit(root);
  return out;
}

const lineOf = (e: Element, attr?: string) =>
  (attr ? e.sourceCodeLocation?.attrs?.[attr]?.startLine : undefined) ?? e.sourceCodeLocation?.startLine ?? 1;

function parsePage(html: string): Element[] {
  return elements(parse(html, { sourceCodeLocationInfo: true }));
}

/** `id`, `href` and `src` attributes of the page's elements, as a browser reads them, with their lines. */
export function pageAttributes(html: string): Attr[] {
  return parsePage(html).flatMap((e) =>
    e.attrs
      .filter((a) => a.name === "id" || a.name === "href" || a.name === "src")
      .map((a) => ({ name: a.name, value: a.value, line: lineOf(e, a.name) })),
  );
}

const textOf = (e: Element) =>
  e.childNodes.map((c) => ("value" in c && c.nodeName === "#text" ? c.value : "")).join("");

/** Elements, attributes, the policy and the scripts: what the generator did not write is a finding. */
function checkMarkup(els: Element[], at: (line: number) => string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of els) {
    const allowed = ALLOWED[e.tagName];
    if (!allowed || e.namespaceURI !== HTML_NS) {
      out.push(diag("html-unexpected-markup", `<${e.tagName}> is not an element the page writes`, at(lineOf(e))));
      continue;
    }
    for (const a of e.attrs) {
      if (!allowed.includes(a.name) && !ALLOWED["*"]!.includes(a.name)) {
        out.push(
          diag(
            "html-unexpected-markup",
            `<${e.tagName} ${a.name}> is not an attribute the page writes`,
            at(lineOf(e, a.name)),
          ),
        );
      }
    }
  }
  const metas = els.filter((e) => e.tagName === "meta" && e.attrs.some((a) => a.name === "http-equiv"));
  const policy = contentSecurityPolicy();
  const csp = metas.find((m) =>
    m.attrs.some((a) => a.name === "http-equiv" && a.value.toLowerCase() === "content-security-policy"),
  );
  for (const m of metas.filter((m) => m !== csp))
    out.push(
      diag("html-unexpected-markup", `<meta http-equiv> other than the page's Content-Security-Policy`, at(lineOf(m))),
    );
  const content = csp?.attrs.find((a) => a.name === "content")?.value;
  // A policy applies only to what the parser meets after it.
  const firstScript = els.findIndex((e) => e.tagName === "script" || e.tagName === "style");
  if (
    !csp ||
    content !== policy ||
    csp.parentNode?.nodeName !== "head" ||
    (firstScript >= 0 && els.indexOf(csp) > firstScript)
  ) {
    out.push(
      diag(
        "html-script-not-allowed",
        csp
          ? `the Content-Security-Policy is not the page's own, or not in the head before every script and style (${JSON.stringify(content)})`
          : "the page has no Content-Security-Policy <meta>",
        at(csp ? lineOf(csp) : 1),
      ),
    );
  }
  const listed = new Set((/(?:^|;)\s*script-src\s+([^;]*)/.exec(content ?? "")?.[1] ?? "").trim().split(/\s+/));
  for (const s of els.filter((e) => e.tagName === "script")) {
    const src = s.attrs.find((a) => a.name === "src")?.value;
    const body = textOf(s);
    if (src !== undefined) {
      if (src !== MERMAID_ASSET || body !== "")
        out.push(
          diag("html-script-not-allowed", `<script src="${src}"> is not the page's mermaid bundle`, at(lineOf(s))),
        );
    } else if (!listed.has(scriptHash(body))) {
      out.push(
        diag(
          "html-script-not-allowed",
          `an inline script whose hash ${scriptHash(body)} the Content-Security-Policy does not list`,
          at(lineOf(s)),
        ),
      );
    }
  }
  return out;
}

export function checkPage(
  path: string,
  html: string,
  files: readonly GeneratedFile[],
  operationIds: readonly string[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (line: number) => `${path}:${line}`;
  const els = parsePage(html);
  const attrs = els.flatMap((e) =>
    e.attrs
      .filter((a) => a.name === "id" || a.name === "href" || a.name === "src")
      .map((a) => ({ name: a.name, value: a.value, line: lineOf(e, a.name) })),
  );
  const ids = new Map<string, number>();
  for (const a of attrs.filter((a) => a.name === "id")) {
    if (ids.has(a.value))
      out.push(diag("html-duplicate-id", `id "${a.value}" is already used on line ${ids.get(a.value)}`, at(a.line)));
    else ids.set(a.value, a.line);
  }
  const paths = new Set(files.map((f) => f.path));
  for (const a of attrs.filter((a) => a.name !== "id")) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(a.value.trim()) || /^\s*[/\\]{2}/.test(a.value)) {
      out.push(diag("html-external-reference", `${a.name}="${a.value}" points outside the out dir`, at(a.line)));
    } else if (a.value.startsWith("#")) {
      if (!ids.has(safeDecode(a.value.slice(1))))
        out.push(diag("html-reference-broken", `${a.name}="${a.value}" names no id of the page`, at(a.line)));
    } else {
      const target = safeDecode(a.value.replace(/[?#].*$/, "")).replace(/^\.\//, "");
      if (!paths.has(target))
        out.push(diag("html-reference-broken", `${a.name}="${a.value}": the build writes no ${target}`, at(a.line)));
    }
  }
  for (const id of operationIds) {
    if (!ids.has(operationAnchor(id)))
      out.push(diag("html-operation-missing", `operation ${id} has no anchor #${operationAnchor(id)}`, at(1)));
  }
  return [...checkMarkup(els, at), ...out];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
