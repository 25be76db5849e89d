/**
 * `mergeImports`: an imported OpenAPI spec and an imported database → one design. The data
 * section comes from the database, the API (endpoints, errors, auth, tags, servers, info) from the
 * spec. Each payload schema of the spec is matched to an entity when their names agree after
 * case and plural normalisation (`Pet` ↔ `pets`, `OrderItem` ↔ `order_items`) and every property
 * has a column of the same name with a compatible type; a matched schema is replaced by the
 * entity everywhere the API names it (responses and property refs use the entity's read shape,
 * request bodies `shape: read`, so the body keeps the source's properties), and the entity's
 * columns the schema did not show are kept out of the API (`visibility: []`). An unmatched schema
 * stays a payload schema (renamed when its name is taken by an entity's shapes or an enum), and
 * the report says why it was not matched. Neither importer's placeholder survives: the spec's
 * endpoints replace the database's placeholder endpoint, the database's entities the spec's
 * placeholder entity.
 */
import { assert, type Diagnostic } from "../design/diagnostics.ts";
import { snakeCase } from "../design/names.ts";
import { tableName } from "../design/normalize.ts";
import type { Design, EnumDef, Field, Parameter, Payload, Property } from "../design/schema.ts";
import { validateDesign } from "../design/validate.ts";
import type { Loss } from "./loss.ts";
import type { ImportResult } from "./openapi.ts";
import type { DatabaseImportResult } from "./postgres.ts";

/** Why a schema was not matched to an entity. */
export type MismatchReason =
  | { kind: "no-table"; message: string }
  | { kind: "entity-taken"; entity: string; table: string; message: string }
  | { kind: "missing-column"; entity: string; table: string; property: string; message: string }
  | {
      kind: "type-mismatch";
      entity: string;
      table: string;
      property: string;
      column: string;
      message: string;
    };

export interface SchemaMatch {
  schema: string;
  entity: string;
  table: string;
  /** property → column, in the schema's order. */
  columns: Record<string, string>;
  /** Columns the schema does not show: kept out of the API (`visibility: []`). */
  hidden: string[];
  /** Where the spec and the table agree only loosely (the entity's definition is what the design keeps). */
  differences: string[];
}

export interface SchemaMismatch {
  schema: string;
  reasons: MismatchReason[];
  /** The payload schema's name in the merged design when its own was taken by an entity's shapes or an enum. */
  renamedTo?: string;
}

export interface MergeReport {
  matched: SchemaMatch[];
  unmatched: SchemaMismatch[];
  /** Enums of the spec renamed because the database has an enum of that name with other values. */
  renamedEnums: Array<{ from: string; to: string }>;
}

export interface MergedImportResult {
  /** Absent when either import produced no design. */
  design?: Design;
  merge?: MergeReport;
  openapi: { losses: Loss[]; diagnostics: Diagnostic[] };
  database: { losses: Loss[]; diagnostics: Diagnostic[] };
}

/** Notes of an importer that describe its placeholder (gone from a merged design). */
const PLACEHOLDER_CODES = new Set(["placeholder-entity", "placeholder-endpoint"]);

/**
 * The forms a name may take once case, separators and a plural ending are set aside: `OrderItems`,
 * `order_items` and `orderItem` share `orderitem`. Two names agree when their forms meet (so
 * `House` ↔ `houses` and `Category` ↔ `categories`, without a dictionary of plurals).
 */
export function nameForms(name: string): string[] {
  const flat = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  const forms = new Set([flat]);
  if (flat.endsWith("ies") && flat.length > 3) forms.add(`${flat.slice(0, -3)}y`);
  if (flat.endsWith("es") && flat.length > 2) forms.add(flat.slice(0, -2));
  if (flat.endsWith("s") && !flat.endsWith("ss") && flat.length > 1) forms.add(flat.slice(0, -1));
  return [...forms].sort();
}

const namesAgree = (a: string, b: string) => {
  const forms = new Set(nameForms(a));
  return nameForms(b).some((f) => forms.has(f));
};

/** A column's or property's name compared without case and underscores (`owner_id` ↔ `ownerId`). */
const memberKey = (name: string) => name.toLowerCase().replace(/_/g, "");

/** Design types that travel the same way: the entity's type replaces the schema's without changing the JSON kind. */
const TYPE_FAMILY: Partial<Record<Property["type"], string>> = {
  string: "text",
  text: "text",
  email: "text",
  url: "text",
  integer: "integer",
  bigint: "integer",
};

type Typed = Pick<Property, "type" | "enum" | "items">;

/** Two enums with the same values, in any order (the wire carries the same strings; the database's order is kept). */
function sameValues(a: EnumDef | undefined, b: EnumDef | undefined): boolean {
  if (!a || !b || a.values.length !== b.values.length) return false;
  const values = new Set(a.values);
  return b.values.every((v) => values.has(v));
}

