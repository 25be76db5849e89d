/**
 * The next migration: the statements that turn the database of the previous design into the
 * database of the new one, each with its inverse (the down is `downOf(up)`, as for the initial
 * migration).
 *
 * Both designs are first planned as initial migrations by the SQL generator
 * (`planInitialMigration`), so types, defaults, check expressions and every derived name come
 * from the one place that writes them. The old catalog is translated into new names with the
 * renames of the schema diff (`renamedFrom`: RENAME, never drop-and-add), then compared object
 * by object. Constraints and indexes are matched by definition first, so one whose derived name
 * changed with its table or column is renamed rather than rebuilt.
 *
 * Order of the up: new enum types → type, table and column renames → drops (foreign keys, indexes,
 * constraints, tables, columns) → constraint and index renames → enum values → new tables and
 * columns, column changes → new constraints, indexes, foreign keys → comments → dropped types.
 */
import type { NDesign } from "../../src/design/normalize.ts";
import { resolveDefaults } from "../../src/design/normalize.ts";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import { planInitialMigration, enumTypeName, type MigrationPlan } from "./initial-plan.ts";
import { pgName, quoteIdent as q, quoteLiteral } from "./ident.ts";
import { tokenize } from "./sqltext.ts";
import {
  downOf,
  type Statement,
  type TableDef,
  type IndexDef,
  type ForeignKeyDef,
  type ColumnDef,
  type CheckDef,
  type ConstraintDef,
  type EnumRebuild,
  type CommentText,
} from "./statements.ts";
import { migrationDiag } from "./codes.ts";
import { diffSchemas, isEmptyDiff, type SchemaDiff } from "./schema-diff.ts";

export interface NextMigrationPlan {
  up: Statement[];
  down: Statement[];
  /** snake_case summary of the change, for the file name (`add_reminders_rename_items_note`). */
  slug: string;
  diagnostics: Diagnostic[];
  diff: SchemaDiff;
}

/** The catalog an initial migration builds, by object. */
interface Catalog {
  types: Map<string, { values: string[]; comment: CommentText }>;
  tables: Map<string, TableDef>;
  tableComments: Map<string, CommentText>;
  /** `table\0column` → comment */
  columnComments: Map<string, CommentText>;
  indexes: Map<string, IndexDef>;
  indexComments: Map<string, CommentText>;
  fks: Map<string, ForeignKeyDef>;
  /** `table\0constraint` → comment */
  constraintComments: Map<string, CommentText>;
}

const key = (a: string, b: string) => `${a}\u0000${b}`;

function catalogOf(up: readonly Statement[]): Catalog {
  const c: Catalog = {
    types: new Map(),
    tables: new Map(),
    tableComments: new Map(),
    columnComments: new Map(),
    indexes: new Map(),
    indexComments: new Map(),
    fks: new Map(),
    constraintComments: new Map(),
  };
  for (const s of up) {
    switch (s.kind) {
      case "create_type":
        c.types.set(s.type.name, { values: [...s.type.values], comment: null });
        break;
      case "comment_on_type":
        c.types.get(s.type)!.comment = s.text;
        break;
      case "create_table":
        c.tables.set(s.table.name, s.table);
        break;
      case "comment_on_table":
        c.tableComments.set(s.table, s.text);
        break;
      case "comment_on_column":
        c.columnComments.set(key(s.table, s.column), s.text);
        break;
      case "create_index":
        c.indexes.set(s.index.name, s.index);
        break;
      case "comment_on_index":
        c.indexComments.set(s.index, s.text);
        break;
      case "add_foreign_key":
        c.fks.set(s.fk.name, s.fk);
        break;
      case "comment_on_constraint":
        c.constraintComments.set(key(s.table, s.constraint), s.text);
        break;
      default:
        break;
    }
  }
  return c;
}

/** Renames an identifier inside an SQL expression (quoted identifiers only, literals untouched). */
function renameInExpr(expr: string, columns: ReadonlyMap<string, string>): string {
  return tokenize(expr)
    .map((t) => {
      if (t.kind !== "ident") return t.text;
      const name = t.text.slice(1, -1).replace(/""/g, '"');
      const to = columns.get(name);
      return to === undefined ? t.text : q(to);
    })
    .join("");
}

/** Renames the types of casts (`x::"type"`) inside an SQL expression. */
function renameCasts(expr: string, types: ReadonlyMap<string, string>): string {
  if (types.size === 0) return expr;
  const tokens = tokenize(expr);
  return tokens
    .map((t, i) => {
      if (t.kind !== "ident" || !/::\s*$/.test(tokens[i - 1]?.text ?? "")) return t.text;
      const to = types.get(t.text.slice(1, -1).replace(/""/g, '"'));
      return to === undefined ? t.text : q(to);
    })
    .join("");
}

