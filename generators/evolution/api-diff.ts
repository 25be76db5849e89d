/**
 * API change detection between two parsed OpenAPI 3.0.3 documents: every difference an existing
 * client can notice, classified breaking or non-breaking, with its location (a JSON pointer into
 * the new document, or the old one for removals) and the operations it affects.
 *
 * Rules. Schemas are compared in the direction data flows: a *request* schema is written by the
 * client and read by the server, a *response* schema the other way round.
 * - operation removed: breaking. Added: non-breaking. Newly deprecated: non-breaking.
 * - parameter (path, query, header) added as required or made required: breaking; added optional,
 *   removed, or made optional: non-breaking (servers ignore unknown parameters).
 * - request body newly required: breaking.
 * - request property added as required or made required: breaking; added optional or removed:
 *   non-breaking (objects are open; the server ignores what it does not know).
 * - response property removed, made optional, or made nullable: breaking; added: non-breaking.
 * - a property removed and another added with the same schema in one object: renamed — breaking
 *   in both directions (old clients read or send the old name).
 * - type or format changed: breaking in both directions.
 * - request narrowing (maxLength down, minLength up, minimum up, maximum down, pattern changed,
 *   enum value removed, nullable removed): breaking; the opposite widening is non-breaking.
 * - response enum value added: BREAKING. Debatable; decided for contractor's audience: Swift
 *   Codable and Kotlin serialization decode closed enums and fail on an unknown value. Response
 *   enum value removed and other response bound changes: non-breaking.
 * - security: breaking when an old way to call the operation (scheme + scopes) is no longer
 *   accepted — a public operation now needs auth, a scheme is dropped, a scope is required
 *   (oauth2 scopes and `x-required-scopes` alike); other auth changes (made public, fewer scopes,
 *   another scheme accepted) are non-breaking.
 * - response status removed: breaking for a success (2xx/3xx) status, non-breaking for an error
 *   status; added statuses are non-breaking. A media type or response header removed: breaking.
 */
import type { OpenAPIV3 } from "openapi-types";
import { pointer } from "../../src/design/diagnostics.ts";
import { canonical } from "../migrations/schema-diff.ts";

export type ApiChangeKind =
  | "operation-removed"
  | "operation-added"
  | "operation-deprecated"
  | "parameter-added"
  | "parameter-removed"
  | "parameter-required"
  | "parameter-optional"
  | "request-body-required"
  | "property-added"
  | "property-removed"
  | "property-renamed"
  | "property-required"
  | "property-optional"
  | "type-changed"
  | "nullable-changed"
  | "enum-value-added"
  | "enum-value-removed"
  | "bounds-narrowed"
  | "bounds-widened"
  | "pattern-changed"
  | "security-changed"
  | "status-removed"
  | "status-added"
  | "media-type-removed"
  | "header-removed";

export interface ApiChange {
  kind: ApiChangeKind;
  breaking: boolean;
  /** `openapi.yaml#<JSON pointer>`: in the new document, or the old one for removals. */
  location: string;
  /** operationIds affected, sorted. */
  operations: string[];
  message: string;
}

type Doc = OpenAPIV3.Document;
type Schema = OpenAPIV3.SchemaObject;
type Direction = "request" | "response";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
const FILE = "openapi.yaml";

interface Walk {
  old: Doc;
  now: Doc;
  found: Map<string, ApiChange>;
}

function add(w: Walk, op: string, change: Omit<ApiChange, "operations">): void {
  const key = `${change.kind}|${change.location}|${change.message}`;
  const existing = w.found.get(key);
  if (existing) {
    if (!existing.operations.includes(op)) existing.operations.push(op);
  } else w.found.set(key, { ...change, operations: op ? [op] : [] });
}

/** Follows local `$ref`s (`#/components/...`); returns the target and the pointer it lives at. */
function resolve<T>(
  doc: Doc,
  value: T | OpenAPIV3.ReferenceObject,
  at: string,
): { value: T; at: string; ref?: string } {
  let v: unknown = value;
  let where = at;
  let ref: string | undefined;
  for (let hops = 0; v && typeof v === "object" && "$ref" in (v as object) && hops < 32; hops++) {
    ref = (v as OpenAPIV3.ReferenceObject).$ref;
    where = ref.slice(1);
    v = ref
      .slice(2)
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<unknown>(
        (node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined),
        doc,
      );
  }
  return { value: v as T, at: where, ...(ref ? { ref } : {}) };
}

