/**
 * Escaping design text for Mermaid. Every piece of free text (labels, descriptions,
 * responsibilities, technology strings, issuer URLs…) passes through `text()` exactly once,
 * in one place, before it is placed in a diagram. Identifiers never come from free text: they
 * are fixed, prefixed (`svc_lists`) or aliased (`entity_Style["Style"]`).
 *
 * The scheme is Mermaid's own entity codes (`#quot;`, `#35;`): `mermaid.render` turns them into
 * HTML entities before parsing and back into characters in the SVG, while `mermaid.parse` sees
 * only harmless `#…;` runs. So hostile characters are escaped, never dropped.
 */

/** Characters that end or change a Mermaid token somewhere (quotes, comments, statement ends, HTML, markdown). */
const CODES: Readonly<Record<string, string>> = {
  ":": "#58;",
  '"': "#quot;",
  "#": "#35;",
  "%": "#37;",
  "&": "#amp;",
  "<": "#lt;",
  ">": "#gt;",
  ";": "#59;",
  "`": "#96;",
  "\\": "#92;",
  "|": "#124;",
};
/**
 * Special characters, plus a colon directly followed by a run that will hold an entity code:
 * mermaid's entity encoder first strips the last `;` of any line matching `style.*:\S*#.*;`
 * (or `classDef…`), which would break the code. Other colons (`https://`, `a: b`) stay readable.
 */
const SPECIAL = /:(?=\S*["#%&<>;`\\|])|["#%&<>;`\\|]/g;

/**
 * Free text → one line of Mermaid-safe text: whitespace runs (newlines included) become one
 * space, control characters go, and every special character becomes its entity code. A
 * `direction TB`-like phrase gets its space encoded too, since the ER and flowchart lexers
 * match that phrase anywhere on a line.
 */
export function text(raw: string): string {
  return raw
    .replace(/[\u0000-\u001f\u007f\u2028\u2029\s]+/g, " ")
    .trim()
    .replace(SPECIAL, (c) => CODES[c]!)
    .replace(/\b(direction) (?=(TB|TD|BT|RL|LR)\b)/gi, "$1#32;");
}

/** A quoted Mermaid string (`"…"`) holding escaped free text. */
export function quoted(raw: string): string {
  return `"${text(raw)}"`;
}

/** Joins escaped lines into one flowchart label, lines separated by `<br/>`. */
export function lines(...parts: Array<string | undefined>): string {
  return `"${parts
    .filter((p): p is string => p !== undefined && p.trim() !== "")
    .map(text)
    .join("<br/>")}"`;
}

/** Assembles a diagram: header comment, body lines, LF, one trailing newline. */
export function diagram(header: string, body: readonly string[]): string {
  return header + body.join("\n") + "\n";
}