/** A column type (`"type"` or `"type"[]`) in new type names. */
function renameColumnType(type: string, types: ReadonlyMap<string, string>): string {
  for (const [from, to] of types) {
    if (type === q(from)) return q(to);
    if (type === `${q(from)}[]`) return `${q(to)}[]`;
  }
  return type;
}

/** The old catalog in new type, table and column names (constraint and index names kept). */
function translate(
  c: Catalog,
  types: ReadonlyMap<string, string>,
  tables: ReadonlyMap<string, string>,
  columns: ReadonlyMap<string, ReadonlyMap<string, string>>,
): Catalog {
  const t = (name: string) => tables.get(name) ?? name;
  const colsOf = (oldTable: string) => columns.get(oldTable) ?? new Map<string, string>();
  const col = (oldTable: string, name: string) => colsOf(oldTable).get(name) ?? name;
  const expr = (oldTable: string, sql: string) => renameCasts(renameInExpr(sql, colsOf(oldTable)), types);
  const out: Catalog = {
    ...c,
    types: new Map([...c.types].map(([name, def]) => [types.get(name) ?? name, def] as const)),
    tables: new Map(),
    tableComments: new Map(),
    columnComments: new Map(),
    indexes: new Map(),
    fks: new Map(),
    constraintComments: new Map(),
  };
  for (const [name, def] of c.tables) {
    const m = (x: string) => col(name, x);
    out.tables.set(t(name), {
      name: t(name),
      columns: def.columns.map((cd) => ({
        ...cd,
        name: m(cd.name),
        type: renameColumnType(cd.type, types),
        ...(cd.default !== undefined ? { default: renameCasts(cd.default, types) } : {}),
      })),
      ...(def.primaryKey ? { primaryKey: { ...def.primaryKey, columns: def.primaryKey.columns.map(m) } } : {}),
      uniques: def.uniques.map((u) => ({ ...u, columns: u.columns.map(m) })),
      checks: def.checks.map((ch) => ({ ...ch, expr: expr(name, ch.expr) })),
    });
  }
  for (const [tn, text] of c.tableComments) out.tableComments.set(t(tn), text);
  for (const [k, text] of c.columnComments) {
    const [tn, cn] = k.split("\u0000") as [string, string];
    out.columnComments.set(key(t(tn), col(tn, cn)), text);
  }
  for (const [k, text] of c.constraintComments) {
    const [tn, cn] = k.split("\u0000") as [string, string];
    out.constraintComments.set(key(t(tn), cn), text);
  }
  for (const [name, ix] of c.indexes) {
    out.indexes.set(name, {
      ...ix,
      table: t(ix.table),
      columns: ix.columns.map((x) => col(ix.table, x)),
      ...(ix.where ? { where: expr(ix.table, ix.where) } : {}),
    });
  }
  for (const [name, fk] of c.fks) {
    out.fks.set(name, {
      ...fk,
      table: t(fk.table),
      columns: fk.columns.map((x) => col(fk.table, x)),
      refTable: t(fk.refTable),
      refColumns: fk.refColumns.map((x) => col(fk.refTable, x)),
    });
  }
  return out;
}

const json = (v: unknown) => JSON.stringify(v);

/** Pairs new objects with old ones: same definition first (maybe renamed), else same name (changed). */
function match<T extends { name: string }>(before: readonly T[], after: readonly T[], signature: (x: T) => string) {
  const unusedOld = new Set(before);
  const same: Array<{ before: T; after: T }> = [];
  const added: T[] = [];
  const pending: T[] = [];
  for (const a of after) {
    const exact =
      [...unusedOld].find((b) => b.name === a.name && signature(b) === signature(a)) ??
      [...unusedOld].find((b) => signature(b) === signature(a));
    if (exact) {
      unusedOld.delete(exact);
      same.push({ before: exact, after: a });
    } else pending.push(a);
  }
  for (const a of pending) added.push(a);
  return { same, added, removed: [...unusedOld] };
}

const constraintsOf = (t: TableDef): ConstraintDef[] => [
  ...(t.primaryKey ? [{ name: t.primaryKey.name, type: "primary-key" as const, columns: t.primaryKey.columns }] : []),
  ...t.uniques.map((u) => ({ name: u.name, type: "unique" as const, columns: u.columns })),
  ...t.checks.map((c) => ({ name: c.name, type: "check" as const, expr: c.expr })),
];
const constraintSig = (c: ConstraintDef) => json(c.type === "check" ? [c.type, c.expr] : [c.type, c.columns]);
const indexSig = (i: IndexDef) => json([i.table, i.columns, i.unique, i.method, i.where ?? null]);
const fkSig = (f: ForeignKeyDef) => json([f.table, f.columns, f.refTable, f.refColumns, f.onDelete, f.onUpdate]);