/** A schema with the 3.0 nullable-$ref wrapper (`{nullable, allOf: [$ref]}`) unwrapped. */
function flatten(
  doc: Doc,
  s: Schema | OpenAPIV3.ReferenceObject | undefined,
  at: string,
): { schema: Schema; at: string; nullable: boolean; ref?: string } | undefined {
  if (!s) return undefined;
  const r = resolve<Schema>(doc, s, at);
  if (!r.value) return undefined;
  const v = r.value;
  if (v.allOf && v.allOf.length === 1 && !v.properties) {
    const inner = flatten(doc, v.allOf[0], `${r.at}/allOf/0`);
    if (inner) return { ...inner, nullable: Boolean(v.nullable) || inner.nullable };
  }
  return { schema: v, at: r.at, nullable: Boolean(v.nullable), ...(r.ref ? { ref: r.ref } : {}) };
}

const loc = (at: string) => `${FILE}#${at}`;
const stripDocs = (s: unknown): string =>
  canonical(
    JSON.parse(JSON.stringify(s ?? null), (k, v) =>
      k === "description" || k === "example" || k === "examples" ? undefined : v,
    ),
  );

function compareSchemas(
  w: Walk,
  op: string,
  dir: Direction,
  oldS: Schema | OpenAPIV3.ReferenceObject | undefined,
  newS: Schema | OpenAPIV3.ReferenceObject | undefined,
  oldAt: string,
  newAt: string,
  seen: Set<string>,
  context: string,
): void {
  const o = flatten(w.old, oldS, oldAt);
  const n = flatten(w.now, newS, newAt);
  if (!o || !n) return;
  const key = `${o.at}|${n.at}|${dir}`;
  if (seen.has(key)) return;
  seen.add(key);
  const a = o.schema;
  const b = n.schema;
  const where = loc(n.at);
  // A component is named by itself; an inline schema by where it sits (property, parameter).
  const label = n.ref?.startsWith("#/components/schemas/") ? n.ref.slice("#/components/schemas/".length) : context;

  if (o.nullable !== n.nullable) {
    const breaking = dir === "response" ? n.nullable : !n.nullable;
    add(w, op, {
      kind: "nullable-changed",
      breaking,
      location: where,
      message: `${label} ${n.nullable ? "may now be null" : "may no longer be null"} (${dir})`,
    });
  }
  if ((a.type ?? "") !== (b.type ?? "") || (a.format ?? "") !== (b.format ?? "")) {
    add(w, op, {
      kind: "type-changed",
      breaking: true,
      location: where,
      message: `${label} changes type from ${a.type ?? "any"}${a.format ? `/${a.format}` : ""} to ${b.type ?? "any"}${b.format ? `/${b.format}` : ""} (${dir})`,
    });
    return;
  }
  if (a.enum || b.enum) {
    const before = (a.enum ?? []) as unknown[];
    const after = (b.enum ?? []) as unknown[];
    const added = after.filter((v) => !before.includes(v));
    const removed = before.filter((v) => !after.includes(v));
    if (added.length)
      add(w, op, {
        kind: "enum-value-added",
        breaking: dir === "response",
        location: where,
        message: `${label} gains ${added.join(", ")} (${dir}${dir === "response" ? ": clients decoding a closed enum fail on the new value" : ""})`,
      });
    if (removed.length)
      add(w, op, {
        kind: "enum-value-removed",
        breaking: dir === "request",
        location: where,
        message: `${label} loses ${removed.join(", ")} (${dir})`,
      });
  }
  if ((a.pattern ?? "") !== (b.pattern ?? "")) {
    add(w, op, {
      kind: "pattern-changed",
      breaking: dir === "request",
      location: where,
      message: `${label} pattern changes from ${a.pattern ?? "none"} to ${b.pattern ?? "none"} (${dir})`,
    });
  }
  const bounds: Array<[keyof Schema, "up" | "down"]> = [
    ["maxLength", "down"],
    ["minLength", "up"],
    ["minimum", "up"],
    ["maximum", "down"],
    ["maxItems", "down"],
    ["minItems", "up"],
  ];
  for (const [k, narrowWhen] of bounds) {
    const x = a[k] as number | undefined;
    const y = b[k] as number | undefined;
    if (x === y) continue;
    // A bound appearing is narrowing; disappearing is widening.
    const narrowed = x === undefined ? true : y === undefined ? false : narrowWhen === "down" ? y < x : y > x;
    add(w, op, {
      kind: narrowed ? "bounds-narrowed" : "bounds-widened",
      breaking: dir === "request" && narrowed,
      location: where,
      message: `${label} ${String(k)} ${x ?? "none"} → ${y ?? "none"} (${dir})`,
    });
  }
  if (a.type === "array" || b.type === "array") {
    compareSchemas(
      w,
      op,
      dir,
      (a as OpenAPIV3.ArraySchemaObject).items,
      (b as OpenAPIV3.ArraySchemaObject).items,
      `${o.at}/items`,
      `${n.at}/items`,
      seen,
      `${label}[]`,
    );
  }
  if (a.properties || b.properties) compareObjects(w, op, dir, o, n, seen, label);
}

