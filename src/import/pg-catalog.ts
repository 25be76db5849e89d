/**
 * A structured model of one PostgreSQL schema, read from the system catalogs (PostgreSQL docs
 * ch. 53, `pg_class`, `pg_attribute`, `pg_constraint`, `pg_index`, `pg_type`, `pg_enum`,
 * `pg_description`): tables with their columns, keys, foreign keys, uniques, checks and indexes,
 * enum types, and the objects a design has no place for (views, sequences not owned by a column,
 * triggers, policies, functions, domains, composite types). `import postgres` and `import sql`
 * map it to a design; a fidelity harness can compare two of them table by table.
 *
 * Every list is sorted (tables and enums by name, columns by position, the rest by name), so the
 * model of a schema is the same whatever order the catalog returns rows in.
 */
import type { Queryable } from "../../generators/migrations/catalog.ts";

export interface CatalogColumn {
  name: string;
  /** 1-based position among the live columns. */
  position: number;
  /** `format_type` of the column: `character varying(15)`, `timestamp(3) without time zone`, `"ReqType"`. */
  formatted: string;
  /** The type's own name and schema (`varchar`/`pg_catalog`, `ReqType`/`public`); for arrays the element's. */
  typeName: string;
  typeSchema: string;
  /** `b` base, `e` enum, `d` domain, `c` composite, `r` range, `m` multirange, `p` pseudo (of the element for arrays). */
  typeKind: string;
  /** An array column (any number of dimensions). */
  array: boolean;
  /** For domains: `format_type` of the base type. */
  domainBase?: string;
  notNull: boolean;
  /** `pg_get_expr` of the default, as the catalog prints it (`now()`, `'x'::character varying`). */
  default?: string;
  /** `always` / `by-default` for identity columns. */
  identity?: "always" | "by-default";
  /** The expression of a generated (stored) column. */
  generated?: string;
  /** The collation, when not the type's default. */
  collation?: string;
  comment?: string;
}

type ReferentialAction = "no-action" | "restrict" | "cascade" | "set-null" | "set-default";

interface CatalogKey {
  name: string;
  columns: string[];
  deferrable: boolean;
  comment?: string;
}

interface CatalogForeignKey extends CatalogKey {
  refSchema: string;
  refTable: string;
  refColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
  /** `simple` (the default), `full` or `partial`. */
  match: "simple" | "full" | "partial";
  validated: boolean;
}

interface CatalogCheck {
  name: string;
  /** `pg_get_constraintdef`: `CHECK ((price >= (0)::numeric))`. */
  definition: string;
  /** The expression alone, without `CHECK (...)` and flags. */
  expression: string;
  validated: boolean;
  noInherit: boolean;
  comment?: string;
}

interface CatalogIndex {
  name: string;
  unique: boolean;
  method: string;
  /** Key columns in order; `null` where the key is an expression. */
  columns: Array<string | null>;
  /** The key expressions in order (`lower((email)::text)`), empty when every key is a column. */
  expressions: string[];
  /** INCLUDE columns. */
  include: string[];
  /** `pg_get_expr` of the partial-index predicate. */
  predicate?: string;
  /** Per key: `DESC`, `NULLS FIRST/LAST`, a non-default operator class or collation. */
  options: string[];
  /** `pg_get_indexdef`. */
  definition: string;
  /** Set when the index backs a primary key, unique or exclusion constraint. */
  constraint?: string;
  comment?: string;
}

export interface CatalogTable {
  name: string;
  /** `table` or `partitioned table`; partitions are listed as `partition` with their parent. */
  kind: "table" | "partitioned table" | "partition";
  partitionOf?: string;
  comment?: string;
  columns: CatalogColumn[];
  primaryKey?: CatalogKey;
  uniques: CatalogKey[];
  foreignKeys: CatalogForeignKey[];
  checks: CatalogCheck[];
  /** Exclusion constraints (`pg_get_constraintdef`). */
  exclusions: Array<{ name: string; definition: string }>;
  indexes: CatalogIndex[];
  rowSecurity: boolean;
}

interface CatalogEnum {
  name: string;
  labels: string[];
  comment?: string;
}

/** An object of the schema that is neither a table nor an enum. */
export interface CatalogOther {
  kind: "view" | "materialized view" | "sequence" | "foreign table" | "trigger" | "policy" | "function" | "type";
  name: string;
  /** The table of a trigger or policy. */
  table?: string;
  /** For types: `domain`, `composite`, `range`… */
  detail?: string;
}