/** Base type without length/precision: `varchar(20)` → `varchar`. */
const baseType = (t: string) => t.replace(/\(.*\)/, "");

function slugOf(diff: SchemaDiff): string {
  const words: string[] = [];
  for (const e of diff.enums.added) words.push(`create_${enumTypeName(e.name)}`);
  for (const e of diff.entities.added) words.push(`create_${e.item.table}`);
  for (const c of diff.entities.changed) {
    if (c.table) words.push(`rename_${c.before.table}`);
    for (const f of c.fields.added) words.push(`add_${c.after.table}_${f.item.column}`);
    for (const f of c.fields.changed)
      words.push(`${f.renamed || f.column ? "rename" : "alter"}_${c.after.table}_${f.before.column}`);
    for (const f of c.fields.removed) words.push(`drop_${c.after.table}_${f.column}`);
    if (
      c.primaryKey ||
      [c.uniques, c.indexes, c.checks, c.foreignKeys].some((s) => s.added.length + s.removed.length > 0)
    )
      words.push(`constrain_${c.after.table}`);
  }
  for (const c of diff.enums.changed) {
    if (c.renamed && enumTypeName(c.before.name) !== enumTypeName(c.after.name))
      words.push(`rename_${enumTypeName(c.before.name)}`);
    if (c.added.length) words.push(`extend_${enumTypeName(c.after.name)}`);
    if (c.removed.length || c.reordered) words.push(`rebuild_${enumTypeName(c.after.name)}`);
  }
  for (const e of diff.entities.removed) words.push(`drop_${e.table}`);
  for (const e of diff.enums.removed) words.push(`drop_${enumTypeName(e.name)}`);
  const clean = [
    ...new Set(
      words
        .map((w) =>
          w
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, "_")
            .replace(/^_|_$/g, ""),
        )
        .filter(Boolean),
    ),
  ];
  let slug = "";
  for (const w of clean) {
    if ((slug ? slug.length + 1 : 0) + w.length > 48) return (slug || w.slice(0, 40)) + "_and_more";
    slug = slug ? `${slug}_${w}` : w;
  }
  return slug || "update_comments";
}

/**
 * Plans the migration from `before` to `after`; an empty `up` means no schema change.
 * Diagnostics: unsupported changes, new enum values used in the same migration.
 */
export function planNextMigration(previous: NDesign, current: NDesign): NextMigrationPlan {
  // An older design.json may lack type defaults that this contractor's normalisation fills.
  const before = resolveDefaults(previous);
  const after = resolveDefaults(current);
  return planChange(before, after, diffSchemas(before, after));
}

/**
 * Plans the migration of `diff` (`diffSchemas(before, after)`, both designs with their defaults
 * resolved). `newPlan` is the initial migration of `after`, when the caller has it already.
 */
