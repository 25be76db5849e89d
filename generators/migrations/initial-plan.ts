/**
 * The initial migration of a design as statement values: enum types, tables (keys, NOT NULL,
 * defaults, unique and check constraints), comments, indexes (explicit, partial, and one per
 * foreign key), then foreign keys as ALTER TABLE so any reference graph — cycles included —
 * applies in one pass. The down migration is `downOf(up)`.
 */
import type { NDesign, NEntity, NField } from "../../src/design/normalize.ts";
import type { DefaultValue, Predicate, EnumDef } from "../../src/design/schema.ts";
import { snakeCase } from "../../src/design/names.ts";
import { sqlType, type TypeSpec } from "../../src/design/types.ts";
import { pointer, assert, type Diagnostic } from "../../src/design/diagnostics.ts";
import { pgName, quoteIdent as q, quoteLiteral } from "./ident.ts";
import {
  downOf,
  type Statement,
  type TableDef,
  type ColumnDef,
  type IndexDef,
  type CheckDef,
  type KeyDef,
  type ForeignKeyDef,
} from "./statements.ts";
import { migrationDiag } from "./codes.ts";

export interface MigrationPlan {
  up: Statement[];
  down: Statement[];
  diagnostics: Diagnostic[];
}

type Literal = string | number | boolean;

/** Database type name of an enum: its snake_case name (`MemberRole` → `member_role`). */
export function enumTypeName(enumName: string): string {
  return pgName(snakeCase(enumName));
}

/** SQL literal of `value` for a column of the given portable type ("literals typed"). */
export function literalSql(type: string, value: Literal): string {
  if (type === "boolean" && typeof value === "boolean") return value ? "true" : "false";
  if (
    (type === "integer" || type === "bigint" || type === "decimal") &&
    typeof value === "number" &&
    Number.isFinite(value)
  )
    return String(value);
  if (type === "json" && typeof value !== "string") return quoteLiteral(JSON.stringify(value));
  return quoteLiteral(String(value));
}

const SQL_NAMES = { enumType: (name: string) => q(enumTypeName(name)) };

/** The PostgreSQL type of a resolved portable type (the mapping lives in `src/design/types.ts`). */
export function scalarSqlType(t: TypeSpec): string {
  return sqlType(t, SQL_NAMES);
}

function defaultSql(field: NField, d: DefaultValue): string | undefined {
  switch (d.kind) {
    case "now":
      return field.type === "date" ? "CURRENT_DATE" : "now()";
    case "uuid":
      return "gen_random_uuid()";
    case "identity":
      return undefined;
    case "empty-array":
      return "'{}'";
    case "literal":
      assert(d.value !== undefined, "literal default without value");
      return literalSql(field.type, d.value);
  }
}

const NUMERIC = new Set(["integer", "bigint", "decimal"]);
const CHARACTER = new Set(["string", "text", "email", "url"]);
const OPERATOR_SQL: Record<Predicate["operator"], string> = {
  "is-null": "IS NULL",
  "is-not-null": "IS NOT NULL",
  "=": "=",
  "<>": "<>",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};

/** Builds the plan; keeps the names it derives so collisions and shortenings become diagnostics. */
class Planner {
  readonly diagnostics: Diagnostic[] = [];
  /** Relations (tables, indexes, key constraints' indexes) and types share one namespace per schema. */
  private readonly schemaNames = new Map<string, string>();
  private readonly design: NDesign;

  constructor(design: NDesign) {
    this.design = design;
  }

  /** A database name for `wanted`, shortened when too long; `what` and `path` only feed diagnostics. */
  name(wanted: string, what: string, path: string): string {
    const name = pgName(wanted);
    if (name !== wanted)
      this.diagnostics.push(
        migrationDiag(
          "sql-name-shortened",
          `${what} name "${wanted}" is longer than 63 bytes; the migration uses "${name}"`,
          path,
        ),
      );
    return name;
  }

  claim(namespace: Map<string, string>, name: string, what: string, path: string): void {
    const prev = namespace.get(name);
    if (prev !== undefined)
      this.diagnostics.push(migrationDiag("sql-name-collision", `${what} "${name}" collides with ${prev}`, path));
    else namespace.set(name, `${what} "${name}"`);
  }

  claimSchema(name: string, what: string, path: string): void {
    this.claim(this.schemaNames, name, what, path);
  }

  text(text: string | undefined, path: string): string | null {
    if (text === undefined) return null;
    if (text.includes("\u0000")) {
      this.diagnostics.push(
        migrationDiag(
          "sql-invalid-text",
          "the description contains a NUL character, which PostgreSQL cannot store",
          path,
        ),
      );
      return text.replace(/\u0000/g, "");
    }
    return text;
  }

