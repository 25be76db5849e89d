/**
 * The fidelity harness: how much of a real API and a real database survives `contractor import`
 * → `contractor build`. Each input of the folders given (searched recursively) is imported, built
 * and compared with what the build generates; a table per half is printed, and `--write <file>`
 * also writes the Markdown report (docs/fidelity.md).
 *
 *   npm run fidelity -- ../shared/corpus [--write docs/fidelity.md]
 *   npm run fidelity -- ../shared/corpus/openapi ../shared/corpus/sql   (several folders or files)
 *
 * Inputs: `.yaml`, `.yml` and `.json` files are OpenAPI specs (the API half); `.sql` files are DDL
 * (the SQL half, scripts/fidelity-sql.ts), except `*.down.sql` (the undo half of an up/down pair).
 * An input is named by its path below the folder given, so one parent folder names them
 * `openapi/…` and `sql/…` (docs/fidelity.md is written that way).
 *
 * API half, measures (each over the original's operations or schemas):
 * - wire-compatible operations: same method and path template (parameter names aside) under the
 *   server's base path; parameters by location, name, required and schema type; request body by
 *   content type, required and schema shape; success responses by status, content type and shape;
 * - the same modulo the base path (the design's `<basePath>/v<N>` prefix is one known limit);
 * - component schemas equal in shape (types, properties, required, nullability, items, enums);
 * - the error model apart: error statuses kept, and error bodies equal in shape.
 *
 * SQL half: the original DDL and the generated up migration are loaded into two fresh databases
 * and their catalogs compared: tables, columns exact (type with length/precision, nullability,
 * default), primary keys, foreign keys with actions, uniques, indexes, checks, enums (labels in
 * order) and names; each miss is tied to the loss-report entries on the same object.
 */
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import type { OpenAPI } from "openapi-types";
import { parse } from "yaml";
import { importOpenApi, LOSS_CLASSES, type Loss } from "../src/import/openapi.ts";
import { typeName } from "../src/import/openapi-schemas.ts";
import { build } from "../src/pipeline/build.ts";
import type { Design } from "../src/design/schema.ts";
import { artifacts } from "../generators/index.ts";
import { measureSql, SQL_MEASURES, SQL_MEASURE_TITLES, type SqlFidelity } from "./fidelity-sql.ts";

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
  /** The imported design (absent when the import failed). */
  design?: Design;
  failed?: string;
}

/**
 * Measures one OpenAPI spec, a file or a text (the round-trip property passes contractor's own
 * openapi.yaml); `name` is how the report calls it (default: the file's name).
 */