/** Why a property cannot be a column's API view, or undefined when it can. */
function typeDisagreement(
  p: Typed,
  f: Typed,
  apiEnums: ReadonlyMap<string, EnumDef>,
  dbEnums: ReadonlyMap<string, EnumDef>,
): string | undefined {
  const label = (t: Typed): string =>
    t.type === "enum" ? `enum ${t.enum}` : t.type === "array" ? `array of ${t.items ? label(t.items) : "?"}` : t.type;
  const differ = `${label(p)} in the spec, ${label(f)} in the table`;
  if (p.type === "ref") return `${differ}: a column holds no object`;
  if (p.type === "enum" || f.type === "enum") {
    if (p.type !== f.type) return differ;
    return sameValues(apiEnums.get(p.enum ?? ""), dbEnums.get(f.enum ?? ""))
      ? undefined
      : `${differ}: the values differ`;
  }
  if (p.type === "array" || f.type === "array") {
    if (p.type !== f.type || !p.items || !f.items) return differ;
    return typeDisagreement(p.items as Typed, f.items as Typed, apiEnums, dbEnums) === undefined ? undefined : differ;
  }
  if (p.type === f.type) return undefined;
  const family = TYPE_FAMILY[p.type];
  return family !== undefined && family === TYPE_FAMILY[f.type] ? undefined : differ;
}

/** The column of a field, as normalisation derives it. */
const columnOf = (f: Field): string => f.column ?? snakeCase(f.name);

