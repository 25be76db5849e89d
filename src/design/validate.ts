/**
 * Schema validation (ajv, every error) followed by the semantic checks the schema cannot
 * express. Each problem becomes a diagnostic carrying a JSON pointer into the design.
 */
import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { Design } from "./schema.ts";
import { designCodes } from "./codes.ts";
import { diagnosticsFor, type Diagnostic } from "./diagnostics.ts";
import { checkSemantics } from "./semantics.ts";

const diag = diagnosticsFor(designCodes);

/** The ajv standalone code of schema.ts, written by `npm run schema` (src/design/validator-code.ts). */
export const VALIDATOR_FILE = "design-validator.generated.cjs";

let compiled: ValidateFunction | undefined;
/** The schema validator ajv compiled ahead of time (`npm run schema`; see validator-code.ts). */
function validator(): ValidateFunction {
  compiled ??= (createRequire(import.meta.url)(`./${VALIDATOR_FILE}`) as { default: ValidateFunction }).default;
  return compiled;
}

export interface ValidationResult {
  /** The design, present only when it passed the schema (semantic errors may remain). */
  design?: Design;
  diagnostics: Diagnostic[];
}

/** Validates a parsed document: schema first; semantic checks only on a schema-valid design. */
export function validateDesign(value: unknown): ValidationResult {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { diagnostics: [diag("schema-violation", "the design must be a mapping (an object) at the top level", "")] };
  }
  const version = (value as Record<string, unknown>).contractor;
  if (version !== 1) {
    return {
      diagnostics: [
        diag(
          "unsupported-version",
          version === undefined
            ? "missing `contractor: 1` (the format version)"
            : `unsupported format version ${JSON.stringify(version)}; this tool reads version 1`,
          "/contractor",
        ),
      ],
    };
  }
  const validate = validator();
  if (!validate(value)) return { diagnostics: schemaDiagnostics(validate.errors ?? []) };
  const design = value as Design;
  return { design, diagnostics: checkSemantics(design) };
}

function schemaDiagnostics(errors: ErrorObject[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  // An anyOf failure repeats one error per branch; report the anyOf once.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === "anyOf").map((e) => e.instancePath));
  for (const e of errors) {
    if (e.keyword !== "anyOf" && anyOfPaths.has(e.instancePath) && e.schemaPath.includes("/anyOf/")) continue;
    const { path, message } = describe(e);
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(diag("schema-violation", message, path));
  }
  return out;
}

function describe(e: ErrorObject): { path: string; message: string } {
  const at = e.instancePath;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties":
      return {
        path: `${at}/${escape(String(p.additionalProperty))}`,
        message: `unknown property "${String(p.additionalProperty)}"`,
      };
    case "required":
      return { path: at, message: `missing required property "${String(p.missingProperty)}"` };
    case "enum":
      return {
        path: at,
        message: `must be one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "pattern":
      return { path: at, message: `${show(e.data)} does not match the pattern ${String(p.pattern)}` };
    case "anyOf":
      return { path: at, message: "must be a string, number or boolean" };
    case "const":
      return { path: at, message: `must be ${JSON.stringify(p.allowedValue)}` };
    default:
      return { path: at, message: e.message ?? e.keyword };
  }
}

const escape = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");
const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}..."` : s;
};