export async function measure(
  source: string | { text: string },
  name = typeof source === "string" ? basename(source) : "spec",
): Promise<SpecFidelity> {
  const result: SpecFidelity = {
    spec: name,
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
  const imported = await importOpenApi(typeof source === "string" ? { file: source } : source);
  result.losses = imported.losses;
  if (!imported.design) {
    result.failed = imported.diagnostics.map((d) => d.code).join(", ");
    return result;
  }
  result.design = imported.design;
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
  const original = (await SwaggerParser.dereference(
    typeof source === "string" ? source : (parse(source.text) as OpenAPI.Document),
    options,
  )) as unknown as Node;
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
    // The import renames a schema whose name the format reserves for derived ones (`…Page`, `…Create`, `…Update`) with a `Body` suffix.
    const g = genSchemas[typeName(name)] ?? genSchemas[name] ?? genSchemas[`${typeName(name)}Body`];
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

/** Loss classes (most frequent first) × inputs, each with the format limit that causes it. */
function lossTable(rows: Array<{ name: string; losses: Loss[] }>): string {
  const classes = Object.keys(LOSS_CLASSES) as Array<keyof typeof LOSS_CLASSES>;
  const count = (r: { losses: Loss[] }, c: string) => r.losses.filter((l) => l.class === c).length;
  const total = (c: string) => rows.reduce((s, r) => s + count(r, c), 0);
  const used = classes.filter((c) => total(c) > 0).sort((a, b) => total(b) - total(a) || (a < b ? -1 : 1));
  const head = `| loss class | ${rows.map((r) => r.name).join(" | ")} | the format limit that causes it |\n|---|${rows.map(() => "---|").join("")}---|`;
  return `${head}\n${used.map((c) => `| \`${c}\` | ${rows.map((r) => count(r, c)).join(" | ")} | ${LOSS_CLASSES[c]} |`).join("\n")}\n`;
}

function reasonsTable(rows: SpecFidelity[]): string {
  const keys = [...new Set(rows.flatMap((r) => [...r.reasons.keys()]))].sort();
  const head = `| why an operation is not wire-compatible | ${rows.map((r) => r.spec).join(" | ")} |\n|---|${rows.map(() => "---|").join("")}`;
  return `${head}\n${keys.map((k) => `| ${k} | ${rows.map((r) => r.reasons.get(k) ?? 0).join(" | ")} |`).join("\n")}\n`;
}

const tally = (t: { kept: number; total: number }) => `${t.kept}/${t.total} (${pct(t.kept, t.total)})`;
const unexplained = (r: SqlFidelity) => r.misses.filter((m) => m.classes.length === 0).length;

/** The SQL half's table: one row per DDL file and a total. */
export function sqlTable(rows: SqlFidelity[]): string {
  const head = `| DDL | ${SQL_MEASURES.map((m) => SQL_MEASURE_TITLES[m]).join(" | ")} | losses | unexplained |\n|---|${SQL_MEASURES.map(() => "---|").join("")}---|---|`;
  const lines = rows.map((r) =>
    r.failed
      ? `| ${r.input} | failed: ${r.failed} |${SQL_MEASURES.map(() => " |").join("")} |`
      : `| ${r.input} | ${SQL_MEASURES.map((m) => tally(r.measures[m])).join(" | ")} | ${r.losses.length} | ${unexplained(r)} |`,
  );
  const sum = (m: (typeof SQL_MEASURES)[number]) => ({
    kept: rows.reduce((a, r) => a + r.measures[m].kept, 0),
    total: rows.reduce((a, r) => a + r.measures[m].total, 0),
  });
  lines.push(
    `| **all** | ${SQL_MEASURES.map((m) => tally(sum(m))).join(" | ")} | ${rows.reduce((a, r) => a + r.losses.length, 0)} | ${rows.reduce((a, r) => a + unexplained(r), 0)} |`,
  );
  return `${head}\n${lines.join("\n")}\n`;
}

/** Why original objects are not kept, per input, with the loss classes the import reported on them. */
function sqlReasonsTable(rows: SqlFidelity[]): string {
  const keys = [...new Set(rows.flatMap((r) => r.misses.map((m) => m.reason)))].sort();
  const classesOf = (k: string) =>
    [...new Set(rows.flatMap((r) => r.misses.filter((m) => m.reason === k).flatMap((m) => m.classes)))]
      .sort()
      .map((c) => `\`${c}\``)
      .join(", ") || "**none: unexplained**";
  const head = `| why an object is not kept | ${rows.map((r) => r.input).join(" | ")} | loss classes reported on those objects |\n|---|${rows.map(() => "---|").join("")}---|`;
  return `${head}\n${keys.map((k) => `| ${k} | ${rows.map((r) => r.misses.filter((m) => m.reason === k).length).join(" | ")} | ${classesOf(k)} |`).join("\n")}\n`;
}

/** The Markdown report (docs/fidelity.md). */
export function report(api: SpecFidelity[], sql: SqlFidelity[]): string {
  const apiPart = api.length
    ? `${table(api)}
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

${reasonsTable(api)}
### Losses, by the format limit that causes them

Every loss the import reports, grouped; \`contractor import openapi <spec> --report loss.json\` lists
each one with its JSON pointer into the source, what was lost and what the design holds instead.

${lossTable(api.map((r) => ({ name: r.spec, losses: r.losses })))}`
    : "No OpenAPI spec was measured.\n";
  const sqlPart = sql.length
    ? `${sqlTable(sql)}
Each original object counts once in its column, as kept/total:
- **tables**: a table of the same name exists (partitions aside: their parent counts).
- **columns exact**: the column of the same name has the same type as \`format_type\` prints it
  (length, precision and time zone included; an enum column, the matched enum), nullability,
  default (as \`pg_get_expr\` prints it, identity included) and generation expression.
- **primary keys**: the same columns in the same order.
- **foreign keys**: the same columns, referenced table and columns, \`ON DELETE\` / \`ON UPDATE\`
  actions, \`MATCH\` and deferrability (the name aside).
- **uniques**: a unique constraint on the same columns (a unique index there enforces the same
  rule but is another object; it counts under names only).
- **indexes** (those backing no constraint): the same uniqueness, method, key columns and
  expressions, \`INCLUDE\` columns, predicate and per-key options.
- **checks**: a check with the same expression.
- **enums**: the enum of the same name (or the one its columns use after the import) with the
  same labels in the same order.
- **names**: each primary key, foreign key, unique, check, index and enum whose counterpart has
  the same name.
- **unexplained**: objects not kept on which the import reported no loss; each would be a bug of
  the importer or of the generator (the loss report promises no silent approximation).

${sqlReasonsTable(sql)}
### Losses, by the format limit that causes them

Every loss the import reports, grouped; \`contractor import sql <file.sql> --report loss.json\` lists
each one with its pointer (\`/tables/<table>/columns/<column>\`…), what was lost and what the
design holds instead.

${lossTable(sql.map((r) => ({ name: r.input, losses: r.losses })))}`
    : "No DDL file was measured.\n";
  return `<!-- Generated by scripts/fidelity.ts (npm run fidelity -- ../shared/corpus --write docs/fidelity.md). Do not edit by hand. -->

# Import fidelity

How much of a real API and a real database survives \`contractor import\` → \`contractor build\`:
each input of the public corpus (\`../shared/corpus\`, see its README) is imported, built, and
compared with what the build generates. The numbers measure the design format's
expressiveness: each later format change should move them.

Reproduce (from the repository, with the corpus beside it):

\`\`\`sh
npm run fidelity -- ../shared/corpus --write docs/fidelity.md
\`\`\`

\`test/scripts/fidelity.test.ts\` runs the same measurement and fails when this document differs
from it (skipped when the corpus is absent).

## API (\`contractor import openapi\`)

Each spec is imported, built (the OpenAPI artifact and its checker), and the original spec is
compared with contractor's \`openapi.yaml\`.

${apiPart}
## Database (\`contractor import sql\`)

Each DDL file (an up migration, never its \`.down.sql\`) is imported, built (the migrations
artifact), and the original DDL and the generated up migration are loaded into two fresh
embedded PostgreSQL databases (PGlite) whose catalogs are compared, tables and columns by name.

${sqlPart}
## Round trip on contractor's own designs

\`test/property/round-trip-import.property.test.ts\` checks \`import(build(design))\` over generated
designs (\`FUZZ_ROUNDTRIP_RUNS\` runs more): the OpenAPI a design builds imports to a design whose
build is wire-compatible with it on every operation, equal in shape on every component schema and
error body, with the same endpoints; the up migration imports to a design whose migration has the
same catalog, names and comments included, and the same entities, fields, keys, indexes and
checks. The losses the import reports there are only what the build derives again (problem+json
bodies, derived response headers, structured examples, the page-size default, field defaults on
create schemas). Known gaps, left out of the property:

- an error of the catalog no endpoint answers is on the wire only as a value of \`ErrorCode\`, so
  the import does not keep it;
- \`sparseFields\`: the \`fields\` selection imports as a plain array parameter (its
  \`explode: false\`, \`minItems\` and \`uniqueItems\` are lost);
- \`caching\`: \`If-None-Match\` imports as a plain header and the 304 response is lost;
- rate-limit tiers are stated in response descriptions only, and the import does not keep them;
  token and session lifetimes and the version an operation was deprecated in are in descriptions
  only too, and the import assumes them.
`;
}