export interface CatalogModel {
  schema: string;
  tables: CatalogTable[];
  enums: CatalogEnum[];
  other: CatalogOther[];
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const ACTIONS: Record<string, ReferentialAction> = {
  a: "no-action",
  r: "restrict",
  c: "cascade",
  n: "set-null",
  d: "set-default",
};
const MATCH: Record<string, CatalogForeignKey["match"]> = { s: "simple", f: "full", p: "partial" };

/** Whether `schema` exists and the current role may read it (USAGE): read before `readCatalog`. */
export async function schemaAccess(db: Queryable, schema: string): Promise<"ok" | "missing" | "denied"> {
  const rows = await db.query<{ usage: boolean }>(
    "SELECT has_schema_privilege(n.oid, 'USAGE') AS usage FROM pg_namespace n WHERE n.nspname = $1",
    [schema],
  );
  if (rows.length === 0) return "missing";
  return rows[0]!.usage ? "ok" : "denied";
}

/** Reads the model of `schema` (see the module comment). */
export async function readCatalog(db: Queryable, schema: string): Promise<CatalogModel> {
  const relations = await db.query<{
    oid: number;
    relname: string;
    relkind: string;
    relispartition: boolean;
    parent: string | null;
    relrowsecurity: boolean;
    comment: string | null;
    owned: boolean;
  }>(
    `SELECT c.oid::int AS oid, c.relname, c.relkind, c.relispartition, c.relrowsecurity,
            (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid LIMIT 1) AS parent,
            obj_description(c.oid, 'pg_class') AS comment,
            EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                    AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')) AS owned
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')`,
    [schema],
  );
  const tables = new Map<number, CatalogTable>();
  const other: CatalogOther[] = [];
  const OTHER_KIND: Record<string, CatalogOther["kind"]> = {
    v: "view",
    m: "materialized view",
    S: "sequence",
    f: "foreign table",
  };
  for (const r of relations) {
    if (r.relkind === "r" || r.relkind === "p")
      tables.set(r.oid, {
        name: r.relname,
        kind: r.relispartition ? "partition" : r.relkind === "p" ? "partitioned table" : "table",
        ...(r.relispartition && r.parent ? { partitionOf: r.parent } : {}),
        ...(r.comment !== null ? { comment: r.comment } : {}),
        columns: [],
        uniques: [],
        foreignKeys: [],
        checks: [],
        exclusions: [],
        indexes: [],
        rowSecurity: r.relrowsecurity,
      });
    // A sequence owned by a column (serial, identity) belongs to that column's default.
    else if (!(r.relkind === "S" && r.owned)) other.push({ kind: OTHER_KIND[r.relkind]!, name: r.relname });
  }

  const columns = await db.query<{
    relid: number;
    attname: string;
    attnum: number;
    formatted: string;
    attnotnull: boolean;
    def: string | null;
    attidentity: string;
    attgenerated: string;
    typname: string;
    typschema: string;
    typtype: string;
    is_array: boolean;
    domain_base: string | null;
    collation: string | null;
    comment: string | null;
  }>(
    `SELECT a.attrelid::int AS relid, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod) AS formatted,
            a.attnotnull, pg_get_expr(d.adbin, d.adrelid) AS def, a.attidentity::text AS attidentity,
            a.attgenerated::text AS attgenerated,
            COALESCE(et.typname, t.typname) AS typname, COALESCE(etn.nspname, tn.nspname) AS typschema,
            COALESCE(et.typtype, t.typtype)::text AS typtype, et.oid IS NOT NULL AS is_array,
            CASE WHEN COALESCE(et.typtype, t.typtype) = 'd'
                 THEN format_type(COALESCE(et.typbasetype, t.typbasetype), COALESCE(et.typtypmod, t.typtypmod)) END AS domain_base,
            CASE WHEN a.attcollation <> 0 AND a.attcollation <> COALESCE(et.typcollation, t.typcollation)
                 THEN (SELECT co.collname FROM pg_collation co WHERE co.oid = a.attcollation) END AS collation,
            col_description(a.attrelid, a.attnum) AS comment
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_type t ON t.oid = a.atttypid JOIN pg_namespace tn ON tn.oid = t.typnamespace
     LEFT JOIN pg_type et ON t.typcategory = 'A' AND et.oid = t.typelem
     LEFT JOIN pg_namespace etn ON etn.oid = et.typnamespace
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attrelid, a.attnum`,
    [schema],
  );
  for (const c of columns) {
    const table = tables.get(c.relid);
    if (!table) continue;
    const generated = c.attgenerated !== "" && c.def !== null;
    table.columns.push({
      name: c.attname,
      position: table.columns.length + 1,
      formatted: c.formatted,
      typeName: c.typname,
      typeSchema: c.typschema,
      typeKind: c.typtype,
      array: c.is_array,
      ...(c.domain_base !== null ? { domainBase: c.domain_base } : {}),
      notNull: c.attnotnull,
      ...(c.def !== null && !generated ? { default: c.def } : {}),
      ...(c.attidentity === "a" ? { identity: "always" } : c.attidentity === "d" ? { identity: "by-default" } : {}),
      ...(generated ? { generated: c.def! } : {}),
      ...(c.collation !== null ? { collation: c.collation } : {}),
      ...(c.comment !== null ? { comment: c.comment } : {}),
    });
  }

  const constraints = await db.query<{
    relid: number;
    conname: string;
    contype: string;
    columns: string[] | null;
    ref_schema: string | null;
    ref_table: string | null;
    ref_columns: string[] | null;
    confdeltype: string;
    confupdtype: string;
    confmatchtype: string;
    condeferrable: boolean;
    convalidated: boolean;
    connoinherit: boolean;
    def: string;
    comment: string | null;
  }>(
    `SELECT con.conrelid::int AS relid, con.conname, con.contype::text AS contype,
            ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord) AS columns,
            rn.nspname AS ref_schema, rc.relname AS ref_table,
            ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord) AS ref_columns,
            con.confdeltype::text AS confdeltype, con.confupdtype::text AS confupdtype,
            con.confmatchtype::text AS confmatchtype, con.condeferrable, con.convalidated, con.connoinherit,
            pg_get_constraintdef(con.oid) AS def, obj_description(con.oid, 'pg_constraint') AS comment
     FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_class rc ON rc.oid = con.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
     WHERE n.nspname = $1 AND con.contype IN ('p', 'u', 'f', 'c', 'x')
     ORDER BY con.conname`,
    [schema],
  );
  for (const con of constraints) {
    const table = tables.get(con.relid);
    if (!table) continue;
    const comment = con.comment !== null ? { comment: con.comment } : {};
    const key = { name: con.conname, columns: con.columns ?? [], deferrable: con.condeferrable, ...comment };
    if (con.contype === "p") table.primaryKey = key;
    else if (con.contype === "u") table.uniques.push(key);
    else if (con.contype === "f")
      table.foreignKeys.push({
        ...key,
        refSchema: con.ref_schema ?? "",
        refTable: con.ref_table ?? "",
        refColumns: con.ref_columns ?? [],
        onDelete: ACTIONS[con.confdeltype] ?? "no-action",
        onUpdate: ACTIONS[con.confupdtype] ?? "no-action",
        match: MATCH[con.confmatchtype] ?? "simple",
        validated: con.convalidated,
      });
    else if (con.contype === "c")
      table.checks.push({
        name: con.conname,
        definition: con.def,
        expression: checkExpression(con.def),
        validated: con.convalidated,
        noInherit: con.connoinherit,
        ...comment,
      });
    else table.exclusions.push({ name: con.conname, definition: con.def });
  }

  const indexes = await db.query<{
    relid: number;
    relname: string;
    indisunique: boolean;
    amname: string;
    nkeys: number;
    keys: number[];
    names: Array<string | null>;
    opclasses: string[];
    collations: string[];
    exprs: string[];
    predicate: string | null;
    options: string[];
    def: string;
    constraint: string | null;
    comment: string | null;
  }>(
    `SELECT i.indrelid::int AS relid, ic.relname, i.indisunique, am.amname, i.indnkeyatts::int AS nkeys,
            ARRAY(SELECT k::int FROM unnest(i.indkey::int2[]) k) AS keys,
            ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
                  LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num ORDER BY k.ord) AS names,
            ARRAY(SELECT CASE WHEN opc.opcdefault THEN '' ELSE opc.opcname::text END
                  FROM unnest(i.indclass::oid[]) WITH ORDINALITY c(oid, ord) JOIN pg_opclass opc ON opc.oid = c.oid
                  ORDER BY c.ord) AS opclasses,
            ARRAY(SELECT COALESCE((SELECT co.collname::text FROM pg_collation co
                                   WHERE co.oid = c.coll AND c.coll <> COALESCE(a.attcollation, 0)), '')
                  FROM unnest(i.indcollation::oid[]) WITH ORDINALITY c(coll, ord)
                  LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[c.ord - 1]
                  ORDER BY c.ord) AS collations,
            ARRAY(SELECT pg_get_indexdef(i.indexrelid, k.ord::int, true) FROM generate_series(1, i.indnatts) WITH ORDINALITY k(n, ord)
                  ORDER BY k.ord) AS exprs,
            pg_get_expr(i.indpred, i.indrelid) AS predicate,
            ARRAY(SELECT CASE WHEN (o.opt & 1) = 1 THEN 'DESC' ELSE '' END || CASE WHEN (o.opt & 2) = 2 AND (o.opt & 1) = 0 THEN ' NULLS FIRST'
                              WHEN (o.opt & 2) = 0 AND (o.opt & 1) = 1 THEN ' NULLS LAST' ELSE '' END
                  FROM unnest(i.indoption::int2[]) WITH ORDINALITY o(opt, ord) ORDER BY o.ord) AS options,
            pg_get_indexdef(i.indexrelid) AS def,
            (SELECT con.conname FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
             AND con.contype IN ('p', 'u', 'x') LIMIT 1) AS constraint,
            obj_description(i.indexrelid, 'pg_class') AS comment
     FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
     JOIN pg_am am ON am.oid = ic.relam
     WHERE n.nspname = $1
     ORDER BY ic.relname`,
    [schema],
  );
  for (const ix of indexes) {
    const table = tables.get(ix.relid);
    if (!table) continue;
    const keys = ix.keys.slice(0, ix.nkeys);
    const columns = keys.map((k, j) => (k === 0 ? null : (ix.names[j] ?? null)));
    const expressions = keys.flatMap((k, j) => (k === 0 ? [ix.exprs[j] ?? ""] : []));
    const options = ix.options
      .slice(0, ix.nkeys)
      .map((o, j) => (o.trim() ? `${ix.exprs[j]} ${o.trim()}` : ""))
      .filter(Boolean);
    // A key with a non-default operator class or a collation other than its column's.
    keys.forEach((k, j) => {
      const key = k === 0 ? (ix.exprs[j] ?? "") : (ix.names[j] ?? "");
      if (ix.opclasses[j]) options.push(`${key} ${ix.opclasses[j]}`);
      if (ix.collations[j]) options.push(`${key} COLLATE "${ix.collations[j]}"`);
    });
    table.indexes.push({
      name: ix.relname,
      unique: ix.indisunique,
      method: ix.amname,
      columns,
      expressions,
      include: ix.names.slice(ix.nkeys).filter((n): n is string => n !== null),
      ...(ix.predicate !== null ? { predicate: ix.predicate } : {}),
      options,
      definition: ix.def,
      ...(ix.constraint !== null ? { constraint: ix.constraint } : {}),
      ...(ix.comment !== null ? { comment: ix.comment } : {}),
    });
  }

  const enums = await db.query<{ typname: string; labels: string[]; comment: string | null }>(
    `SELECT t.typname, ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels,
            obj_description(t.oid, 'pg_type') AS comment
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = $1 AND t.typtype = 'e'`,
    [schema],
  );
  const types = await db.query<{ typname: string; typtype: string }>(
    `SELECT t.typname, t.typtype::text AS typtype FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = $1 AND (t.typtype IN ('d', 'r', 'm')
       OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c')))`,
    [schema],
  );
  const TYPE_KIND: Record<string, string> = { d: "domain", r: "range", m: "multirange", c: "composite" };
  for (const t of types) other.push({ kind: "type", name: t.typname, detail: TYPE_KIND[t.typtype] ?? t.typtype });

  const triggers = await db.query<{ tgname: string; relname: string }>(
    `SELECT tg.tgname, c.relname FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT tg.tgisinternal`,
    [schema],
  );
  for (const t of triggers) other.push({ kind: "trigger", name: t.tgname, table: t.relname });
  const policies = await db.query<{ polname: string; relname: string }>(
    `SELECT p.polname, c.relname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1`,
    [schema],
  );
  for (const p of policies) other.push({ kind: "policy", name: p.polname, table: p.relname });
  const functions = await db.query<{ signature: string }>(
    `SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS signature
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
       AND d.objid = p.oid AND d.deptype = 'e')`,
    [schema],
  );
  for (const f of functions) other.push({ kind: "function", name: f.signature });

  const sortedTables = [...tables.values()].sort(byName);
  for (const t of sortedTables) {
    t.uniques.sort(byName);
    t.foreignKeys.sort(byName);
    t.checks.sort(byName);
    t.exclusions.sort(byName);
    t.indexes.sort(byName);
  }
  return {
    schema,
    tables: sortedTables,
    enums: enums
      .map((e) => ({ name: e.typname, labels: e.labels, ...(e.comment !== null ? { comment: e.comment } : {}) }))
      .sort(byName),
    other: other.sort((a, b) => byName(a, b) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0)),
  };
}

/** `CHECK ((x > 0)) NOT VALID` → `(x > 0)`. */
function checkExpression(def: string): string {
  const m = /^CHECK \((.*)\)( NO INHERIT)?( NOT VALID)?$/s.exec(def);
  return m ? m[1]! : def;
}
