/**
 * Reading SQL text back: split a script into statements (with the line each starts on) and
 * tokenise just enough to know what is a string literal, a quoted identifier or a comment
 * (PostgreSQL 15 docs §4.1). Covers what the generator writes — standard strings, quoted
 * identifiers, `--` and `/* *\/` comments — not dollar quoting or E'' strings.
 */

export interface Token {
  kind: "string" | "ident" | "comment" | "semicolon" | "other";
  text: string;
  /** Offset of the token's first character. */
  start: number;
}

/** Tokens of `sql`; concatenating their texts gives `sql` back. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: Token["kind"], end: number) => {
    tokens.push({ kind, text: sql.slice(i, end), start: i });
    i = end;
  };
  const quoted = (quote: string) => {
    let j = i + 1;
    for (;;) {
      const k = sql.indexOf(quote, j);
      if (k < 0) return sql.length;
      if (sql[k + 1] === quote) j = k + 2;
      else return k + 1;
    }
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'") push("string", quoted("'"));
    else if (c === '"') push("ident", quoted('"'));
    else if (c === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      push("comment", nl < 0 ? sql.length : nl);
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      push("comment", end < 0 ? sql.length : end + 2);
    } else if (c === ";") push("semicolon", i + 1);
    else {
      let j = i + 1;
      while (j < sql.length && !"'\";-/".includes(sql[j]!)) j++;
      push("other", j);
    }
  }
  return tokens;
}

export interface SqlStatement {
  /** The statement without its semicolon and without leading comments or blank lines. */
  sql: string;
  /** 1-based line of the script where the statement starts (`lineOffset` added). */
  line: number;
}

/** Splits a script into statements; `lineOffset` is the line before the script's first line in its file. */
export function splitStatements(script: string, lineOffset = 0): SqlStatement[] {
  const out: SqlStatement[] = [];
  let current: Token[] = [];
  let seenOffset = 0;
  let seenLine = 1;
  const lineAt = (offset: number) => {
    for (; seenOffset < offset; seenOffset++) if (script.charCodeAt(seenOffset) === 10) seenLine++;
    return seenLine;
  };
  const flush = () => {
    const first = current.findIndex((t) => t.kind !== "comment" && t.text.trim() !== "");
    if (first >= 0) {
      const body = current.slice(first);
      const lead = body[0]!;
      const skipped = lead.text.length - lead.text.trimStart().length;
      const sql = body
        .map((t) => t.text)
        .join("")
        .trim();
      const line = lineOffset + lineAt(lead.start + skipped);
      if (sql !== "") out.push({ sql, line });
    }
    current = [];
  };
  for (const t of tokenize(script)) {
    if (t.kind === "semicolon") flush();
    else current.push(t);
  }
  flush();
  return out;
}
