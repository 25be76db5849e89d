/**
 * A catalog model (pg-catalog.ts) → the design's data section: one entity per table, one enum
 * per enum type. Everything the format cannot say is a `Loss` whose pointer is a location in the
 * database (see loss.ts): `/tables/orders/columns/created_at`, `/tables/orders/indexes/orders_x_idx`,
 * `/enums/status/labels/Active`, `/views/v`.
 *
 * Names are kept wherever the format can say them: a table or column name the format would derive
 * differently is stated as the entity's `table` / the field's `column`. Constraint and index
 * names are kept when they are snake_case and start with `<table>_` (the format prefixes every
 * other name with the table); the primary key is always `<table>_pkey` and a single-column foreign
 * key `<table>_<column>_fkey`. Foreign keys get `index: false`: the source's own indexes are
 * imported as they are, so none is added.
 */
import type { CheckSchema, EnumDef, Entity, Field, ForeignKey, Index, Predicate } from "../design/schema.ts";
import { PATTERNS, type REFERENTIAL_ACTIONS } from "../design/schema.ts";
import { camelCase, pascalCase, pluralize, snakeCase } from "../design/names.ts";
import { isUniqueSet, RESERVED_TYPE_NAMES } from "../design/semantics.ts";
import type { Static } from "@sinclair/typebox";
import type { Loss, LossClass } from "./loss.ts";
import type { CatalogColumn, CatalogModel, CatalogOther, CatalogTable } from "./pg-catalog.ts";
import { escapePointer } from "./openapi-schemas.ts";

type Check = Static<typeof CheckSchema>;
type Literal = string | number | boolean;

export interface MappedData {
  enums: EnumDef[];
  entities: Entity[];
  losses: Loss[];
  /** Per table: whether it became an entity, and its columns mapped exactly / with a loss. */
  tables: Array<{ table: string; entity?: string; columnsExact: number; columnsWithLoss: number }>;
}

/** A pointer to a database object: `/tables/<t>/columns/<c>` (each segment escaped as RFC 6901 says). */
export function dbPointer(...segments: string[]): string {
  return segments.map((s) => `/${escapePointer(s)}`).join("");
}

/** The design type of a double or real column: the format has no binary floating point. */
const FLOAT_AS_DECIMAL = { precision: 38, scale: 15 } as const;
const ENUM_VALUE = /^[a-z][a-z0-9_-]{0,62}$/;
const SNAKE = new RegExp(PATTERNS.snake);
const CAMEL = new RegExp(PATTERNS.camel);
const PASCAL = new RegExp(PATTERNS.pascal);
const SQL_NAME = new RegExp(PATTERNS.sqlName);

/** The pointer folder of each kind of object the data section cannot hold. */
const OBJECT_FOLDER: Record<CatalogOther["kind"], string> = {
  view: "views",
  "materialized view": "materialized-views",
  sequence: "sequences",
  "foreign table": "foreign-tables",
  trigger: "triggers",
  policy: "policies",
  function: "functions",
  type: "types",
};

interface MappedEnum {
  name: string;
  labels: Map<string, string>;
  /** Why a column of this type does not come back the same (a renamed type, changed labels). */
  columnLoss?: { lost: string; instead: string; class: LossClass };
}

type FieldType = Pick<Field, "type" | "maxLength" | "precision" | "scale" | "enum" | "items">;

interface TypeMapping {
  type: FieldType;
  /** Why the mapping is not exact (undefined when it is). */
  loss?: { lost: string; instead: string; class: LossClass };
}

