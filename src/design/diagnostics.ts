/**
 * Diagnostics are values: `{ code, severity, message, path }`. `path` is a JSON pointer into
 * the design (RFC 6901) or `artifact:line` for a finding of an artifact checker. Codes are
 * declared once, with their documentation, in code tables that `src/diagnostics/registry.ts`
 * gathers; only a bug in contractor itself throws (see `assert`).
 */
export type Severity = "error" | "warning" | "info";

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** JSON pointer into the design (`/entities/2/fields/0`), or `artifact:line` (`openapi.yaml:42`). */
  path: string;
}

export interface CodeDoc {
  severity: Severity;
  /** One sentence: what triggers it and how to fix it. */
  doc: string;
}

/** Declares a table of codes; the keys become the literal type of the codes it accepts. */
export function defineCodes<const T extends Record<string, CodeDoc>>(table: T): T {
  for (const code of Object.keys(table)) {
    if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(code)) throw new Error(`diagnostic code ${code} is not kebab-case`);
  }
  return table;
}

/** Makes a `diag(code, message, path)` function bound to one code table. */
export function diagnosticsFor<T extends Record<string, CodeDoc>>(table: T) {
  return (code: keyof T & string, message: string, path: string, severity?: Severity): Diagnostic => ({
    code,
    severity: severity ?? table[code]!.severity,
    message,
    path,
  });
}

/** JSON pointer from segments, escaping `~` and `/` (RFC 6901 §3). */
export function pointer(...segments: Array<string | number>): string {
  return segments.map((s) => "/" + String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

class ContractorBug extends Error {}

/** The one way contractor throws: an internal invariant broke. User mistakes are diagnostics. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ContractorBug(`contractor bug: ${message}`);
}