export function planChange(
  before: NDesign,
  after: NDesign,
  diff: SchemaDiff,
  newPlan: MigrationPlan = planInitialMigration(after),
): NextMigrationPlan {
  // The diff's own findings (ignored renamedFrom) travel with `diff`, reported by the evolution artifact.
  const diagnostics: Diagnostic[] = [];
  if (isEmptyDiff(diff)) return { up: [], down: [], slug: "", diagnostics, diff };

  const oldPlan = planInitialMigration(before);
  const newCat = catalogOf(newPlan.up);

  // Renames from the schema diff, in database names.
  const typeRenames = new Map<string, string>();
  const renameSteps: Statement[] = [];
  for (const c of diff.enums.changed) {
    const from = enumTypeName(c.before.name);
    const to = enumTypeName(c.after.name);
    if (from === to) continue;
    typeRenames.set(from, to);
    renameSteps.push({ kind: "rename_type", from, to });
  }
  const tableRenames = new Map<string, string>();
  const columnRenames = new Map<string, Map<string, string>>();
  for (const c of diff.entities.changed) {
    const from = pgName(c.before.table);
    const to = pgName(c.after.table);
    if (from !== to) {
      tableRenames.set(from, to);
      renameSteps.push({ kind: "rename_table", from, to });
    }
    const cols = new Map<string, string>();
    for (const f of c.fields.changed) {
      const a = pgName(f.before.column);
      const b = pgName(f.after.column);
      if (a !== b) {
        cols.set(a, b);
        renameSteps.push({ kind: "rename_column", table: to, from: a, to: b });
      }
    }
    columnRenames.set(from, cols);
  }
  const oldCat = translate(catalogOf(oldPlan.up), typeRenames, tableRenames, columnRenames);

  const up: Statement[] = [];
  const late: Statement[] = [];

  // 1. new enum types
  for (const [name, t] of newCat.types) {
    if (oldCat.types.has(name)) continue;
    up.push({ kind: "create_type", type: { name, values: t.values } });
    if (t.comment !== null) up.push({ kind: "comment_on_type", type: name, text: t.comment, previous: null });
  }
  // 2. renames of tables and columns
  up.push(...renameSteps);

  // 3. foreign keys removed or changed
  const fkMatch = match([...oldCat.fks.values()], [...newCat.fks.values()], fkSig);
  // Re-added by the down over rows written since: orphans get NULL, or a parent when NOT NULL.
  for (const fk of fkMatch.removed) {
    const columns = oldCat.tables.get(fk.table)?.columns ?? [];
    const notNull = fk.columns.some((c) => columns.find((x) => x.name === c)?.notNull);
    up.push({ kind: "drop_foreign_key", fk, orphans: notNull ? "first-parent" : "null" });
  }

  // 4. indexes and constraints removed or changed (comments cleared first, so the down restores them)
  const ixMatch = match([...oldCat.indexes.values()], [...newCat.indexes.values()], indexSig);
  for (const ix of ixMatch.removed) {
    const text = oldCat.indexComments.get(ix.name) ?? null;
    if (text !== null) up.push({ kind: "comment_on_index", index: ix.name, text: null, previous: text });
    up.push({ kind: "drop_index", index: ix });
  }
  const keptTables = [...newCat.tables.keys()].filter((t) => oldCat.tables.has(t));
  const keptSet = new Set(keptTables);
  const constraintMatches = new Map<string, ReturnType<typeof match<ConstraintDef>>>();
  for (const t of keptTables) {
    const m = match(constraintsOf(oldCat.tables.get(t)!), constraintsOf(newCat.tables.get(t)!), constraintSig);
    constraintMatches.set(t, m);
    for (const c of m.removed) {
      const text = oldCat.constraintComments.get(key(t, c.name)) ?? null;
      if (text !== null)
        up.push({ kind: "comment_on_constraint", table: t, constraint: c.name, text: null, previous: text });
      up.push({ kind: "drop_constraint", table: t, constraint: c });
    }
  }

  // 5. tables removed: comments cleared and the table dropped (its indexes and keys go with it,
  //    and come back with it in the down)
  for (const [name, def] of oldCat.tables) {
    if (newCat.tables.has(name)) continue;
    for (const cd of def.columns) {
      const text = oldCat.columnComments.get(key(name, cd.name)) ?? null;
      if (text !== null)
        up.push({ kind: "comment_on_column", table: name, column: cd.name, text: null, previous: text });
    }
    for (const c of constraintsOf(def)) {
      const text = oldCat.constraintComments.get(key(name, c.name)) ?? null;
      if (text !== null)
        up.push({ kind: "comment_on_constraint", table: name, constraint: c.name, text: null, previous: text });
    }
    const text = oldCat.tableComments.get(name) ?? null;
    if (text !== null) up.push({ kind: "comment_on_table", table: name, text: null, previous: text });
    up.push({ kind: "drop_table", table: def });
  }

  // 6. columns removed
  for (const t of keptTables) {
    const now = new Set(newCat.tables.get(t)!.columns.map((c) => c.name));
    for (const cd of oldCat.tables.get(t)!.columns) {
      if (now.has(cd.name)) continue;
      const text = oldCat.columnComments.get(key(t, cd.name)) ?? null;
      if (text !== null) up.push({ kind: "comment_on_column", table: t, column: cd.name, text: null, previous: text });
      // Re-added by the down: NOT NULL needs a value per row, and a unique one distinct values.
      const keyed = constraintsOf(oldCat.tables.get(t)!).some((k) => k.type !== "check" && k.columns.includes(cd.name));
      const restore =
        !cd.identity && (cd.notNull || keyed) && (cd.default === undefined ? cd.notNull : keyed)
          ? { backfill: placeholderSql(t, cd, oldCat, keptSet) }
          : {};
      up.push({ kind: "drop_column", table: t, column: cd, ...restore });
    }
  }

  // 7. derived names that changed with a rename
  for (const { before: b, after: a } of ixMatch.same)
    if (b.name !== a.name) up.push({ kind: "rename_index", from: b.name, to: a.name });
  for (const [t, m] of constraintMatches)
    for (const { before: b, after: a } of m.same)
      if (b.name !== a.name) up.push({ kind: "rename_constraint", table: t, from: b.name, to: a.name });
  for (const { before: b, after: a } of fkMatch.same)
    if (b.name !== a.name) up.push({ kind: "rename_constraint", table: a.table, from: b.name, to: a.name });

  // 8. enum values, on the catalog as it stands here (kept objects, new names)
  const keptIndexes = ixMatch.same.map((x) => x.after);
  const keptChecks = [...constraintMatches].flatMap(([t, m]) =>
    m.same.flatMap((x) =>
      x.after.type === "check" ? [{ table: t, check: { name: x.after.name, expr: x.after.expr } as CheckDef }] : [],
    ),
  );
  const rebuildOf = (type: string, from: string[], to: string[]): EnumRebuild => {
    const columns: EnumRebuild["columns"] = [];
    for (const t of keptTables) {
      const now = new Set(newCat.tables.get(t)!.columns.map((c) => c.name));
      for (const cd of oldCat.tables.get(t)!.columns) {
        if (!now.has(cd.name)) continue;
        const array = cd.type === `${q(type)}[]`;
        if (cd.type !== q(type) && !array) continue;
        columns.push({
          table: t,
          column: cd.name,
          array,
          ...(cd.default !== undefined ? { default: cd.default } : {}),
        });
      }
    }
    const touches = (table: string, sql: string) =>
      columns.some(
        (c) => c.table === table && tokenize(sql).some((tk) => tk.kind === "ident" && tk.text === q(c.column)),
      );
    return {
      type,
      from,
      to,
      comment: newCat.types.get(type)?.comment ?? oldCat.types.get(type)?.comment ?? null,
      columns,
      indexes: keptIndexes.filter((i) => touches(i.table, `${i.columns.map(q).join(" ")} ${i.where ?? ""}`)),
      checks: keptChecks.filter((c) => touches(c.table, c.check.expr)),
    };
  };
  const addedValues = new Map<string, string[]>();
  for (const [name, t] of newCat.types) {
    const old = oldCat.types.get(name);
    if (!old) continue;
    const removed = old.values.filter((v) => !t.values.includes(v));
    const kept = old.values.filter((v) => t.values.includes(v));
    const reordered = json(kept) !== json(t.values.filter((v) => old.values.includes(v)));
    if (removed.length || reordered) {
      up.push({ kind: "rebuild_enum", rebuild: rebuildOf(name, old.values, t.values) });
      continue;
    }
    let current = [...old.values];
    t.values.forEach((v, i) => {
      if (current.includes(v)) return;
      const prev = t.values
        .slice(0, i)
        .reverse()
        .find((x) => current.includes(x));
      const next = t.values.slice(i + 1).find((x) => current.includes(x));
      const withValue = [...current];
      withValue.splice(prev !== undefined ? withValue.indexOf(prev) + 1 : 0, 0, v);
      up.push({
        kind: "add_enum_value",
        type: name,
        value: v,
        ...(prev !== undefined ? { after: prev } : next !== undefined ? { before: next } : {}),
        rebuild: rebuildOf(name, withValue, current),
      });
      current = withValue;
      addedValues.set(name, [...(addedValues.get(name) ?? []), v]);
    });
  }

  // 9. new tables (with their comments and indexes) and new or changed columns
  for (const [name, def] of newCat.tables) {
    if (oldCat.tables.has(name)) continue;
    up.push({ kind: "create_table", table: def });
    const text = newCat.tableComments.get(name) ?? null;
    if (text !== null) up.push({ kind: "comment_on_table", table: name, text, previous: null });
    for (const cd of def.columns) {
      const ct = newCat.columnComments.get(key(name, cd.name)) ?? null;
      if (ct !== null) up.push({ kind: "comment_on_column", table: name, column: cd.name, text: ct, previous: null });
    }
    for (const c of constraintsOf(def)) {
      const ct = newCat.constraintComments.get(key(name, c.name)) ?? null;
      if (ct !== null)
        up.push({ kind: "comment_on_constraint", table: name, constraint: c.name, text: ct, previous: null });
    }
  }
  for (const t of keptTables) {
    const old = new Map(oldCat.tables.get(t)!.columns.map((c) => [c.name, c] as const));
    for (const cd of newCat.tables.get(t)!.columns) {
      const o = old.get(cd.name);
      if (!o) {
        up.push({ kind: "add_column", table: t, column: cd });
        continue;
      }
      // NULLs all refilled with the one old default would collide in a unique the down re-adds.
      const keyed = constraintsOf(oldCat.tables.get(t)!).some((k) => k.type !== "check" && k.columns.includes(o.name));
      const labels = (type: string) => [...oldCat.types].find(([name]) => q(name) === type)?.[1].values;
      up.push(
        ...alterColumn(
          t,
          o,
          cd,
          diagnostics,
          () => (o.default !== undefined && !keyed ? o.default : placeholderSql(t, o, oldCat, keptSet)),
          labels,
        ),
      );
    }
  }

  // 10. new constraints, indexes, foreign keys
  for (const [t, m] of constraintMatches)
    for (const c of m.added) up.push({ kind: "add_constraint", table: t, constraint: c });
  for (const ix of ixMatch.added) up.push({ kind: "create_index", index: ix });
  for (const fk of fkMatch.added) up.push({ kind: "add_foreign_key", fk });

  // 11. comments of kept and new objects
  const commentSteps = <K>(
    now: ReadonlyMap<K, CommentText>,
    was: ReadonlyMap<K, CommentText>,
    exists: (k: K) => boolean,
    make: (k: K, text: CommentText, previous: CommentText) => Statement,
  ) => {
    const keys = new Set([...now.keys(), ...was.keys()]);
    for (const k of keys) {
      if (!exists(k)) continue;
      const a = was.get(k) ?? null;
      const b = now.get(k) ?? null;
      if (a !== b) late.push(make(k, b, a));
    }
  };
  const liveColumns = new Set(keptTables.flatMap((t) => newCat.tables.get(t)!.columns.map((c) => key(t, c.name))));
  const newIndexNames = new Set(ixMatch.added.map((i) => i.name));
  const keptIndexNames = new Set(keptIndexes.map((i) => i.name));
  const renamedIndexComments = new Map(
    [...oldCat.indexComments].map(
      ([n, text]) => [ixMatch.same.find((x) => x.before.name === n)?.after.name ?? n, text] as const,
    ),
  );
  commentSteps(
    newCat.tableComments,
    oldCat.tableComments,
    (t) => keptTables.includes(t),
    (t, text, previous) => ({ kind: "comment_on_table", table: t, text, previous }),
  );
  commentSteps(
    newCat.columnComments,
    oldCat.columnComments,
    (k) => liveColumns.has(k),
    (k, text, previous) => {
      const [t, c] = k.split("\u0000") as [string, string];
      return { kind: "comment_on_column", table: t, column: c, text, previous };
    },
  );
  commentSteps(
    newCat.indexComments,
    renamedIndexComments,
    (n) => keptIndexNames.has(n) || newIndexNames.has(n),
    (n, text, previous) => ({ kind: "comment_on_index", index: n, text, previous }),
  );
  const renamedConstraintComments = new Map<string, CommentText>();
  for (const [k, text] of oldCat.constraintComments) {
    const [t, n] = k.split("\u0000") as [string, string];
    const renamed = constraintMatches.get(t)?.same.find((x) => x.before.name === n)?.after.name ?? n;
    renamedConstraintComments.set(key(t, renamed), text);
  }
  const liveConstraints = new Set(
    [...constraintMatches].flatMap(([t, m]) => [
      ...m.same.map((x) => key(t, x.after.name)),
      ...m.added.map((c) => key(t, c.name)),
    ]),
  );
  commentSteps(
    newCat.constraintComments,
    renamedConstraintComments,
    (k) => liveConstraints.has(k),
    (k, text, previous) => {
      const [t, c] = k.split("\u0000") as [string, string];
      return { kind: "comment_on_constraint", table: t, constraint: c, text, previous };
    },
  );
  for (const [name, t] of newCat.types) {
    const old = oldCat.types.get(name);
    if (old && old.comment !== t.comment)
      late.push({ kind: "comment_on_type", type: name, text: t.comment, previous: old.comment });
  }
  up.push(...late);

  // 12. enum types removed
  for (const [name, t] of oldCat.types) {
    if (newCat.types.has(name)) continue;
    if (t.comment !== null) up.push({ kind: "comment_on_type", type: name, text: null, previous: t.comment });
    up.push({ kind: "drop_type", type: { name, values: t.values } });
  }

  diagnostics.push(...sameMigrationUse(up, addedValues));
  return { up, down: downOf(up), slug: slugOf(diff), diagnostics, diff };
}