  plan(): MigrationPlan {
    const types: Statement[] = [];
    const tables: Statement[] = [];
    const indexes: Statement[] = [];
    const foreignKeys: Statement[] = [];
    for (const e of this.design.data.enums) types.push(...this.enumType(e));
    const tableNames = new Map<string, string>();
    this.design.data.entities.forEach((entity, i) =>
      tableNames.set(entity.name, this.name(entity.table, "table", pointer("data", "entities", i))),
    );
    this.design.data.entities.forEach((entity, i) => {
      const at = pointer("data", "entities", i);
      const planned = this.entity(entity, at, tableNames);
      tables.push(...planned.table);
      indexes.push(...planned.indexes);
      foreignKeys.push(...planned.foreignKeys);
    });
    const up = [...types, ...tables, ...indexes, ...foreignKeys];
    return { up, down: downOf(up), diagnostics: this.diagnostics };
  }

  enumType(e: EnumDef): Statement[] {
    const at = pointer("data", "enums");
    const name = this.name(snakeCase(e.name), "enum type", at);
    this.claimSchema(name, `enum type of ${e.name}`, at);
    const out: Statement[] = [{ kind: "create_type", type: { name, values: [...e.values] } }];
    const text = this.text(e.description, at);
    if (text !== null) out.push({ kind: "comment_on_type", type: name, text, previous: null });
    return out;
  }