function compareObjects(
  w: Walk,
  op: string,
  dir: Direction,
  o: { schema: Schema; at: string },
  n: { schema: Schema; at: string },
  seen: Set<string>,
  label: string,
): void {
  const ap = o.schema.properties ?? {};
  const bp = n.schema.properties ?? {};
  const areq = new Set(o.schema.required ?? []);
  const breq = new Set(n.schema.required ?? []);
  const removed = Object.keys(ap)
    .filter((k) => !(k in bp))
    .sort();
  const added = Object.keys(bp)
    .filter((k) => !(k in ap))
    .sort();
  const shape = (doc: Doc, s: Schema | OpenAPIV3.ReferenceObject, at: string) =>
    stripDocs(flatten(doc, s, at)?.schema ?? s);
  const renamed = new Map<string, string>();
  for (const r of removed) {
    const sig = shape(w.old, ap[r]!, `${o.at}/properties/${r}`);
    const matches = added.filter((x) => shape(w.now, bp[x]!, `${n.at}/properties/${x}`) === sig);
    const back = removed.filter((y) => shape(w.old, ap[y]!, `${o.at}/properties/${y}`) === sig);
    if (matches.length === 1 && back.length === 1) renamed.set(r, matches[0]!);
  }
  const renamedTo = new Set(renamed.values());
  const at = (doc: "old" | "new", p: string) =>
    loc(`${doc === "old" ? o.at : n.at}/properties/${p.replace(/~/g, "~0").replace(/\//g, "~1")}`);
  for (const [from, to] of renamed) {
    add(w, op, {
      kind: "property-renamed",
      breaking: true,
      location: at("new", to),
      message: `${label}.${from} is renamed to ${to} (${dir}: old clients ${dir === "response" ? "read" : "send"} ${from})`,
    });
  }
  for (const r of removed) {
    if (renamed.has(r)) continue;
    add(w, op, {
      kind: "property-removed",
      breaking: dir === "response",
      location: at("old", r),
      message: `${label}.${r} is removed (${dir})`,
    });
  }
  for (const x of added) {
    if (renamedTo.has(x)) continue;
    const required = breq.has(x);
    add(w, op, {
      kind: "property-added",
      breaking: dir === "request" && required,
      location: at("new", x),
      message: `${label}.${x} is added${required ? " as required" : ""} (${dir})`,
    });
  }
  for (const k of Object.keys(bp)
    .filter((k) => k in ap)
    .sort()) {
    if (areq.has(k) !== breq.has(k)) {
      const nowRequired = breq.has(k);
      add(w, op, {
        kind: nowRequired ? "property-required" : "property-optional",
        breaking: dir === "request" ? nowRequired : !nowRequired,
        location: at("new", k),
        message: `${label}.${k} becomes ${nowRequired ? "required" : "optional"} (${dir})`,
      });
    }
    compareSchemas(
      w,
      op,
      dir,
      ap[k],
      bp[k],
      `${o.at}/properties/${k}`,
      `${n.at}/properties/${k}`,
      seen,
      `${label}.${k}`,
    );
  }
}

type Param = OpenAPIV3.ParameterObject;

function params(
  doc: Doc,
  item: OpenAPIV3.PathItemObject,
  opObj: OpenAPIV3.OperationObject,
  at: string,
): Map<string, { p: Param; at: string }> {
  const out = new Map<string, { p: Param; at: string }>();
  const all = [
    ...(item.parameters ?? []).map((p, i) => [p, `${at.slice(0, at.lastIndexOf("/"))}/parameters/${i}`] as const),
    ...(opObj.parameters ?? []).map((p, i) => [p, `${at}/parameters/${i}`] as const),
  ];
  for (const [p, where] of all) {
    const r = resolve<Param>(doc, p, where);
    if (r.value)
      out.set(`${r.value.in}:${r.value.in === "header" ? r.value.name.toLowerCase() : r.value.name}`, {
        p: r.value,
        at: r.at,
      });
  }
  return out;
}