/**
 * A value for the rows of a column that a down makes NOT NULL again without a default to fill it
 * (a dropped column re-added, or a column made nullable again required): a parent key for a
 * single-column foreign key, else a placeholder of the column's type inside the bounds of its
 * simple checks (`>=`, `<=`, `char_length`, `<>`) — distinct per row (from `ctid`) for text,
 * uuid, unbounded integers, dates and timestamps.
 * Not the values the rows had: CHANGES.md says so (rollbackNotes).
 */
function placeholderSql(table: string, c: ColumnDef, cat: Catalog, kept: ReadonlySet<string>): string {
  // Only a parent table the down does not re-create (empty, and later in the down) has a key to give.
  const fk = [...cat.fks.values()].find(
    (f) => f.table === table && f.columns.length === 1 && f.columns[0] === c.name && kept.has(f.refTable),
  );
  if (fk) return `(SELECT ${q(fk.refColumns[0]!)} FROM ${q(fk.refTable)} ORDER BY 1 LIMIT 1)`;
  const col = q(c.name).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const checks = (cat.tables.get(table)?.checks ?? []).map((k) => k.expr).join(" AND ");
  const bound = (re: string) => [...checks.matchAll(new RegExp(re, "g"))].map((m) => Number(m[1]));
  const minLen = Math.max(0, ...bound(`char_length\\(${col}\\) >= (\\d+)`));
  const maxLen = Math.min(
    Number(/^varchar\((\d+)\)$/.exec(c.type)?.[1] ?? Infinity),
    ...bound(`char_length\\(${col}\\) <= (\\d+)`),
  );
  const min = Math.max(-Infinity, ...bound(`${col} >= (-?[\\d.]+)`), ...bound(`${col} > (-?\\d+)`).map((n) => n + 1));
  const max = Math.min(Infinity, ...bound(`${col} <= (-?[\\d.]+)`), ...bound(`${col} < (-?\\d+)`).map((n) => n - 1));
  if (c.type.endsWith("[]")) return "'{}'";
  if (c.type === "text" || c.type.startsWith("varchar(")) {
    let text = maxLen >= 30 ? `'restored ' || ctid::text` : "ctid::text";
    if (minLen > 0) text = `${text} || ${quoteLiteral("-".repeat(minLen))}`;
    // A ctid is at most 18 characters ("(4294967295,65535)").
    return maxLen < (maxLen >= 30 ? 27 : 18) + minLen ? `left(${text}, ${maxLen})` : text;
  }
  // A number, date or time from the row's ctid: distinct per row unless two ctids hash alike.
  const spread = "abs(hashtext(ctid::text) / 2)";
  const decimal = /^numeric\((\d+),(\d+)\)$/.exec(c.type);
  if (c.type === "integer" || c.type === "bigint" || decimal) {
    // Inside the checks' bounds and the precision: lo + (hash mod span).
    const limit = decimal ? 10 ** Math.min(Number(decimal[1]) - Number(decimal[2]), 9) - 1 : 2 ** 30;
    const lo = Math.ceil(min > -Infinity ? Math.max(min, -limit) : max < 0 ? Math.max(max - limit, -limit) : 0);
    const span = Math.floor(Math.min(max, limit)) - lo + 1;
    if (span <= 1) return String(lo);
    return lo === 0 && span > 2 ** 30 ? spread : `${lo} + ${spread} % ${span}`;
  }
  if (c.type === "boolean") return "false";
  if (c.type === "uuid") return "gen_random_uuid()";
  if (c.type === "date") return `'1970-01-01'::date + ${spread} % 1000000`;
  if (c.type === "timestamptz") return `'1970-01-01T00:00:00Z'::timestamptz + ${spread} * interval '1 second'`;
  if (c.type === "jsonb") return "'{}'::jsonb";
  const labels = [...cat.types].find(([name]) => q(name) === c.type)?.[1].values ?? [];
  const excluded = new Set(
    [...checks.matchAll(new RegExp(`${col} <> '((?:[^']|'')*)'`, "g"))].map((m) => m[1]!.replace(/''/g, "'")),
  );
  const label = labels.find((l) => !excluded.has(l)) ?? labels[0];
  // An untyped literal: assignment gives it the column's enum type (node-sql-parser reads no cast to a quoted type here).
  return label !== undefined ? quoteLiteral(label) : "NULL";
}

