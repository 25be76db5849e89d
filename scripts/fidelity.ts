/**
 * The fidelity harness, API half: for each OpenAPI spec of a folder, import → build (the OpenAPI
 * artifact and its checker) → compare the original with contractor's openapi.yaml, and print a
 * table. `--write <file>` also writes the Markdown report (docs/fidelity.md).
 *
 *   npm run fidelity -- ../shared/corpus/openapi [--write docs/fidelity.md]
 *
 * Measures (each over the original's operations or schemas):
 * - wire-compatible operations: same method and path template (parameter names aside) under the
 *   server's base path; parameters by location, name, required and schema type; request body by
 *   content type, required and schema shape; success responses by status, content type and shape;
 * - the same modulo the base path (the design's `<basePath>/v<N>` prefix is one known limit);
 * - component schemas equal in shape (types, properties, required, nullability, items, enums);
 * - the error model apart: error statuses kept, and error bodies equal in shape.
 */
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import type { OpenAPI } from "openapi-types";
import { parse } from "yaml";
import { importOpenApi, LOSS_CLASSES, type Loss } from "../src/import/openapi.ts";
import { typeName } from "../src/import/openapi-schemas.ts";
import { build } from "../src/pipeline/build.ts";
import { artifacts } from "../generators/index.ts";

type Node = Record<string, unknown>;
const isObject = (v: unknown): v is Node => typeof v === "object" && v !== null && !Array.isArray(v);
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** A schema reduced to what the wire sees: types, properties, required, nullability, items, enums. */
function shape(schema: unknown, seen: Set<unknown> = new Set(), depth = 0): unknown {
  if (!isObject(schema)) return "any";
  if (seen.has(schema) || depth > 8) return "cycle";
  const next = new Set(seen).add(schema);
  let s: Node = schema;
  let nullable = s.nullable === true;
  if (Array.isArray(s.allOf)) {
    const merged: Node = { type: "object", properties: {}, required: [] as string[] };
    for (const part of [s, ...s.allOf]) {
      if (!isObject(part)) continue;
      if (part !== s && Array.isArray(part.allOf)) Object.assign(merged, { nested: true });
      if (isObject(part.properties)) Object.assign(merged.properties as Node, part.properties);
      if (Array.isArray(part.required)) (merged.required as string[]).push(...(part.required as string[]));
      if (typeof part.type === "string" && part.type !== "object" && s.allOf.length === 1) merged.type = part.type;
      for (const k of ["items", "enum", "additionalProperties", "oneOf", "anyOf"])
        if (part[k] !== undefined) merged[k] = part[k];
    }
    if (s.allOf.length === 1 && !isObject(s.properties)) return withNull(shape(s.allOf[0], next, depth + 1), nullable);
    s = merged;
  }
  for (const k of ["oneOf", "anyOf"]) {
    const alts = s[k];
    if (Array.isArray(alts)) {
      const rest = alts.filter((a) => !(isObject(a) && a.type === "null"));
      if (rest.length < alts.length) nullable = true;
      if (rest.length === 1) return withNull(shape(rest[0], next, depth + 1), nullable);
      return withNull({ [k]: rest.map((a) => shape(a, next, depth + 1)) }, nullable);
    }
  }
  let type = s.type;
  if (Array.isArray(type)) {
    if (type.includes("null")) nullable = true;
    const rest = type.filter((t) => t !== "null");
    type = rest.length === 1 ? rest[0] : rest.sort().join("|");
  }
  if (type === undefined && isObject(s.properties)) type = "object";
  const out: Node = { type: typeof type === "string" ? type : "any" };
  if (nullable && out.type !== "any") out.nullable = true;
  if (Array.isArray(s.enum)) out.enum = [...s.enum].map(String).sort();
  if (out.type === "array") out.items = shape(s.items, next, depth + 1);
  if (out.type === "object") {
    const props = isObject(s.properties) ? s.properties : {};
    out.properties = Object.fromEntries(
      Object.keys(props)
        .sort()
        .map((k) => [k, shape(props[k], next, depth + 1)]),
    );
    out.required = [...new Set((Array.isArray(s.required) ? s.required : []) as string[])].sort();
    if (s.additionalProperties !== undefined && s.additionalProperties !== false)
      out.map = shape(s.additionalProperties === true ? {} : s.additionalProperties, next, depth + 1);
  }
  return out;
}
const withNull = (x: unknown, nullable: boolean) =>
  nullable && isObject(x) && x.type !== "any" ? { ...x, nullable: true } : x;
const sameShape = (a: unknown, b: unknown) => JSON.stringify(shape(a)) === JSON.stringify(shape(b));
const typeOf = (s: unknown) => {
  const x = shape(s);
  return isObject(x) ? x.type : x;
};

interface Op {
  method: string;
  full: string;
  relative: string;
  op: Node;
  params: Node[];
}