/** Exact mappings of the built-in types, by `format_type` text. */
function builtinType(formatted: string): TypeMapping {
  const exact = (type: FieldType): TypeMapping => ({ type });
  const lossy = (type: FieldType, instead: string, cls: LossClass = "sql-type"): TypeMapping => ({
    type,
    loss: { lost: `type ${formatted}`, instead, class: cls },
  });
  let m: RegExpExecArray | null;
  switch (formatted) {
    case "text":
      return exact({ type: "text" });
    case "integer":
      return exact({ type: "integer" });
    case "bigint":
      return exact({ type: "bigint" });
    case "boolean":
      return exact({ type: "boolean" });
    case "uuid":
      return exact({ type: "uuid" });
    case "date":
      return exact({ type: "date" });
    case "timestamp with time zone":
      return exact({ type: "timestamp" });
    case "jsonb":
      return exact({ type: "json" });
    case "smallint":
      return lossy({ type: "integer" }, "integer");
    case "character varying":
      return lossy({ type: "text" }, "text (unbounded)");
    case "numeric":
      return lossy({ type: "decimal", precision: 1000, scale: 0 }, "decimal(1000,0)");
    case "real":
    case "double precision":
      return lossy(
        { type: "decimal", ...FLOAT_AS_DECIMAL },
        `decimal(${FLOAT_AS_DECIMAL.precision},${FLOAT_AS_DECIMAL.scale})`,
        "number-type",
      );
    case "money":
      return lossy({ type: "decimal", precision: 19, scale: 2 }, "decimal(19,2)");
    case "json":
      return lossy({ type: "json" }, "jsonb");
    case "timestamp without time zone":
      return lossy({ type: "timestamp" }, "timestamp with time zone");
  }
  if ((m = /^character varying\((\d+)\)$/.exec(formatted))) return exact({ type: "string", maxLength: Number(m[1]) });
  if ((m = /^character\((\d+)\)$/.exec(formatted)))
    return lossy({ type: "string", maxLength: Number(m[1]) }, `character varying(${m[1]}) (not blank-padded)`);
  if ((m = /^numeric\((\d+),(\d+)\)$/.exec(formatted))) {
    const precision = Number(m[1]);
    const scale = Number(m[2]);
    if (scale <= precision) return exact({ type: "decimal", precision, scale });
  }
  if ((m = /^timestamp\((\d)\) with time zone$/.exec(formatted)))
    return lossy({ type: "timestamp" }, "timestamp with time zone (precision 6)");
  if ((m = /^timestamp\((\d)\) without time zone$/.exec(formatted)))
    return lossy({ type: "timestamp" }, "timestamp with time zone (precision 6)");
  return lossy({ type: "text" }, "text");
}