/** `refill`: the value the down's SET NOT NULL gives the rows left NULL (the old default, or a placeholder). */
/** Text patterns a value must match to be cast to a type (PostgreSQL's input syntax, simplified). */
const CASTABLE: Record<string, string> = {
  integer: String.raw`^\s*-?[0-9]{1,9}\s*$`,
  bigint: String.raw`^\s*-?[0-9]{1,18}\s*$`,
  boolean: String.raw`^\s*(true|false|t|f|yes|no|on|off|1|0)\s*$`,
  uuid: String.raw`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`,
  date: String.raw`^[0-9]{4}-[0-9]{2}-[0-9]{2}`,
  timestamptz: String.raw`^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?([+-][0-9]{2}(:?[0-9]{2})?|Z)?$`,
};
const FALLBACK: Record<string, string> = {
  integer: "0",
  bigint: "0",
  boolean: "false",
  uuid: "00000000-0000-0000-0000-000000000000",
  date: "1970-01-01",
  timestamptz: "1970-01-01T00:00:00Z",
};

/**
 * A USING expression that converts any value of column `column` into `type` (a down converting
 * back): text cut to a varchar's length, an enum label kept when it is one (else the first label),
 * a value kept when its text fits the type's input syntax (else a fixed placeholder), array text
 * kept when braced (else empty; its elements must still fit). Undefined for text, which every
 * value reaches; the conversions CHANGES.md names may still fail on values these tests let through.
 */