/** Accepted ways to call an operation: scheme → required scopes (oauth2 scopes or x-required-scopes). */
function securityAlternatives(doc: Doc, opObj: OpenAPIV3.OperationObject): Array<Map<string, Set<string>>> {
  const reqs = opObj.security ?? doc.security ?? [];
  const extra = ((opObj as Record<string, unknown>)["x-required-scopes"] as string[] | undefined) ?? [];
  return reqs.map(
    (r) => new Map(Object.entries(r).map(([scheme, scopes]) => [scheme, new Set([...scopes, ...extra])] as const)),
  );
}

/** True when a client satisfying `old` also satisfies some alternative of `now`. */
function stillAccepted(old: Map<string, Set<string>>, now: Array<Map<string, Set<string>>>): boolean {
  if (now.length === 0 || now.some((alt) => alt.size === 0)) return true; // public now
  return now.some((alt) =>
    [...alt].every(([scheme, scopes]) => old.has(scheme) && [...scopes].every((s) => old.get(scheme)!.has(s))),
  );
}

function compareOperation(
  w: Walk,
  id: string,
  o: { item: OpenAPIV3.PathItemObject; op: OpenAPIV3.OperationObject; at: string },
  n: { item: OpenAPIV3.PathItemObject; op: OpenAPIV3.OperationObject; at: string },
): void {
  const where = loc(n.at);
  if (!o.op.deprecated && n.op.deprecated)
    add(w, id, { kind: "operation-deprecated", breaking: false, location: where, message: `${id} is deprecated` });

  // security
  const oldSec = securityAlternatives(w.old, o.op);
  const newSec = securityAlternatives(w.now, n.op);
  const secKey = (alts: Array<Map<string, Set<string>>>) =>
    canonical(alts.map((m) => Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort()]))));
  if (secKey(oldSec) !== secKey(newSec)) {
    const wasPublic = oldSec.length === 0 || oldSec.some((a) => a.size === 0);
    const broken = wasPublic ? !stillAccepted(new Map(), newSec) : oldSec.some((alt) => !stillAccepted(alt, newSec));
    add(w, id, {
      kind: "security-changed",
      breaking: broken,
      location: `${where}/security`,
      message: `${id} auth changes from ${describeSecurity(oldSec)} to ${describeSecurity(newSec)}`,
    });
  }

  // parameters
  const op = params(w.old, o.item, o.op, o.at);
  const np = params(w.now, n.item, n.op, n.at);
  for (const [k, { p, at }] of np) {
    const before = op.get(k);
    if (!before) {
      add(w, id, {
        kind: "parameter-added",
        breaking: Boolean(p.required),
        location: loc(at),
        message: `${id} gains ${p.required ? "required" : "optional"} ${p.in} parameter ${p.name}`,
      });
      continue;
    }
    if (Boolean(before.p.required) !== Boolean(p.required)) {
      add(w, id, {
        kind: p.required ? "parameter-required" : "parameter-optional",
        breaking: Boolean(p.required),
        location: loc(at),
        message: `${id}: ${p.in} parameter ${p.name} becomes ${p.required ? "required" : "optional"}`,
      });
    }
    compareSchemas(
      w,
      id,
      "request",
      before.p.schema,
      p.schema,
      `${before.at}/schema`,
      `${at}/schema`,
      new Set(),
      `${id} ${p.in} parameter ${p.name}`,
    );
  }
  for (const [k, { p, at }] of op) {
    if (!np.has(k))
      add(w, id, {
        kind: "parameter-removed",
        breaking: false,
        location: loc(at),
        message: `${id} no longer takes ${p.in} parameter ${p.name}`,
      });
  }

  // request body
  const ob = o.op.requestBody
    ? resolve<OpenAPIV3.RequestBodyObject>(w.old, o.op.requestBody, `${o.at}/requestBody`)
    : undefined;
  const nb = n.op.requestBody
    ? resolve<OpenAPIV3.RequestBodyObject>(w.now, n.op.requestBody, `${n.at}/requestBody`)
    : undefined;
  if (nb?.value?.required && !ob?.value?.required)
    add(w, id, {
      kind: "request-body-required",
      breaking: true,
      location: loc(nb.at),
      message: `${id} now requires a request body`,
    });
  if (ob?.value && nb?.value) compareContent(w, id, "request", ob.value.content, nb.value.content, ob.at, nb.at);

  // responses
  const or = o.op.responses ?? {};
  const nr = n.op.responses ?? {};
  for (const status of Object.keys(or).sort()) {
    if (status in nr) continue;
    const success = /^[23]/.test(status);
    add(w, id, {
      kind: "status-removed",
      breaking: success,
      location: loc(`${o.at}/responses/${status}`),
      message: `${id} no longer returns ${status}`,
    });
  }
  for (const status of Object.keys(nr).sort()) {
    const nAt = `${n.at}/responses/${status}`;
    if (!(status in or)) {
      add(w, id, {
        kind: "status-added",
        breaking: false,
        location: loc(nAt),
        message: `${id} may now return ${status}`,
      });
      continue;
    }
    const a = resolve<OpenAPIV3.ResponseObject>(w.old, or[status]!, `${o.at}/responses/${status}`);
    const b = resolve<OpenAPIV3.ResponseObject>(w.now, nr[status]!, nAt);
    if (!a.value || !b.value) continue;
    for (const h of Object.keys(a.value.headers ?? {}).sort()) {
      if (!(h in (b.value.headers ?? {})))
        add(w, id, {
          kind: "header-removed",
          breaking: true,
          location: loc(`${a.at}/headers/${h}`),
          message: `${id} ${status} no longer sends header ${h}`,
        });
    }
    compareContent(w, id, "response", a.value.content, b.value.content, a.at, b.at);
  }
}