/** Helpers that pick unique names in one namespace. */
function unique(wanted: string, taken: Set<string>, fallback: string): string {
  let base = wanted || fallback;
  if (!/^[A-Za-z]/.test(base)) base = fallback + base;
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base}${i}`;
  taken.add(name.toLowerCase());
  return name;
}

/** `order_details` → `OrderDetail` when the format derives the table back from it, else `OrderDetails`. */
function entityNameFor(table: string): string {
  const snake = snakeCase(table);
  for (const singular of [snake.replace(/ies$/, "y"), snake.replace(/es$/, ""), snake.replace(/s$/, "")])
    if (singular !== snake && pluralize(singular) === snake) return pascalCase(singular);
  return pascalCase(table);
}

function asciiOnly(name: string): string {
  return name.replace(/[^A-Za-z0-9_]+/g, "_");
}

class Mapper {
  readonly losses: Loss[] = [];
  private readonly model: CatalogModel;
  private readonly enums = new Map<string, MappedEnum>();
  private readonly enumDefs: EnumDef[] = [];
  /** Type names used so far (lowercase): enums, entities and their derived schemas. */
  private readonly typeNames = new Set([...RESERVED_TYPE_NAMES].map((n) => n.toLowerCase()));
  private readonly entities = new Map<string, { entity: Entity; table: CatalogTable; fields: Map<string, Field> }>();
  private readonly tableStats: MappedData["tables"] = [];
  private readonly lossyColumns = new Set<string>();
  /** Every SQL name of the schema's relations, types and constraints, and each one the design will produce. */
  private readonly sqlNames = new Set<string>();
  /** Per table: the names of its indexes and constraints in the design (one namespace per entity). */
  private readonly designNames = new Map<string, Set<string>>();

  constructor(model: CatalogModel) {
    this.model = model;
  }

  lose(at: string, cls: LossClass, lost: string, instead: string) {
    this.losses.push({ pointer: at, lost, instead, class: cls });
  }

  run(): MappedData {
    for (const t of this.model.tables) {
      this.sqlNames.add(t.name);
      for (const k of [t.primaryKey, ...t.uniques, ...t.foreignKeys, ...t.checks, ...t.exclusions, ...t.indexes])
        if (k) this.sqlNames.add(k.name);
    }
    for (const e of this.model.enums) this.mapEnum(e);
    for (const o of this.model.other) {
      const at =
        o.kind === "trigger" || o.kind === "policy"
          ? dbPointer("tables", o.table ?? "", OBJECT_FOLDER[o.kind], o.name)
          : dbPointer(OBJECT_FOLDER[o.kind], o.name);
      const what = o.kind === "type" ? `${o.detail ?? ""} type ${o.name}`.trim() : `${o.kind} ${o.name}`;
      this.lose(at, "sql-object", what, "nothing");
    }
    for (const t of this.model.tables) this.mapTable(t);
    for (const { entity, table, fields } of this.entities.values()) this.mapForeignKeys(entity, table, fields);
    return {
      enums: this.enumDefs,
      entities: [...this.entities.values()].map((e) => e.entity),
      losses: this.losses,
      tables: this.tableStats,
    };
  }

  private mapEnum(e: CatalogModel["enums"][number]) {
    const at = dbPointer("enums", e.name);
    let labels = new Map(e.labels.map((l) => [l, l] as const));
    if (!e.labels.every((l) => ENUM_VALUE.test(l))) {
      const renamed = e.labels.map((l) => {
        let v = l
          .toLowerCase()
          .replace(/[^a-z0-9_-]+/g, "_")
          .slice(0, 63);
        if (!/^[a-z]/.test(v)) v = `v${v}`.slice(0, 63);
        return v;
      });
      if (new Set(renamed).size !== renamed.length || renamed.length === 0) {
        this.lose(at, "enum-values", `enum type ${e.name}`, "its columns are text");
        return;
      }
      labels = new Map(e.labels.map((l, i) => [l, renamed[i]!] as const));
      for (const [l, v] of labels)
        if (l !== v) this.lose(dbPointer("enums", e.name, "labels", l), "enum-values", `label '${l}'`, `'${v}'`);
    }
    if (labels.size === 0) {
      this.lose(at, "enum-values", `enum type ${e.name} without labels`, "its columns are text");
      return;
    }
    let wanted = pascalCase(asciiOnly(e.name)).slice(0, 120);
    if (!PASCAL.test(wanted)) wanted = `Enum${wanted}`.slice(0, 120);
    // The enum's SQL type name shares the schema's namespace with the tables and other enums.
    let name = wanted;
    for (let i = 2; this.typeNames.has(name.toLowerCase()) || this.sqlNames.has(snakeCase(name)); i++)
      name = `${wanted}${i}`;
    this.typeNames.add(name.toLowerCase());
    this.sqlNames.add(snakeCase(name));
    if (snakeCase(name) !== e.name)
      this.lose(at, "sql-name", `enum type name ${e.name}`, `${snakeCase(name)} (enum ${name})`);
    const relabelled = [...labels].some(([l, v]) => l !== v);
    const renamed = snakeCase(name) !== e.name;
    this.enums.set(e.name, {
      name,
      labels,
      ...(relabelled || renamed
        ? {
            columnLoss: {
              lost: `type ${e.name}${relabelled ? ` ('${[...labels.keys()].join("', '")}')` : ""}`,
              instead: `enum type ${snakeCase(name)}${relabelled ? ` ('${[...labels.values()].join("', '")}')` : ""}`,
              class: relabelled ? "enum-values" : "sql-name",
            },
          }
        : {}),
    });
    this.enumDefs.push({
      name,
      values: [...labels.values()],
      ...(e.comment !== undefined ? { description: e.comment } : {}),
    });
  }

  /** A name for an entity whose derived schema names (X, XCreate, XUpdate, XPage) are all free. */
  private entityName(table: string): string {
    let base = pascalCase(asciiOnly(entityNameFor(table))).slice(0, 110);
    if (!PASCAL.test(base)) base = `Table${base}`.slice(0, 110);
    const free = (n: string) =>
      ["", "Create", "Update", "Page"].every((s) => !this.typeNames.has(`${n}${s}`.toLowerCase()));
    let name = base;
    for (let i = 2; !free(name); i++) name = `${base}${i}`;
    for (const s of ["", "Create", "Update", "Page"]) this.typeNames.add(`${name}${s}`.toLowerCase());
    return name;
  }

  private mapTable(t: CatalogTable) {
    const at = dbPointer("tables", t.name);
    if (t.kind === "partition") {
      this.lose(
        at,
        "sql-object",
        `partition ${t.name} of ${t.partitionOf ?? "?"}`,
        "nothing (its rows belong to the parent table)",
      );
      this.skipped(t);
      return;
    }
    if (t.kind === "partitioned table") this.lose(at, "sql-object", "partitioning of the table", "a plain table");
    if (t.rowSecurity) this.lose(at, "sql-object", "row-level security enabled on the table", "no row-level security");
    if (!SQL_NAME.test(t.name)) {
      this.lose(
        at,
        "sql-name",
        `table ${t.name} (the format's table names are printable, at most 120 characters)`,
        "nothing",
      );
      this.skipped(t);
      return;
    }
    const key = this.primaryKey(t);
    if (!key) {
      this.lose(
        at,
        "sql-primary-key",
        `table ${t.name}, which has no primary key nor unique set of NOT NULL columns`,
        "nothing",
      );
      this.skipped(t);
      return;
    }
    const fieldNames = new Set<string>();
    const fields = new Map<string, Field>();
    for (const c of t.columns) {
      if (!SQL_NAME.test(c.name)) {
        this.lose(dbPointer("tables", t.name, "columns", c.name), "sql-name", `column ${c.name}`, "nothing");
        this.lossyColumns.add(`${t.name}\u0000${c.name}`);
        continue;
      }
      let wanted = camelCase(asciiOnly(c.name)).slice(0, 120);
      if (!CAMEL.test(wanted)) wanted = `field${pascalCase(wanted)}`.slice(0, 120);
      if (!CAMEL.test(wanted)) wanted = "field";
      const name = unique(wanted, fieldNames, "field");
      fields.set(c.name, this.mapColumn(t, c, name));
    }
    if (fields.size === 0) {
      this.lose(at, "sql-object", `table ${t.name} without columns`, "nothing");
      this.skipped(t);
      return;
    }
    const name = this.entityName(t.name);
    const derivedTable = pluralize(snakeCase(name));
    const entity: Entity = {
      name,
      ...(derivedTable !== t.name ? { table: t.name } : {}),
      ...(t.comment !== undefined ? { description: t.comment } : {}),
      fields: [...fields.values()],
      timestamps: false,
    };
    const fieldOf = (column: string) => fields.get(column);
    // Primary key.
    const pkFields = key.columns.map(fieldOf);
    if (pkFields.every(Boolean)) {
      if (pkFields.length === 1) pkFields[0]!.primaryKey = true;
      else entity.primaryKey = pkFields.map((f) => f!.name);
      for (const f of pkFields) delete f!.nullable;
    }
    // A promoted unique set: the loss is where the source's key is (it becomes the primary key).
    const pkAt = key.promotedAt ?? dbPointer("tables", t.name, "primary-key");
    if (key.promoted)
      this.lose(
        pkAt,
        "sql-primary-key",
        `no primary key (${key.promoted} is unique and NOT NULL)`,
        `primary key ${t.name}_pkey (${key.columns.join(", ")})`,
      );
    else if (key.name !== `${t.name}_pkey`)
      this.lose(pkAt, "sql-name", `primary key name ${key.name}`, `${t.name}_pkey`);
    if (key.comment !== undefined) this.lose(pkAt, "sql-comment", "the primary key's comment", "nothing");
    if (key.deferrable) this.lose(pkAt, "sql-primary-key", "DEFERRABLE", "an immediate primary key");

    this.mapUniques(t, entity, fields, key.promoted);
    this.mapChecks(t, entity, fields);
    this.mapIndexes(t, entity, fields, key.promoted);
    for (const x of t.exclusions)
      this.lose(
        dbPointer("tables", t.name, "constraints", x.name),
        "sql-object",
        `exclusion constraint ${x.definition}`,
        "nothing",
      );
    this.entities.set(t.name, { entity, table: t, fields });
    this.tableStats.push({ table: t.name, entity: name, columnsExact: 0, columnsWithLoss: 0 });
  }

  private skipped(t: CatalogTable) {
    this.tableStats.push({ table: t.name, columnsExact: 0, columnsWithLoss: t.columns.length });
  }

  /** The primary key, or a unique set of NOT NULL columns promoted to it (named by `promoted`). */
  private primaryKey(
    t: CatalogTable,
  ):
    | { name: string; columns: string[]; deferrable: boolean; comment?: string; promoted?: string; promotedAt?: string }
    | undefined {
    if (t.primaryKey) return t.primaryKey;
    const notNull = (cols: ReadonlyArray<string | null>) =>
      cols.every((c) => c !== null && t.columns.find((x) => x.name === c)?.notNull);
    const u = t.uniques.find((x) => notNull(x.columns) && !x.deferrable);
    if (u)
      return {
        name: u.name,
        columns: u.columns,
        deferrable: false,
        promoted: `unique constraint ${u.name}`,
        promotedAt: dbPointer("tables", t.name, "constraints", u.name),
      };
    const ix = t.indexes.find((x) => x.unique && !x.predicate && x.expressions.length === 0 && notNull(x.columns));
    if (ix)
      return {
        name: ix.name,
        columns: ix.columns as string[],
        deferrable: false,
        promoted: `unique index ${ix.name}`,
        promotedAt: dbPointer("tables", t.name, "indexes", ix.name),
      };
    return undefined;
  }

  private mapColumn(t: CatalogTable, c: CatalogColumn, name: string): Field {
    const at = dbPointer("tables", t.name, "columns", c.name);
    const lossBefore = this.losses.length;
    const field: Field = { name, type: "text" };
    if (snakeCase(name) !== c.name) field.column = c.name;
    Object.assign(field, this.columnType(c, at));
    if (!c.notNull) field.nullable = true;
    if (c.comment !== undefined) field.description = c.comment;
    if (c.generated !== undefined)
      this.lose(at, "sql-object", `GENERATED ALWAYS AS (${c.generated}) STORED`, "a plain column");
    if (c.collation !== undefined) this.lose(at, "sql-type", `COLLATE "${c.collation}"`, "the default collation");
    const d = this.columnDefault(c, field, at);
    if (d) field.default = d;
    if (this.losses.length > lossBefore) this.lossyColumns.add(`${t.name}\u0000${c.name}`);
    return field;
  }

  private columnType(c: CatalogColumn, at: string): FieldType {
    const element = c.array ? c.formatted.replace(/(\[\])+$/, "") : c.formatted;
    let scalar: TypeMapping;
    if (c.typeKind === "e") {
      const e = c.typeSchema === this.model.schema ? this.enums.get(c.typeName) : undefined;
      scalar = e
        ? { type: { type: "enum", enum: e.name }, ...(e.columnLoss ? { loss: e.columnLoss } : {}) }
        : {
            type: { type: "text" },
            loss: {
              lost: `type ${element}`,
              instead: "text",
              class: c.typeSchema === this.model.schema ? "enum-values" : "sql-type",
            },
          };
    } else if (c.typeKind === "d") {
      const base = builtinType(c.domainBase ?? "text");
      scalar = {
        type: base.type,
        loss: { lost: `domain ${element}`, instead: `its base type as ${base.type.type}`, class: "sql-object" },
      };
    } else if (c.typeSchema === "pg_catalog" && c.typeKind === "b") scalar = builtinType(element);
    else scalar = { type: { type: "text" }, loss: { lost: `type ${element}`, instead: "text", class: "sql-type" } };
    if (scalar.loss) this.lose(at, scalar.loss.class, scalar.loss.lost, scalar.loss.instead);
    if (!c.array) return scalar.type;
    const item = scalar.type;
    if (item.type === "array" || item.type === "decimal") {
      this.lose(at, "sql-type", `type ${c.formatted}`, "text[]");
      return { type: "array", items: { type: "text" } };
    }
    return {
      type: "array",
      items: {
        type: item.type,
        ...(item.enum !== undefined ? { enum: item.enum } : {}),
        ...(item.maxLength !== undefined ? { maxLength: item.maxLength } : {}),
      },
    };
  }

  private columnDefault(c: CatalogColumn, f: Field, at: string): Field["default"] | undefined {
    const lost = (what: string, instead = "no default") => {
      this.lose(at, "sql-default", what, instead);
      return undefined;
    };
    const intLike = f.type === "integer" || f.type === "bigint";
    if (c.identity) {
      if (!intLike)
        return lost(`GENERATED ${c.identity === "always" ? "ALWAYS" : "BY DEFAULT"} AS IDENTITY on ${f.type}`);
      if (c.identity === "always")
        this.lose(at, "sql-default", "GENERATED ALWAYS AS IDENTITY", "GENERATED BY DEFAULT AS IDENTITY");
      return { kind: "identity" };
    }
    const d = c.default;
    if (d === undefined) return undefined;
    if (/^nextval\('.*'::regclass\)$/.test(d)) {
      if (!intLike) return lost(`DEFAULT ${d}`);
      this.lose(at, "sql-default", `DEFAULT ${d} (a serial column's sequence)`, "GENERATED BY DEFAULT AS IDENTITY");
      return { kind: "identity" };
    }
    if (/^NULL::/.test(d)) return lost(`DEFAULT ${d}`, "no default (the same NULL)");
    if (f.type === "timestamp" || f.type === "date") {
      const exact = f.type === "timestamp" ? "now()" : "CURRENT_DATE";
      if (d === exact) return { kind: "now" };
      if (/^(now\(\)|CURRENT_TIMESTAMP|CURRENT_DATE|LOCALTIMESTAMP|transaction_timestamp\(\))$/.test(d)) {
        this.lose(at, "sql-default", `DEFAULT ${d}`, `DEFAULT ${exact}`);
        return { kind: "now" };
      }
    }
    if (f.type === "uuid" && /^(gen_random_uuid|uuid_generate_v4)\(\)$/.test(d)) {
      if (d !== "gen_random_uuid()") this.lose(at, "sql-default", `DEFAULT ${d}`, "DEFAULT gen_random_uuid()");
      return { kind: "uuid" };
    }
    if (f.type === "array" && /^'\{\}'::/.test(d)) return { kind: "empty-array" };
    const value = this.literal(d, f);
    if (value === undefined) return lost(`DEFAULT ${d}`);
    if (value.changed) this.lose(at, "sql-default", `DEFAULT ${d}`, `the literal ${JSON.stringify(value.value)}`);
    return { kind: "literal", value: value.value };
  }

  /** A literal the format can hold for field `f` (and whether the format prints it differently). */
  private literal(
    sql: string,
    f: Pick<Field, "type" | "enum" | "maxLength">,
  ): { value: Literal; changed: boolean } | undefined {
    let m: RegExpExecArray | null;
    if (f.type === "boolean")
      return sql === "true" || sql === "false" ? { value: sql === "true", changed: false } : undefined;
    if (f.type === "integer" || f.type === "bigint" || f.type === "decimal") {
      m = /^\(?'?(-?\d+(?:\.\d+)?)'?\)?(?:::[a-z ]+(?:\(\d+(?:,\d+)?\))?)?$/.exec(sql);
      if (!m) return undefined;
      const n = Number(m[1]);
      if (!Number.isFinite(n) || Math.abs(n) > 1e21) return undefined;
      if (f.type !== "decimal" && (!Number.isSafeInteger(n) || String(n) !== m[1])) return undefined;
      return { value: n, changed: String(n) !== m[1] };
    }
    m = /^'((?:[^']|'')*)'(?:::.+)?$/s.exec(sql);
    if (!m) return undefined;
    const text = m[1]!.replace(/''/g, "'");
    if (f.type === "enum") {
      const e = [...this.enums.values()].find((x) => x.name === f.enum);
      const v = e?.labels.get(text);
      return v === undefined ? undefined : { value: v, changed: v !== text };
    }
    if (f.type === "string" || f.type === "text") {
      if (f.maxLength !== undefined && [...text].length > f.maxLength) return undefined;
      return { value: text, changed: false };
    }
    if (f.type === "json") return { value: text, changed: false };
    if (f.type === "date" && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text)))
      return { value: text, changed: false };
    if (f.type === "uuid" && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text))
      return { value: text, changed: false };
    return undefined;
  }

  /** A constraint or index name: kept when snake_case and `<table>_`-prefixed, else a loss. */
  private constraintName(t: CatalogTable, name: string, at: string, what: string): string {
    let taken = this.designNames.get(t.name);
    if (!taken) this.designNames.set(t.name, (taken = new Set()));
    if (SNAKE.test(name) && name.startsWith(`${t.name}_`) && name.length <= 63 && !taken.has(name)) {
      taken.add(name);
      return name;
    }
    const bare = name.startsWith(`${t.name}_`) ? name.slice(t.name.length + 1) : name;
    let base = snakeCase(asciiOnly(bare)).replace(/_+/g, "_").replace(/^_/, "").slice(0, 100);
    if (!SNAKE.test(base)) base = `c_${base}`.slice(0, 100);
    if (!SNAKE.test(base)) base = "constraint";
    const prefixed = (n: string) => (n.startsWith(`${t.name}_`) ? n : `${t.name}_${n}`);
    let design = base;
    for (let i = 2; taken.has(design) || this.sqlNames.has(prefixed(design)); i++) design = `${base}_${i}`;
    taken.add(design);
    this.sqlNames.add(prefixed(design));
    this.lose(at, "sql-name", `${what} name ${name}`, prefixed(design));
    return design;
  }

  private mapUniques(t: CatalogTable, entity: Entity, fields: Map<string, Field>, promoted: string | undefined) {
    for (const u of t.uniques) {
      if (promoted === `unique constraint ${u.name}`) continue;
      const at = dbPointer("tables", t.name, "constraints", u.name);
      const list = u.columns.map((c) => fields.get(c));
      if (!list.every(Boolean)) {
        this.lose(at, "sql-object", `unique constraint ${u.name}`, "nothing (a column is not imported)");
        continue;
      }
      if (u.deferrable) this.lose(at, "sql-index", "DEFERRABLE", "an immediate unique constraint");
      if (list.length === 1 && u.name === `${t.name}_${u.columns[0]}_key` && u.comment === undefined) {
        list[0]!.unique = true;
        continue;
      }
      const name = this.constraintName(t, u.name, at, "unique constraint");
      (entity.uniques ??= []).push({
        name,
        fields: list.map((f) => f!.name),
        ...(u.comment !== undefined ? { description: u.comment } : {}),
      });
    }
  }

  private mapChecks(t: CatalogTable, entity: Entity, fields: Map<string, Field>) {
    for (const c of t.checks) {
      const at = dbPointer("tables", t.name, "constraints", c.name);
      const predicate = this.predicate(c.expression, fields);
      if (predicate?.length !== 1) {
        this.lose(at, "sql-check", `check ${c.definition}`, "nothing");
        continue;
      }
      if (!c.validated) this.lose(at, "sql-check", "NOT VALID", "a validated check");
      if (c.noInherit) this.lose(at, "sql-check", "NO INHERIT", "an inherited check");
      const check: Check = {
        name: this.constraintName(t, c.name, at, "check constraint"),
        ...predicate[0]!,
        ...(c.comment !== undefined ? { description: c.comment } : {}),
      };
      (entity.checks ??= []).push(check);
    }
  }

  /**
   * A conjunction of simple comparisons as the catalog prints it (`((price >= (0)::numeric))`,
   * `((a IS NULL) AND (b > 1))`) → predicates; undefined for anything else.
   */
  private predicate(expression: string, fields: Map<string, Field>): Predicate[] | undefined {
    const parts = splitAnd(stripParens(expression));
    const out: Predicate[] = [];
    for (const part of parts) {
      const p = stripParens(part);
      let m = /^(.+?) IS (NOT )?NULL$/.exec(p);
      if (m) {
        const f = fields.get(columnOf(m[1]!) ?? "");
        if (!f) return undefined;
        out.push({ field: f.name, operator: m[2] ? "is-not-null" : "is-null" });
        continue;
      }
      m = /^(.+?) (=|<>|<=|>=|<|>) (.+)$/.exec(p);
      if (!m) return undefined;
      const f = fields.get(columnOf(m[1]!) ?? "");
      if (!f || f.type === "array" || f.type === "json") return undefined;
      const operator = m[2] as Predicate["operator"];
      const other = fields.get(columnOf(m[3]!) ?? "");
      if (other) {
        if (comparable(f) !== comparable(other)) return undefined;
        out.push({ field: f.name, operator, otherField: other.name });
        continue;
      }
      const value = this.literal(stripParens(m[3]!).replace(/^\((.*)\)(::.*)$/, "$1$2"), f);
      if (!value || value.changed) return undefined;
      out.push({ field: f.name, operator, value: value.value });
    }
    return out.length > 0 ? out : undefined;
  }

  private mapIndexes(t: CatalogTable, entity: Entity, fields: Map<string, Field>, promoted: string | undefined) {
    for (const ix of t.indexes) {
      if (ix.constraint !== undefined || promoted === `unique index ${ix.name}`) continue;
      const at = dbPointer("tables", t.name, "indexes", ix.name);
      if (ix.expressions.length > 0) {
        this.lose(at, "sql-index", `index ${ix.definition} (on an expression)`, "nothing");
        continue;
      }
      if (!["btree", "gin", "hash", "brin"].includes(ix.method)) {
        this.lose(at, "sql-index", `index ${ix.definition} (method ${ix.method})`, "nothing");
        continue;
      }
      const list = ix.columns.map((c) => fields.get(c ?? ""));
      if (!list.every(Boolean)) {
        this.lose(at, "sql-index", `index ${ix.definition}`, "nothing (a column is not imported)");
        continue;
      }
      let where: Predicate[] | undefined;
      if (ix.predicate !== undefined) {
        where = this.predicate(ix.predicate, fields);
        if (!where) {
          this.lose(at, "sql-index", `index ${ix.definition} (its predicate)`, "nothing");
          continue;
        }
      }
      for (const o of ix.options)
        this.lose(at, "sql-index", `key option ${o}`, "an ascending key with the default operator class");
      if (ix.include.length > 0)
        this.lose(at, "sql-index", `INCLUDE (${ix.include.join(", ")})`, "the key columns only");
      const index: Index = {
        name: this.constraintName(t, ix.name, at, "index"),
        fields: list.map((f) => f!.name),
        ...(ix.unique ? { unique: true } : {}),
        ...(where ? { where } : {}),
        ...(ix.method !== "btree" ? { method: ix.method as Index["method"] } : {}),
        ...(ix.comment !== undefined ? { description: ix.comment } : {}),
      };
      (entity.indexes ??= []).push(index);
    }
  }

  private mapForeignKeys(entity: Entity, t: CatalogTable, fields: Map<string, Field>) {
    for (const fk of t.foreignKeys) {
      const at = dbPointer("tables", t.name, "constraints", fk.name);
      const drop = (why: string) => this.lose(at, "sql-foreign-key", `foreign key ${fk.name} (${why})`, "nothing");
      if (fk.refSchema !== this.model.schema) {
        drop(`to ${fk.refSchema}.${fk.refTable}, outside the schema`);
        continue;
      }
      const target = this.entities.get(fk.refTable);
      if (!target) {
        drop(`to ${fk.refTable}, which is not imported`);
        continue;
      }
      const from = fk.columns.map((c) => fields.get(c));
      const to = fk.refColumns.map((c) => target.fields.get(c));
      if (!from.every(Boolean) || !to.every(Boolean)) {
        drop("a column is not imported");
        continue;
      }
      const toNames = to.map((f) => f!.name);
      if (!isUniqueSet(target.entity, toNames)) {
        drop(`${fk.refTable}(${fk.refColumns.join(", ")}) is not a key the design holds`);
        continue;
      }
      const mismatch = from.findIndex((f, i) => !sameType(f!, to[i]!));
      if (mismatch >= 0) {
        drop(
          `${fk.columns[mismatch]} is ${from[mismatch]!.type}, ${fk.refTable}.${fk.refColumns[mismatch]} is ${to[mismatch]!.type}`,
        );
        continue;
      }
      const action = (a: string, which: string): (typeof REFERENTIAL_ACTIONS)[number] | undefined => {
        if (a === "set-null" && from.some((f) => !f!.nullable)) {
          this.lose(at, "sql-foreign-key", `${which} SET NULL on a NOT NULL column`, `${which} NO ACTION`);
          return undefined;
        }
        return a === "no-action" ? undefined : (a as (typeof REFERENTIAL_ACTIONS)[number]);
      };
      const onDelete = action(fk.onDelete, "ON DELETE");
      const onUpdate = action(fk.onUpdate, "ON UPDATE");
      if (fk.match !== "simple") this.lose(at, "sql-foreign-key", `MATCH ${fk.match.toUpperCase()}`, "MATCH SIMPLE");
      if (fk.deferrable) this.lose(at, "sql-foreign-key", "DEFERRABLE", "an immediate foreign key");
      if (!fk.validated) this.lose(at, "sql-foreign-key", "NOT VALID", "a validated foreign key");
      if (fk.comment !== undefined) this.lose(at, "sql-comment", "the foreign key's comment", "nothing");
      const actions = { ...(onDelete ? { onDelete } : {}), ...(onUpdate ? { onUpdate } : {}) };
      const single = from.length === 1 ? from[0]! : undefined;
      const derivedName = single ? `${t.name}_${snakeCase(single.name)}_fkey` : undefined;
      if (
        single &&
        !single.references &&
        (fk.name === derivedName || !SNAKE.test(fk.name) || !fk.name.startsWith(`${t.name}_`))
      ) {
        if (fk.name !== derivedName) this.lose(at, "sql-name", `foreign key name ${fk.name}`, derivedName!);
        single.references = { entity: target.entity.name, field: to[0]!.name, ...actions, index: false };
        continue;
      }
      const foreignKey: ForeignKey = {
        name: this.constraintName(t, fk.name, at, "foreign key"),
        fields: from.map((f) => f!.name),
        entity: target.entity.name,
        references: toNames,
        ...actions,
        index: false,
      };
      (entity.foreignKeys ??= []).push(foreignKey);
    }
    const stats = this.tableStats.find((s) => s.table === t.name)!;
    for (const c of t.columns) {
      if (this.lossyColumns.has(`${t.name}\u0000${c.name}`)) stats.columnsWithLoss++;
      else stats.columnsExact++;
    }
  }
}