function serverPath(doc: Node): string {
  const s = Array.isArray(doc.servers) && isObject(doc.servers[0]) ? String(doc.servers[0].url ?? "") : "";
  const m = /^(?:https?:\/\/[^/]+)?(\/[^?#]*)?$/.exec(s);
  return (m?.[1] ?? "").replace(/\/+$/, "");
}

const template = (p: string) => p.replace(/\{[^}]+\}/g, "{}");

function operations(doc: Node): Op[] {
  const base = serverPath(doc);
  const out: Op[] = [];
  for (const [path, item] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const byKey = new Map<string, Node>();
      for (const p of [
        ...(Array.isArray(item.parameters) ? item.parameters : []),
        ...(Array.isArray(op.parameters) ? op.parameters : []),
      ])
        if (isObject(p)) byKey.set(`${p.in}:${String(p.name).toLowerCase()}`, p);
      out.push({ method, full: template(base + path), relative: template(path), op, params: [...byKey.values()] });
    }
  }
  return out;
}

function content(body: unknown): Node {
  return isObject(body) && isObject(body.content) ? body.content : {};
}

/** Why an original operation is not wire-compatible with its generated counterpart (empty: it is). */
function incompatibilities(orig: Op, gen: Op): string[] {
  const why: string[] = [];
  const genParams = new Map(
    gen.params.map((p) => [`${p.in}:${p.in === "path" ? "" : String(p.name).toLowerCase()}`, p]),
  );
  const origPath = orig.params.filter((p) => p.in === "path");
  const genPath = gen.params.filter((p) => p.in === "path");
  origPath.forEach((p, i) => {
    if (genPath[i] && typeOf(p.schema) !== typeOf(genPath[i]!.schema))
      why.push(`path parameter ${String(p.name)} type`);
  });
  for (const p of orig.params) {
    if (p.in === "path" || p.in === "cookie") {
      if (p.in === "cookie") why.push(`cookie parameter ${String(p.name)}`);
      continue;
    }
    const g = genParams.get(`${p.in}:${String(p.name).toLowerCase()}`);
    if (!g) why.push(`${p.in} parameter ${String(p.name)} missing`);
    else {
      if (Boolean(p.required) !== Boolean(g.required)) why.push(`${p.in} parameter ${String(p.name)} required`);
      if (typeOf(p.schema) !== typeOf(g.schema)) why.push(`${p.in} parameter ${String(p.name)} type`);
    }
  }
  const origNames = new Set(orig.params.map((p) => `${p.in}:${String(p.name).toLowerCase()}`));
  for (const g of gen.params)
    if (g.in !== "path" && g.required === true && !origNames.has(`${g.in}:${String(g.name).toLowerCase()}`))
      why.push(`extra required ${g.in} parameter ${String(g.name)}`);
  const ob = orig.op.requestBody;
  const gb = gen.op.requestBody;
  if (ob || gb) {
    if (!ob || !gb) why.push("request body presence");
    else {
      const oc = content(ob);
      const gc = content(gb);
      if (Object.keys(oc).sort().join() !== Object.keys(gc).sort().join()) why.push("request body content types");
      else if (Object.keys(oc).some((t) => !sameShape((oc[t] as Node)?.schema, (gc[t] as Node)?.schema)))
        why.push("request body shape");
      if (Boolean((ob as Node).required) !== Boolean((gb as Node).required)) why.push("request body required");
    }
  }
  const or = isObject(orig.op.responses) ? orig.op.responses : {};
  const gr = isObject(gen.op.responses) ? gen.op.responses : {};
  for (const status of Object.keys(or).filter((s) => /^2/.test(s))) {
    if (!gr[status]) {
      why.push(`response ${status} missing`);
      continue;
    }
    const oc = content(or[status]);
    const gc = content(gr[status]);
    if (Object.keys(oc).sort().join() !== Object.keys(gc).sort().join()) why.push(`response ${status} content types`);
    else if (Object.keys(oc).some((t) => !sameShape((oc[t] as Node)?.schema, (gc[t] as Node)?.schema)))
      why.push(`response ${status} shape`);
  }
  return why;
}

export interface SpecFidelity {
  spec: string;
  operations: number;
  imported: number;
  compatible: number;
  compatibleModuloBase: number;
  schemas: number;
  schemasEqual: number;
  errorResponses: number;
  errorStatusesKept: number;
  errorBodiesEqual: number;
  losses: Loss[];
  reasons: Map<string, number>;
  failed?: string;
}