/** The inputs below each folder (or the files) given: OpenAPI specs and DDL files, each with its report name. */
export function collectInputs(paths: string[]): { api: Array<[string, string]>; sql: Array<[string, string]> } {
  const api: Array<[string, string]> = [];
  const sql: Array<[string, string]> = [];
  for (const root of paths) {
    const files = statSync(root).isDirectory()
      ? (readdirSync(root, { recursive: true }) as string[])
          .map((f) => join(root, f))
          .filter((f) => statSync(f).isFile())
          .sort()
      : [root];
    for (const file of files) {
      const name = file === root ? basename(file) : relative(root, file).split("\\").join("/");
      if (/\.sql$/i.test(file) && !/\.down\.sql$/i.test(file)) sql.push([file, name]);
      else if (/\.(ya?ml|json)$/i.test(file)) api.push([file, name]);
    }
  }
  return { api, sql };
}

/** Measures every input given (folders or files), the API half then the SQL half. */
export async function measureAll(paths: string[]): Promise<{ api: SpecFidelity[]; sql: SqlFidelity[] }> {
  const inputs = collectInputs(paths);
  const api: SpecFidelity[] = [];
  for (const [file, name] of inputs.api) api.push(await measure(file, name));
  const sql: SqlFidelity[] = [];
  for (const [file, name] of inputs.sql) sql.push(await measureSql(file, name));
  return { api, sql };
}

async function main(argv: string[]): Promise<number> {
  const writeAt = argv.indexOf("--write");
  const out = writeAt >= 0 ? argv[writeAt + 1] : undefined;
  const paths = argv.filter((a, i) => !a.startsWith("--") && !(writeAt >= 0 && i === writeAt + 1));
  if (paths.length === 0 || (writeAt >= 0 && !out)) {
    process.stderr.write(
      "usage: npm run fidelity -- <folder or file>... [--write docs/fidelity.md]\n" +
        "  OpenAPI specs (.yaml, .yml, .json) and DDL files (.sql, not .down.sql), searched recursively\n",
    );
    return 2;
  }
  for (const p of paths)
    try {
      statSync(p);
    } catch {
      process.stderr.write(`fidelity: cannot read ${p}\n`);
      return 2;
    }
  const { api, sql } = await measureAll(paths);
  if (api.length) process.stdout.write(`API\n\n${table(api)}\n`);
  if (sql.length) process.stdout.write(`SQL\n\n${sqlTable(sql)}`);
  if (api.length + sql.length === 0) process.stderr.write("fidelity: no OpenAPI spec or DDL file found\n");
  if (out) {
    writeFileSync(out, report(api, sql));
    process.stderr.write(`wrote ${out}\n`);
  }
  return api.some((r) => r.failed) || sql.some((r) => r.failed) || api.length + sql.length === 0 ? 1 : 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