function fittingCast(column: string, type: string, enumLabels: readonly string[] | undefined): string | undefined {
  const text = `${q(column)}::text`;
  const varchar = /^varchar\((\d+)\)$/.exec(type);
  if (varchar) return `left(${text}, ${varchar[1]})`;
  if (enumLabels?.length)
    return `(CASE WHEN ${text} IN (${enumLabels.map(quoteLiteral).join(", ")}) THEN ${text} ELSE ${quoteLiteral(enumLabels[0]!)} END)::${type}`;
  // Text in array braces is cast (its elements must still fit); any other text becomes an empty array.
  if (type.endsWith("[]"))
    return `(CASE WHEN ${text} ~ ${quoteLiteral(String.raw`^\{.*\}$`)} THEN ${text} ELSE '{}' END)::${type}`;
  // Text that looks like JSON is cast; any other text becomes a JSON string.
  if (type === "jsonb")
    return `(CASE WHEN ${text} ~ ${quoteLiteral(String.raw`^\s*([[{"]|-?[0-9]|(true|false|null)\s*$)`)} THEN ${text}::jsonb ELSE to_jsonb(${text}) END)`;
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(type);
  const whole = numeric ? Number(numeric[1]) - Number(numeric[2]) : 0;
  const pattern = numeric
    ? String.raw`^\s*-?(${whole > 0 ? `[0-9]{1,${whole}}([.][0-9]*)?|` : "0*"}\.[0-9]+)\s*$`
    : CASTABLE[type];
  if (pattern === undefined) return undefined;
  // A decimal into an integer is rounded, as the cast from numeric would.
  const integral = type === "integer" || type === "bigint";
  const kept = integral ? `round(${text}::numeric)::text` : text;
  return `(CASE WHEN ${text} ~* ${quoteLiteral(integral ? pattern.replace(String.raw`\s*$`, String.raw`([.][0-9]*)?\s*$`) : pattern)} THEN ${kept} ELSE ${quoteLiteral(FALLBACK[type] ?? "0")} END)::${type}`;
}

function alterColumn(
  table: string,
  o: ColumnDef,
  n: ColumnDef,
  diagnostics: Diagnostic[],
  refill: () => string,
  labels: (type: string) => string[] | undefined,
): Statement[] {
  const out: Statement[] = [];
  const typeChanged = o.type !== n.type;
  if (o.identity !== n.identity) {
    diagnostics.push(
      migrationDiag(
        "evolution-unsupported-change",
        `column ${table}.${n.name} ${n.identity ? "becomes" : "stops being"} an identity column; contractor does not migrate identity changes — add a new column instead`,
        "/data/entities",
      ),
    );
  }
  // NOT NULL dropped: first, so that in the down its inverse (SET NOT NULL after filling NULLs with
  // the old default, a value of the old type) runs after the type is back. NOT NULL added: last,
  // filling NULLs with the new default once the column has the new type.
  if (o.notNull && !n.notNull) out.push({ kind: "drop_not_null", table, column: n.name, backfill: refill() });
  if (typeChanged && o.default !== undefined)
    out.push({ kind: "set_column_default", table, column: n.name, previous: o.default });
  if (typeChanged) {
    const back = fittingCast(n.name, o.type, labels(o.type));
    out.push({
      kind: "alter_column_type",
      table,
      column: n.name,
      from: o.type,
      to: n.type,
      using: baseType(o.type) !== baseType(n.type),
      ...(back !== undefined ? { downUsing: back } : {}),
    });
  }
  if (typeChanged ? n.default !== undefined : o.default !== n.default) {
    out.push({
      kind: "set_column_default",
      table,
      column: n.name,
      ...(n.default !== undefined ? { default: n.default } : {}),
      ...(!typeChanged && o.default !== undefined ? { previous: o.default } : {}),
    });
  }
  if (!o.notNull && n.notNull)
    out.push({
      kind: "set_not_null",
      table,
      column: n.name,
      ...(n.default !== undefined ? { backfill: n.default } : {}),
    });
  return out;
}

/** A value added by ALTER TYPE … ADD VALUE cannot be used before the transaction commits. */
function sameMigrationUse(up: readonly Statement[], added: ReadonlyMap<string, string[]>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [type, values] of added) {
    for (const v of values) {
      const lit = quoteLiteral(v);
      const uses = up.filter((s) => {
        const text =
          s.kind === "create_table"
            ? json(s.table.columns.filter((c) => c.type.startsWith(q(type))).map((c) => c.default)) +
              json(s.table.checks)
            : s.kind === "add_column"
              ? s.column.type.startsWith(q(type))
                ? (s.column.default ?? "")
                : ""
              : s.kind === "set_column_default"
                ? (s.default ?? "")
                : s.kind === "add_constraint" && s.constraint.type === "check"
                  ? s.constraint.expr
                  : s.kind === "create_index"
                    ? (s.index.where ?? "")
                    : "";
        return text.includes(lit);
      });
      if (uses.length)
        out.push(
          migrationDiag(
            "enum-value-used-in-same-migration",
            `enum ${type} gains ${v}, and the same migration already uses it (${uses.map((s) => s.kind).join(", ")}); build once with the new value unused, then use it in the next build`,
            "/data/enums",
          ),
        );
    }
  }
  return out;
}