function compareContent(
  w: Walk,
  id: string,
  dir: Direction,
  a: Record<string, OpenAPIV3.MediaTypeObject> | undefined,
  b: Record<string, OpenAPIV3.MediaTypeObject> | undefined,
  aAt: string,
  bAt: string,
): void {
  for (const media of Object.keys(a ?? {}).sort()) {
    const esc = media.replace(/~/g, "~0").replace(/\//g, "~1");
    if (!b?.[media]) {
      add(w, id, {
        kind: "media-type-removed",
        breaking: true,
        location: loc(`${aAt}/content/${esc}`),
        message: `${id} ${dir} no longer offers ${media}`,
      });
      continue;
    }
    compareSchemas(
      w,
      id,
      dir,
      a![media]!.schema,
      b[media]!.schema,
      `${aAt}/content/${esc}/schema`,
      `${bAt}/content/${esc}/schema`,
      new Set(),
      `${id} ${dir} body`,
    );
  }
}

function describeSecurity(alts: Array<Map<string, Set<string>>>): string {
  if (alts.length === 0 || alts.some((a) => a.size === 0)) return "public";
  return alts
    .map((a) => [...a].map(([s, scopes]) => (scopes.size ? `${s} [${[...scopes].sort().join(", ")}]` : s)).join(" + "))
    .join(" or ");
}

function operations(
  doc: Doc,
): Map<string, { id: string; item: OpenAPIV3.PathItemObject; op: OpenAPIV3.OperationObject; at: string }> {
  const out = new Map<
    string,
    { id: string; item: OpenAPIV3.PathItemObject; op: OpenAPIV3.OperationObject; at: string }
  >();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!item) continue;
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      out.set(`${m.toUpperCase()} ${path}`, {
        id: op.operationId ?? `${m.toUpperCase()} ${path}`,
        item,
        op,
        at: pointer("paths", path, m),
      });
    }
  }
  return out;
}

/** Every client-visible difference between two OpenAPI documents, breaking first, then by location. */
export function diffOpenApi(old: Doc, now: Doc): ApiChange[] {
  const w: Walk = { old, now, found: new Map() };
  const a = operations(old);
  const b = operations(now);
  for (const [key, o] of a) {
    const n = b.get(key);
    if (!n)
      add(w, o.id, {
        kind: "operation-removed",
        breaking: true,
        location: loc(o.at),
        message: `${o.id} (${key}) is removed`,
      });
    else compareOperation(w, n.id, o, n);
  }
  for (const [key, n] of b) {
    if (!a.has(key))
      add(w, n.id, {
        kind: "operation-added",
        breaking: false,
        location: loc(n.at),
        message: `${n.id} (${key}) is added`,
      });
  }
  const list = [...w.found.values()];
  for (const c of list) c.operations.sort();
  return list.sort(
    (x, y) =>
      Number(y.breaking) - Number(x.breaking) ||
      (x.location < y.location ? -1 : x.location > y.location ? 1 : 0) ||
      (x.message < y.message ? -1 : 1),
  );
}