function sameType(a: Field, b: Field): boolean {
  if (a.type !== b.type) return false;
  if (a.type === "enum") return a.enum === b.enum;
  if (a.type === "decimal") return a.precision === b.precision && a.scale === b.scale;
  return true;
}

const NUMERIC = new Set(["integer", "bigint", "decimal"]);
const TEXTUAL = new Set(["string", "text", "email", "url", "uuid"]);
function comparable(f: Field): string {
  if (NUMERIC.has(f.type)) return "number";
  if (TEXTUAL.has(f.type)) return "text";
  return f.type === "enum" ? `enum ${f.enum}` : f.type;
}

/** Removes parentheses that wrap the whole expression. */
function stripParens(s: string): string {
  let x = s.trim();
  while (x.startsWith("(") && x.endsWith(")") && closingOf(x, 0) === x.length - 1) x = x.slice(1, -1).trim();
  return x;
}

function closingOf(s: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === "(") depth++;
    else if (!quoted && ch === ")" && --depth === 0) return i;
  }
  return -1;
}

/** Splits on top-level ` AND ` (outside parentheses and quotes); an OR anywhere makes it one part. */
function splitAnd(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === "(") depth++;
    else if (!quoted && ch === ")") depth--;
    else if (!quoted && depth === 0 && s.startsWith(" AND ", i)) {
      parts.push(s.slice(start, i));
      start = i + 5;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

/** The column an operand names: `price`, `"orderIndex"`, `(status)::text`; undefined otherwise. */
function columnOf(operand: string): string | undefined {
  const x = stripParens(operand).replace(/^\((.*)\)::[a-z ]+$/, "$1");
  const m = /^(?:([a-z_][a-z0-9_$]*)|"((?:[^"]|"")+)")$/.exec(stripParens(x));
  if (!m) return undefined;
  return m[1] ?? m[2]!.replace(/""/g, '"');
}

/** Maps a catalog model to the design's data section (see the module comment). */
export function mapCatalog(model: CatalogModel): MappedData {
  return new Mapper(model).run();
}
