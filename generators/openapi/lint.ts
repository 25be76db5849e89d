/**
 * The project's own OpenAPI lint rules, beyond what swagger-parser validates: a table of small
 * rules, each owning one diagnostic code. A rule reads the parsed document and returns findings
 * located by their path of keys in it (turned into `openapi.yaml:LINE` by the checker).
 */
import type { openapiCodes } from "./codes.ts";

export interface Finding {
  code: keyof typeof openapiCodes & string;
  message: string;
  /** Keys from the document root to the offending node. */
  at: Array<string | number>;
}

type Obj = Record<string, unknown>;
type Rule = (doc: Obj) => Finding[];

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Resolves a local `#/a/b` reference (RFC 6901 unescaping); undefined when it points at nothing. */
export function resolveLocal(doc: Obj, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isObj(node) && !Array.isArray(node)) return undefined;
    node = (node as Obj)[key];
    if (node === undefined) return undefined;
  }
  return node;
}

function* operations(doc: Obj): Generator<{ path: string; method: string; op: Obj; item: Obj }> {
  const paths = isObj(doc.paths) ? doc.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObj(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (isObj(op)) yield { path, method, op, item };
    }
  }
}

/** Every node that is not inside an example or an `x-` extension, with its key path. */
function* walk(
  node: unknown,
  at: Array<string | number> = [],
  inPropertiesMap = false,
): Generator<{ node: unknown; at: Array<string | number>; isPropertiesMap: boolean }> {
  yield { node, at, isPropertiesMap: inPropertiesMap };
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* walk(node[i], [...at, i]);
  } else if (isObj(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (!inPropertiesMap && (k === "example" || k === "examples" || k.startsWith("x-"))) continue;
      yield* walk(v, [...at, k], !inPropertiesMap && k === "properties" && isObj(v));
    }
  }
}

const pathParams = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);

export const LINT_RULES: Record<Finding["code"], Rule | undefined> = {
  "openapi-invalid": undefined, // swagger-parser's verdict, not a lint rule
  "openapi-path-param-mismatch": (doc) => {
    const out: Finding[] = [];
    for (const { path, method, op, item } of operations(doc)) {
      const params = [
        ...(Array.isArray(item.parameters) ? item.parameters : []),
        ...(Array.isArray(op.parameters) ? op.parameters : []),
      ]
        .map((p) => (isObj(p) && typeof p.$ref === "string" ? resolveLocal(doc, p.$ref) : p))
        .filter((p): p is Obj => isObj(p) && p.in === "path")
        .map((p) => String(p.name));
      const template = pathParams(path);
      for (const name of template.filter((n) => !params.includes(n)))
        out.push({
          code: "openapi-path-param-mismatch",
          message: `${method.toUpperCase()} ${path}: {${name}} is not declared as a path parameter`,
          at: ["paths", path, method],
        });
      for (const name of params.filter((n) => !template.includes(n)))
        out.push({
          code: "openapi-path-param-mismatch",
          message: `${method.toUpperCase()} ${path}: path parameter "${name}" is not in the template`,
          at: ["paths", path, method],
        });
    }
    return out;
  },
  "openapi-duplicate-operation-id": (doc) => {
    const out: Finding[] = [];
    const seen = new Map<string, string>();
    for (const { path, method, op } of operations(doc)) {
      if (typeof op.operationId !== "string") continue;
      const prev = seen.get(op.operationId);
      if (prev)
        out.push({
          code: "openapi-duplicate-operation-id",
          message: `operationId "${op.operationId}" of ${method.toUpperCase()} ${path} is also used by ${prev}`,
          at: ["paths", path, method, "operationId"],
        });
      else seen.set(op.operationId, `${method.toUpperCase()} ${path}`);
    }
    return out;
  },
  "openapi-missing-success-response": (doc) =>
    [...operations(doc)]
      .filter(({ op }) => !Object.keys(isObj(op.responses) ? op.responses : {}).some((s) => /^2(\d\d|XX)$/.test(s)))
      .map(({ path, method }) => ({
        code: "openapi-missing-success-response" as const,
        message: `${method.toUpperCase()} ${path} has no 2xx response`,
        at: ["paths", path, method, "responses"],
      })),
  "openapi-missing-error-response": (doc) =>
    [...operations(doc)]
      .filter(({ op }) => !Object.keys(isObj(op.responses) ? op.responses : {}).some((s) => /^[45](\d\d|XX)$/.test(s)))
      .map(({ path, method }) => ({
        code: "openapi-missing-error-response" as const,
        message: `${method.toUpperCase()} ${path} has no 4xx or 5xx response`,
        at: ["paths", path, method, "responses"],
      })),
  "openapi-inline-object-schema": (doc) => {
    const out: Finding[] = [];
    for (const { node, at, isPropertiesMap } of walk(doc)) {
      if (isPropertiesMap || !isObj(node)) continue;
      const composed = "allOf" in node || "oneOf" in node || "anyOf" in node;
      const objectLike =
        isObj(node.properties) ||
        node.additionalProperties === true ||
        isObj(node.additionalProperties) ||
        (node.type === "object" && !composed);
      const named = at.length === 3 && at[0] === "components" && at[1] === "schemas";
      if (objectLike && !named)
        out.push({
          code: "openapi-inline-object-schema",
          message: `anonymous object schema at /${at.join("/")}; name it under components/schemas and $ref it`,
          at,
        });
    }
    return out;
  },
  "openapi-unresolved-ref": (doc) => {
    const out: Finding[] = [];
    for (const { node, at } of walk(doc)) {
      if (!isObj(node) || typeof node.$ref !== "string") continue;
      if (resolveLocal(doc, node.$ref) === undefined)
        out.push({
          code: "openapi-unresolved-ref",
          message: `$ref "${node.$ref}" resolves to nothing`,
          at: [...at, "$ref"],
        });
    }
    return out;
  },
  "openapi-schema-missing-example": (doc) => {
    const schemas = isObj(doc.components) && isObj(doc.components.schemas) ? doc.components.schemas : {};
    return Object.entries(schemas)
      .filter(([, s]) => isObj(s) && !("example" in s))
      .map(([name]) => ({
        code: "openapi-schema-missing-example" as const,
        message: `schema ${name} has no example`,
        at: ["components", "schemas", name],
      }));
  },
};

/** Runs every rule over a parsed document. */
export function lintDocument(doc: Obj): Finding[] {
  return Object.values(LINT_RULES).flatMap((rule) => (rule ? rule(doc) : []));
}