export async function measure(file: string): Promise<SpecFidelity> {
  const result: SpecFidelity = {
    spec: basename(file),
    operations: 0,
    imported: 0,
    compatible: 0,
    compatibleModuloBase: 0,
    schemas: 0,
    schemasEqual: 0,
    errorResponses: 0,
    errorStatusesKept: 0,
    errorBodiesEqual: 0,
    losses: [],
    reasons: new Map(),
  };
  const imported = await importOpenApi({ file });
  result.losses = imported.losses;
  if (!imported.design) {
    result.failed = imported.diagnostics.map((d) => d.code).join(", ");
    return result;
  }
  const openapi = artifacts.filter((a) => a.name === "openapi");
  const built = await build(
    { text: JSON.stringify(imported.design), name: "design" },
    { engine: false, artifacts: openapi },
  );
  const file$ = built.files.find((f) => f.path === "openapi.yaml");
  if (!built.ok || !file$) {
    result.failed = `build: ${built.diagnostics
      .filter((d) => d.severity === "error")
      .map((d) => d.code)
      .join(", ")}`;
    return result;
  }
  const options = { resolve: { external: false }, dereference: { circular: true as const } };
  const original = (await SwaggerParser.dereference(file, options)) as unknown as Node;
  const generated = (await SwaggerParser.dereference(
    parse(String(file$.contents)) as OpenAPI.Document,
    options,
  )) as unknown as Node;
  const genOps = operations(generated);
  const origOps = operations(original);
  result.operations = origOps.length;
  for (const o of origOps) {
    const exact = genOps.find((g) => g.method === o.method && g.full === o.full);
    const relative = genOps
      .filter((g) => g.method === o.method && o.full.endsWith(g.relative))
      .sort((a, b) => b.relative.length - a.relative.length)[0];
    const match = exact ?? relative;
    if (!match) {
      result.reasons.set("operation not imported", (result.reasons.get("operation not imported") ?? 0) + 1);
      continue;
    }
    result.imported++;
    const why = incompatibilities(o, match);
    for (const w of why) {
      const key = w.replace(/ (parameter|response) \S+ /, " $1 ");
      result.reasons.set(key, (result.reasons.get(key) ?? 0) + 1);
    }
    if (why.length === 0) {
      result.compatibleModuloBase++;
      if (exact) result.compatible++;
    }
    const or = isObject(o.op.responses) ? o.op.responses : {};
    const gr = isObject(match.op.responses) ? match.op.responses : {};
    for (const status of Object.keys(or).filter((s) => !/^2/.test(s))) {
      result.errorResponses++;
      if (!gr[status]) continue;
      result.errorStatusesKept++;
      const oc = content(or[status]);
      const gc = content(gr[status]);
      if (
        Object.keys(oc).sort().join() === Object.keys(gc).sort().join() &&
        Object.keys(oc).every((t) => sameShape((oc[t] as Node)?.schema, (gc[t] as Node)?.schema))
      )
        result.errorBodiesEqual++;
    }
  }
  const origSchemas =
    isObject(original.components) && isObject(original.components.schemas) ? original.components.schemas : {};
  const genSchemas =
    isObject(generated.components) && isObject(generated.components.schemas) ? generated.components.schemas : {};
  for (const [name, s] of Object.entries(origSchemas)) {
    result.schemas++;
    const g = genSchemas[typeName(name)] ?? genSchemas[name];
    if (g && sameShape(s, g)) result.schemasEqual++;
  }
  return result;
}

const pct = (n: number, of: number) => (of === 0 ? "—" : `${Math.round((100 * n) / of)} %`);

function table(rows: SpecFidelity[]): string {
  const head =
    "| spec | operations | imported | wire-compatible | modulo base path | component schemas equal | error statuses kept | error bodies equal | losses |\n|---|---|---|---|---|---|---|---|---|";
  const lines = rows.map((r) =>
    r.failed
      ? `| ${r.spec} | failed: ${r.failed} | | | | | | | |`
      : `| ${r.spec} | ${r.operations} | ${r.imported} | ${r.compatible} (${pct(r.compatible, r.operations)}) | ${r.compatibleModuloBase} (${pct(r.compatibleModuloBase, r.operations)}) | ${r.schemasEqual}/${r.schemas} (${pct(r.schemasEqual, r.schemas)}) | ${r.errorStatusesKept}/${r.errorResponses} (${pct(r.errorStatusesKept, r.errorResponses)}) | ${r.errorBodiesEqual}/${r.errorResponses} (${pct(r.errorBodiesEqual, r.errorResponses)}) | ${r.losses.length} |`,
  );
  const sum = (k: keyof SpecFidelity) => rows.reduce((a, r) => a + (r[k] as number), 0);
  lines.push(
    `| **all** | ${sum("operations")} | ${sum("imported")} | ${sum("compatible")} (${pct(sum("compatible"), sum("operations"))}) | ${sum("compatibleModuloBase")} (${pct(sum("compatibleModuloBase"), sum("operations"))}) | ${sum("schemasEqual")}/${sum("schemas")} (${pct(sum("schemasEqual"), sum("schemas"))}) | ${sum("errorStatusesKept")}/${sum("errorResponses")} (${pct(sum("errorStatusesKept"), sum("errorResponses"))}) | ${sum("errorBodiesEqual")}/${sum("errorResponses")} (${pct(sum("errorBodiesEqual"), sum("errorResponses"))}) | ${rows.reduce((a, r) => a + r.losses.length, 0)} |`,
  );
  return `${head}\n${lines.join("\n")}\n`;
}

