/**
 * HTML as values: `el` builds elements whose string children and attribute values are always
 * escaped (HTML Living Standard §13.1.2 character references), so a design string can never
 * become markup; `raw` marks the few fragments that already are safe HTML (markdown-it output).
 */
export type Node = string | number | Raw | null | undefined | false | readonly Node[];
export interface Raw {
  readonly html: string;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for element content and quoted attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export function raw(html: string): Raw {
  return { html };
}

function isRaw(n: unknown): n is Raw {
  return typeof n === "object" && n !== null && !Array.isArray(n) && "html" in n;
}

/** Serialises nodes to HTML text. */
export function render(node: Node): string {
  if (node === null || node === undefined || node === false) return "";
  if (typeof node === "string") return esc(node);
  if (typeof node === "number") return String(node);
  if (isRaw(node)) return node.html;
  return (node as readonly Node[]).map(render).join("");
}

const VOID = new Set(["meta", "link", "br", "hr", "img", "input"]);

export type Attrs = Record<string, string | number | boolean | undefined>;

/** An element; attributes with `false`/`undefined` are left out, `true` is a bare attribute. */
export function el(tag: string, attrs: Attrs | null, ...children: Node[]): Raw {
  const a = Object.entries(attrs ?? {})
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${esc(String(v))}"`))
    .join("");
  return raw(VOID.has(tag) ? `<${tag}${a}>` : `<${tag}${a}>${render(children)}</${tag}>`);
}