  entity(entity: NEntity, at: string, tableNames: ReadonlyMap<string, string>) {
    const table = tableNames.get(entity.name)!;
    this.claimSchema(table, `table of ${entity.name}`, at);
    const columnNames = new Map<string, string>();
    const constraintNames = new Map<string, string>();
    const column = new Map<string, string>();
    const fieldAt = (f: NField) => {
      const i = entity.fields.indexOf(f);
      return f.generated ? at : `${at}/fields/${i}`;
    };
    for (const f of entity.fields) {
      const name = this.name(f.column, "column", fieldAt(f));
      this.claim(columnNames, name, `column of ${entity.name}.${f.name}`, fieldAt(f));
      column.set(f.name, name);
    }
    const col = (field: string) => {
      const c = column.get(field);
      assert(c !== undefined, `${entity.name} has no field ${field}`);
      return c;
    };
    /** A derived constraint or index name: the design's name, prefixed with the table unless it already is. */
    const derived = (suffix: string, what: string, path: string, relation: boolean) => {
      const name = this.name(suffix.startsWith(`${table}_`) ? suffix : `${table}_${suffix}`, what, path);
      this.claim(constraintNames, name, what, path);
      if (relation) this.claimSchema(name, what, path);
      return name;
    };
    const fieldOf = (name: string) => entity.fields.find((f) => f.name === name);
    const predicate = (p: Predicate) => {
      const left = q(col(p.field));
      if (p.operator === "is-null" || p.operator === "is-not-null") return `${left} ${OPERATOR_SQL[p.operator]}`;
      const right =
        p.otherField !== undefined ? q(col(p.otherField)) : literalSql(fieldOf(p.field)?.type ?? "text", p.value!);
      return `${left} ${OPERATOR_SQL[p.operator]} ${right}`;
    };

    const columns: ColumnDef[] = entity.fields.map((f) => {
      const identity = f.default?.kind === "identity";
      const def = f.default ? defaultSql(f, f.default) : undefined;
      return {
        name: col(f.name),
        type: scalarSqlType(f),
        notNull: !f.nullable,
        ...(def !== undefined ? { default: def } : {}),
        identity,
      };
    });
    const primaryKey: KeyDef | undefined =
      entity.primaryKey.length > 0
        ? { name: derived("pkey", "primary key", at, true), columns: entity.primaryKey.map(col) }
        : undefined;
    const uniques: KeyDef[] = [];
    for (const f of entity.fields) {
      if (f.unique)
        uniques.push({
          name: derived(`${col(f.name)}_key`, "unique constraint", fieldAt(f), true),
          columns: [col(f.name)],
        });
    }
    const constraintComments: Statement[] = [];
    entity.uniques.forEach((u, j) => {
      const path = `${at}/uniques/${j}`;
      const name = derived(u.name, "unique constraint", path, true);
      uniques.push({ name, columns: u.fields.map(col) });
      const text = this.text(u.description, path);
      if (text !== null)
        constraintComments.push({ kind: "comment_on_constraint", table, constraint: name, text, previous: null });
    });
    const checks: CheckDef[] = [];
    for (const f of entity.fields) {
      const c = q(col(f.name));
      const parts: string[] = [];
      if (NUMERIC.has(f.type) && f.minimum !== undefined) parts.push(`${c} >= ${f.minimum}`);
      if (NUMERIC.has(f.type) && f.maximum !== undefined) parts.push(`${c} <= ${f.maximum}`);
      if (CHARACTER.has(f.type) && f.minLength) parts.push(`char_length(${c}) >= ${f.minLength}`);
      if (f.type === "text" && f.maxLength !== undefined) parts.push(`char_length(${c}) <= ${f.maxLength}`);
      if (parts.length > 0)
        checks.push({
          name: derived(`${col(f.name)}_check`, "check constraint", fieldAt(f), false),
          expr: parts.join(" AND "),
        });
    }
    entity.checks.forEach((c, j) => {
      const path = `${at}/checks/${j}`;
      const name = derived(c.name, "check constraint", path, false);
      checks.push({ name, expr: predicate(c) });
      const text = this.text(c.description, path);
      if (text !== null)
        constraintComments.push({ kind: "comment_on_constraint", table, constraint: name, text, previous: null });
    });
    const def: TableDef = { name: table, columns, ...(primaryKey ? { primaryKey } : {}), uniques, checks };

    const tableStatements: Statement[] = [{ kind: "create_table", table: def }];
    const tableText = this.text(entity.description, `${at}/description`);
    if (tableText !== null) tableStatements.push({ kind: "comment_on_table", table, text: tableText, previous: null });
    for (const f of entity.fields) {
      const text = this.text(f.description, fieldAt(f));
      if (text !== null)
        tableStatements.push({ kind: "comment_on_column", table, column: col(f.name), text, previous: null });
    }
    tableStatements.push(...constraintComments);

    const indexStatements: Statement[] = [];
    const btreePrefixes: string[][] = [...(primaryKey ? [primaryKey.columns] : []), ...uniques.map((u) => u.columns)];
    entity.indexes.forEach((ix, j) => {
      const path = `${at}/indexes/${j}`;
      const index: IndexDef = {
        name: derived(ix.name, "index", path, true),
        table,
        columns: ix.fields.map(col),
        unique: ix.unique ?? false,
        method: ix.method ?? "btree",
        ...(ix.where ? { where: ix.where.map(predicate).join(" AND ") } : {}),
      };
      if (index.method === "btree" && !index.where) btreePrefixes.push(index.columns);
      indexStatements.push({ kind: "create_index", index });
      const text = this.text(ix.description, path);
      if (text !== null) indexStatements.push({ kind: "comment_on_index", index: index.name, text, previous: null });
    });

    const foreignKeys: Statement[] = [];
    entity.foreignKeys.forEach((fk, j) => {
      const path = fk.fromField ? fieldAt(fieldOf(fk.fields[0]!)!) : `${at}/foreignKeys/${j}`;
      const target = this.design.data.entities.find((e) => e.name === fk.entity);
      assert(target, `foreign key to unknown entity ${fk.entity}`);
      const targetColumns = fk.references.map((r) => {
        const f = target.fields.find((tf) => tf.name === r);
        assert(f, `foreign key to unknown field ${fk.entity}.${r}`);
        return pgName(f.column);
      });
      const def: ForeignKeyDef = {
        name: derived(fk.name, "foreign key", path, false),
        table,
        columns: fk.fields.map(col),
        refTable: tableNames.get(target.name)!,
        refColumns: targetColumns,
        onDelete: fk.onDelete,
        onUpdate: fk.onUpdate,
      };
      foreignKeys.push({ kind: "add_foreign_key", fk: def });
      // Every foreign key is an access path (joins, ON DELETE lookups) unless an index already leads with its columns.
      const covered = btreePrefixes.some((p) => def.columns.every((c, k) => p[k] === c));
      if (fk.index && !covered) {
        const index: IndexDef = {
          name: derived(`${def.columns.join("_")}_idx`, "foreign-key index", path, true),
          table,
          columns: def.columns,
          unique: false,
          method: "btree",
        };
        btreePrefixes.push(index.columns);
        indexStatements.push({ kind: "create_index", index });
      }
    });
    return { table: tableStatements, indexes: indexStatements, foreignKeys };
  }
}

/** The first migration of a design: every object created, and the exact inverse as `down`. */
export function planInitialMigration(design: NDesign): MigrationPlan {
  return new Planner(design).plan();
}