function lossTable(rows: SpecFidelity[]): string {
  const classes = Object.keys(LOSS_CLASSES) as Array<keyof typeof LOSS_CLASSES>;
  const count = (r: SpecFidelity, c: string) => r.losses.filter((l) => l.class === c).length;
  const used = classes
    .filter((c) => rows.some((r) => count(r, c) > 0))
    .sort(
      (a, b) =>
        rows.reduce((s, r) => s + count(r, b), 0) - rows.reduce((s, r) => s + count(r, a), 0) || (a < b ? -1 : 1),
    );
  const head = `| loss class | ${rows.map((r) => r.spec).join(" | ")} | the format limit that causes it |\n|---|${rows.map(() => "---|").join("")}---|`;
  return `${head}\n${used.map((c) => `| \`${c}\` | ${rows.map((r) => count(r, c)).join(" | ")} | ${LOSS_CLASSES[c]} |`).join("\n")}\n`;
}

function reasonsTable(rows: SpecFidelity[]): string {
  const keys = [...new Set(rows.flatMap((r) => [...r.reasons.keys()]))].sort();
  const head = `| why an operation is not wire-compatible | ${rows.map((r) => r.spec).join(" | ")} |\n|---|${rows.map(() => "---|").join("")}`;
  return `${head}\n${keys.map((k) => `| ${k} | ${rows.map((r) => r.reasons.get(k) ?? 0).join(" | ")} |`).join("\n")}\n`;
}

function report(rows: SpecFidelity[]): string {
  return `<!-- Generated by scripts/fidelity.ts (npm run fidelity -- ../shared/corpus/openapi --write docs/fidelity.md). Do not edit by hand. -->

# Import fidelity

How much of a real API survives \`contractor import openapi\` → \`contractor build\`: each spec of
the public corpus (\`../shared/corpus/openapi\`, see its README) is imported, built, and the
original spec is compared with contractor's \`openapi.yaml\`. The numbers measure the design
format's expressiveness: each later format change should move them.

## API

${table(rows)}
- **wire-compatible**: same method, same path template under the server's base path (parameter
  names aside), every original query/header parameter present with the same name, \`required\`
  and schema type (no new required one), the same request body content types, \`required\` and
  schema shape, and every success response with the same status, content types and schema shape.
  A client generated from either spec then works against a server of the other.
- **modulo base path**: the same, matching the path below the base path (the design always
  serves \`<basePath>/v<N>\`).
- **component schemas equal**: same types, properties, required lists, nullability, items, enums
  and maps (formats and documentation aside).
- **error model**: error responses (4xx/5xx) of the original whose status the build keeps, and
  whose body is equal in shape (contractor answers RFC 9457 problem+json).

${reasonsTable(rows)}
## Losses, by the format limit that causes them

Every loss the import reports, grouped; \`contractor import openapi <spec> --report loss.json\` lists
each one with its JSON pointer into the source, what was lost and what the design holds instead.

${lossTable(rows)}
## Not measured yet

The database half (\`contractor import sql\` / \`import postgres\`: the catalogs of the original
schema and of the generated migration compared) and the round trip \`import(build(design))\` on
contractor's own designs are still to come (issue 18).
`;
}

async function main(argv: string[]): Promise<number> {
  const writeAt = argv.indexOf("--write");
  const out = writeAt >= 0 ? argv[writeAt + 1] : undefined;
  const dirs = argv.filter((a, i) => !a.startsWith("--") && !(writeAt >= 0 && i === writeAt + 1));
  const dir = dirs[0];
  if (!dir) {
    process.stderr.write("usage: npm run fidelity -- <dir of OpenAPI specs> [--write docs/fidelity.md]\n");
    return 2;
  }
  let files: string[];
  try {
    files = statSync(dir).isDirectory()
      ? readdirSync(dir)
          .filter((f) => /\.(ya?ml|json)$/.test(f))
          .sort()
          .map((f) => join(dir, f))
      : [dir];
  } catch {
    process.stderr.write(`fidelity: cannot read ${dir}\n`);
    return 2;
  }
  const rows: SpecFidelity[] = [];
  for (const f of files) rows.push(await measure(f));
  process.stdout.write(table(rows));
  if (out) {
    writeFileSync(out, report(rows));
    process.stderr.write(`wrote ${out}\n`);
  }
  return rows.some((r) => r.failed) ? 1 : 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