/** Merges the two imports into one design (see the module comment). */
export function mergeImports(api: ImportResult, db: DatabaseImportResult): MergedImportResult {
  const strip = (ds: Diagnostic[]) => ds.filter((d) => !PLACEHOLDER_CODES.has(d.code));
  const result: MergedImportResult = {
    openapi: { losses: api.losses, diagnostics: api.design ? strip(api.diagnostics) : api.diagnostics },
    database: { losses: db.losses, diagnostics: db.design ? strip(db.diagnostics) : db.diagnostics },
  };
  if (!api.design || !db.design) return result;
  const spec = structuredClone(api.design);
  const data = structuredClone(db.design.data);
  const entities = data.entities;
  const dbEnums = new Map((data.enums ?? []).map((e) => [e.name, e]));
  const apiEnums = new Map((spec.data.enums ?? []).map((e) => [e.name, e]));

  // ---- match payload schemas to entities ----
  const report: MergeReport = { matched: [], unmatched: [], renamedEnums: [] };
  const taken = new Map<string, string>();
  const renames = new Map<string, string>();
  const kept: Payload[] = [];
  for (const schema of spec.schemas ?? []) {
    const candidates = entities.filter((e) => namesAgree(schema.name, e.name) || namesAgree(schema.name, tableName(e)));
    if (candidates.length === 0) {
      report.unmatched.push({
        schema: schema.name,
        reasons: [{ kind: "no-table", message: `no table is named like ${schema.name}` }],
      });
      kept.push(schema);
      continue;
    }
    const reasons: MismatchReason[] = [];
    let matched: SchemaMatch | undefined;
    for (const entity of candidates) {
      const table = tableName(entity);
      if (taken.has(entity.name)) {
        reasons.push({
          kind: "entity-taken",
          entity: entity.name,
          table,
          message: `table ${table} is already the entity of schema ${taken.get(entity.name)}`,
        });
        continue;
      }
      const fields = new Map<string, Field>();
      for (const f of entity.fields) {
        fields.set(memberKey(f.name), f);
        fields.set(memberKey(columnOf(f)), f);
      }
      const found: MismatchReason[] = [];
      const columns: Record<string, string> = {};
      const differences: string[] = [];
      for (const p of schema.properties) {
        const f = fields.get(memberKey(p.name));
        if (!f) {
          found.push({
            kind: "missing-column",
            entity: entity.name,
            table,
            property: p.name,
            message: `property ${p.name} has no column in table ${table}`,
          });
          continue;
        }
        const column = columnOf(f);
        const why = typeDisagreement(p, f, apiEnums, dbEnums);
        if (why) {
          found.push({
            kind: "type-mismatch",
            entity: entity.name,
            table,
            property: p.name,
            column,
            message: `property ${p.name} ↔ column ${table}.${column}: ${why}`,
          });
          continue;
        }
        columns[p.name] = column;
        if (p.type !== f.type) differences.push(`${p.name}: ${p.type} in the spec, ${f.type} in the table`);
        if ((p.nullable ?? false) !== (f.nullable ?? false))
          differences.push(
            `${p.name}: ${p.nullable ? "nullable" : "not nullable"} in the spec, ${f.nullable ? "nullable" : "NOT NULL"} in the table`,
          );
        if (p.required === false) differences.push(`${p.name}: optional in the spec, always present in the entity`);
      }
      if (found.length > 0) {
        reasons.push(...found);
        continue;
      }
      const shown = new Set(Object.values(columns));
      const hidden = entity.fields.filter((f) => !shown.has(columnOf(f)));
      for (const f of hidden) f.visibility = [];
      matched = {
        schema: schema.name,
        entity: entity.name,
        table,
        columns,
        hidden: hidden.map(columnOf),
        differences,
      };
      break;
    }
    if (matched) {
      taken.set(matched.entity, schema.name);
      renames.set(schema.name, matched.entity);
      report.matched.push(matched);
    } else {
      report.unmatched.push({ schema: schema.name, reasons });
      kept.push(schema);
    }
  }

  // ---- names: every generated type name is unique (entities with their shapes, enums, payloads) ----
  const used = new Set<string>();
  const claim = (name: string) => used.add(name.toLowerCase());
  const free = (name: string) => !used.has(name.toLowerCase());
  for (const e of entities) for (const suffix of ["", "Create", "Update", "Page"]) claim(e.name + suffix);
  for (const e of dbEnums.keys()) claim(e);
  const enumRenames = new Map<string, string>();
  const enums: EnumDef[] = [...(data.enums ?? [])];
  for (const e of apiEnums.values()) {
    const same = dbEnums.get(e.name);
    if (sameValues(same, e)) continue;
    let name = e.name;
    if (!free(name)) {
      name = freeName(`${e.name}Api`, free);
      enumRenames.set(e.name, name);
      report.renamedEnums.push({ from: e.name, to: name });
    }
    claim(name);
    enums.push({ ...e, name });
  }
  const pages = new Set(
    spec.api.endpoints.filter((e) => e.response.paginated && e.response.schema).map((e) => e.response.schema!),
  );
  for (const s of kept) {
    let name = s.name;
    const wanted = pages.has(s.name) ? [s.name, `${s.name}Page`] : [s.name];
    if (!wanted.every(free)) {
      name = freeName(`${s.name}Payload`, (n) => free(n) && (!pages.has(s.name) || free(`${n}Page`)));
      renames.set(s.name, name);
      report.unmatched.find((u) => u.schema === s.name)!.renamedTo = name;
    }
    claim(name);
    if (pages.has(s.name)) claim(`${name}Page`);
  }

  // ---- rewrite the API onto the merged names ----
  const matchedSchemas = new Set(report.matched.map((m) => m.schema));
  const rename = (n: string) => renames.get(n) ?? n;
  const renameEnum = (n: string | undefined) => (n === undefined ? n : (enumRenames.get(n) ?? n));
  const retype = <T extends Typed & { ref?: string }>(t: T): T => {
    const out = { ...t };
    if (out.enum !== undefined) out.enum = renameEnum(out.enum);
    if (out.ref !== undefined) out.ref = rename(out.ref);
    if (out.items) out.items = retype(out.items as Typed & { ref?: string }) as T["items"];
    return out;
  };
  const endpoints = spec.api.endpoints.map((e) => ({
    ...e,
    ...(e.params ? { params: e.params.map((p) => retype(p) as Parameter) } : {}),
    ...(e.body
      ? {
          body: {
            ...e.body,
            schema: rename(e.body.schema),
            ...(matchedSchemas.has(e.body.schema) ? { shape: "read" as const } : {}),
          },
        }
      : {}),
    response: e.response.schema ? { ...e.response, schema: rename(e.response.schema) } : e.response,
  }));
  const schemas = kept.map((s) => ({ ...s, name: rename(s.name), properties: s.properties.map((p) => retype(p)) }));
  // An enum of the spec only its matched schemas used is the database's business now.
  const enumUsers = JSON.stringify([endpoints, schemas, entities]);
  const usedEnums = enums.filter((e) => dbEnums.has(e.name) || enumUsers.includes(`"enum":${JSON.stringify(e.name)}`));

  const design: Design = {
    ...spec,
    api: { ...spec.api, endpoints },
    data: { ...data, ...(usedEnums.length ? { enums: usedEnums } : {}), entities },
    ...(schemas.length ? { schemas } : {}),
  };
  if (!schemas.length) delete design.schemas;
  if (!usedEnums.length) delete design.data.enums;
  // The importers' guarantee holds for their merge: the result is a valid design (anything else is our bug).
  const invalid = validateDesign(JSON.parse(JSON.stringify(design))).diagnostics.filter((x) => x.severity === "error");
  assert(
    invalid.length === 0,
    `merged import produced an invalid design: ${invalid.map((x) => `${x.code} at ${x.path}: ${x.message}`).join("; ")}`,
  );
  return { ...result, design, merge: report };
}

/** `base`, or `base2`, `base3`… : the first that `free` accepts. */
function freeName(base: string, free: (name: string) => boolean): string {
  if (free(base)) return base;
  for (let n = 2; ; n++) if (free(`${base}${n}`)) return `${base}${n}`;
}
