/**
 * The fidelity harness, SQL half: a DDL file → `importSql` → `build` (the migrations artifact, in
 * memory, no engine check) → the generated up migration loaded into a fresh PGlite → its catalog
 * compared with the original's (which `importSql` read from its own PGlite), object by object.
 * Tables and columns are matched by name (the importer keeps both); every other object by what
 * it does, so a renamed constraint counts once, under names.
 */
import { basename } from "node:path";
import { artifacts } from "../generators/index.ts";
import { withOwnPglite } from "../generators/migrations/engine.ts";
import type { Loss } from "../src/import/loss.ts";
import { importSql, readCatalog, type CatalogModel } from "../src/import/postgres.ts";
import type { CatalogTable, CatalogColumn } from "../src/import/pg-catalog.ts";
import { build } from "../src/pipeline/build.ts";

/** What the SQL half counts, each as kept/total over the original's objects. */
export const SQL_MEASURES = [
  "tables",
  "columns",
  "primaryKeys",
  "foreignKeys",
  "uniques",
  "indexes",
  "checks",
  "enums",
  "names",
] as const;
export type SqlMeasure = (typeof SQL_MEASURES)[number];

export const SQL_MEASURE_TITLES: Record<SqlMeasure, string> = {
  tables: "tables",
  columns: "columns exact",
  primaryKeys: "primary keys",
  foreignKeys: "foreign keys",
  uniques: "uniques",
  indexes: "indexes",
  checks: "checks",
  enums: "enums",
  names: "names",
};

export interface Tally {
  kept: number;
  total: number;
}

export interface SqlFidelity {
  input: string;
  measures: Record<SqlMeasure, Tally>;
  /** Why an original object is not kept (`column type`, `foreign key missing`…), counted. */
  reasons: Map<string, number>;
  /** Each original column that is not exact, as `table.column: why` (tests and debugging). */
  inexactColumns: string[];
  /**
   * Each original object not kept, with the loss classes the import reported on it (a loss whose
   * pointer is the object's or lies under it). No class: a difference the loss report does not
   * explain, a bug of the importer or of the generator.
   */
  misses: Array<{ reason: string; pointer: string; classes: string[] }>;
  losses: Loss[];
  failed?: string;
}

const emptyMeasures = (): Record<SqlMeasure, Tally> =>
  Object.fromEntries(SQL_MEASURES.map((m) => [m, { kept: 0, total: 0 }])) as Record<SqlMeasure, Tally>;

/** Measures one DDL file; `name` is how the report calls it (default: the file's name). */
export async function measureSql(file: string, name = basename(file)): Promise<SqlFidelity> {
  const result: SqlFidelity = {
    input: name,
    measures: emptyMeasures(),
    reasons: new Map(),
    inexactColumns: [],
    misses: [],
    losses: [],
  };
  const imported = await importSql({ file });
  result.losses = imported.losses;
  if (!imported.design || !imported.catalog) {
    result.failed = imported.diagnostics.map((d) => d.code).join(", ");
    return result;
  }
  const built = await build(
    { text: JSON.stringify(imported.design), name: "design" },
    { engine: false, artifacts: artifacts.filter((a) => a.name === "sql") },
  );
  const ups = built.files
    .filter((f) => /^migrations\/.*\.up\.sql$/.test(f.path))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  if (!built.ok || ups.length === 0) {
    result.failed = `build: ${built.diagnostics
      .filter((d) => d.severity === "error")
      .map((d) => d.code)
      .join(", ")}`;
    return result;
  }
  let generated: CatalogModel;
  try {
    generated = await withOwnPglite(async (engine) => {
      for (const up of ups) await engine.exec(String(up.contents));
      return readCatalog(engine, "public");
    });
  } catch (error) {
    result.failed = `generated migration rejected: ${(error as Error).message}`;
    return result;
  }
  compareCatalogs(imported.catalog, generated, result);
  return result;
}

/** Per kind of difference, the loss classes that describe it (other classes on the same object may be its cause). */
const RELEVANT: Record<string, string[]> = {
  "column type": ["sql-type", "number-type"],
  "column default": ["sql-default"],
  "enum labels": ["enum-values"],
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const squash = (s: string) => s.replace(/\s+/g, " ").trim();

/** Adds the comparison of `original` with `generated` to `result`'s measures and reasons. */
export function compareCatalogs(original: CatalogModel, generated: CatalogModel, result: SqlFidelity): void {
  const m = result.measures;
  const why = (reason: string, pointer: string) => {
    result.reasons.set(reason, (result.reasons.get(reason) ?? 0) + 1);
    const onObject = [
      ...new Set(
        result.losses.filter((l) => l.pointer === pointer || l.pointer.startsWith(`${pointer}/`)).map((l) => l.class),
      ),
    ].sort();
    // The classes that speak of this difference, when the object has several (a column whose type and default both changed).
    const relevant = onObject.filter((c) =>
      reason.endsWith(" name") ? c === "sql-name" : RELEVANT[reason]?.includes(c),
    );
    const classes = relevant.length ? relevant : onObject;
    result.misses.push({ reason, pointer, classes });
  };
  const count: Count = (measure, kept, reason, pointer) => {
    m[measure].total++;
    if (kept) m[measure].kept++;
    else why(reason, pointer);
  };
  const genTables = new Map(generated.tables.map((t) => [t.name, t]));

  // Enums: matched by name, else by the columns that use them (an enum the import renamed).
  const genEnums = new Map(generated.enums.map((e) => [e.name, e]));
  const enumMatch = new Map<string, string>();
  for (const t of original.tables)
    for (const c of t.columns) {
      if (c.typeKind !== "e" || c.typeSchema !== original.schema) continue;
      const g = genTables.get(t.name)?.columns.find((x) => x.name === c.name);
      if (g && g.typeKind === "e" && !enumMatch.has(c.typeName)) enumMatch.set(c.typeName, g.typeName);
    }
  for (const e of original.enums) {
    const g = genEnums.get(e.name) ?? genEnums.get(enumMatch.get(e.name) ?? "");
    if (g) enumMatch.set(e.name, g.name);
    const at = `/enums/${e.name}`;
    count("enums", g !== undefined && same(g.labels, e.labels), g ? "enum labels" : "enum missing", at);
    count("names", g?.name === e.name, "enum name", at);
  }

  // A column of an enum the import renamed has the same type when the enums match (the name counts under names).
  const typeOf = (c: CatalogColumn, enumName: (n: string) => string) =>
    c.typeKind === "e" ? `enum ${enumName(c.typeName)}${c.array ? "[]" : ""}` : c.formatted;

  for (const t of original.tables) {
    if (t.kind === "partition") continue;
    const g = genTables.get(t.name);
    count("tables", g !== undefined, "table missing", `/tables/${t.name}`);
    for (const c of t.columns) {
      const gc = g?.columns.find((x) => x.name === c.name);
      const differs: string[] = [];
      if (!gc) differs.push("missing");
      else {
        if (typeOf(c, (n) => enumMatch.get(n) ?? n) !== typeOf(gc, (n) => n)) differs.push("type");
        if (c.notNull !== gc.notNull) differs.push("nullability");
        if ((c.default ?? "") !== (gc.default ?? "") || (c.identity ?? "") !== (gc.identity ?? ""))
          differs.push("default");
        if ((c.generated ?? "") !== (gc.generated ?? "")) differs.push("generated");
      }
      const at = `/tables/${t.name}/columns/${c.name}`;
      count("columns", differs.length === 0, `column ${differs[0] ?? ""}`, at);
      for (const d of differs.slice(1)) why(`column ${d}`, at);
      if (differs.length) result.inexactColumns.push(`${t.name}.${c.name}: ${differs.join(", ")}`);
    }
    compareConstraints(t, g, count);
  }
}

type Count = (measure: SqlMeasure, kept: boolean, reason: string, pointer: string) => void;

function compareConstraints(t: CatalogTable, g: CatalogTable | undefined, count: Count): void {
  if (t.primaryKey) {
    const gk = g?.primaryKey;
    const at = `/tables/${t.name}/primary-key`;
    count("primaryKeys", gk !== undefined && same(gk.columns, t.primaryKey.columns), "primary key columns", at);
    count("names", gk?.name === t.primaryKey.name, "primary key name", at);
  }
  for (const fk of t.foreignKeys) {
    const target = (x: typeof fk) => [x.columns, x.refTable, x.refColumns];
    const candidates = g?.foreignKeys.filter((x) => same(target(x), target(fk))) ?? [];
    const exact = candidates.find(
      (x) =>
        x.onDelete === fk.onDelete &&
        x.onUpdate === fk.onUpdate &&
        x.match === fk.match &&
        x.deferrable === fk.deferrable,
    );
    const match = exact ?? candidates[0];
    const at = `/tables/${t.name}/constraints/${fk.name}`;
    count("foreignKeys", exact !== undefined, match ? "foreign key actions" : "foreign key missing", at);
    count("names", match?.name === fk.name, "foreign key name", at);
  }
  for (const u of t.uniques) {
    const match = g?.uniques.find((x) => same(x.columns, u.columns));
    // A unique constraint the design holds as a unique index on the same columns enforces the same rule.
    const asIndex = g?.indexes.find(
      (x) => x.unique && !x.constraint && same(x.columns, u.columns) && !x.predicate && x.expressions.length === 0,
    );
    const at = `/tables/${t.name}/constraints/${u.name}`;
    const kept = match !== undefined && match.deferrable === u.deferrable;
    count("uniques", kept, match || asIndex ? "unique constraint as index" : "unique missing", at);
    count("names", (match ?? asIndex)?.name === u.name, "unique name", at);
  }
  for (const ix of t.indexes) {
    if (ix.constraint) continue;
    const shape = (x: typeof ix) => [
      x.unique,
      x.method,
      x.columns,
      x.expressions,
      x.include,
      x.predicate ?? "",
      x.options,
    ];
    const match = g?.indexes.find((x) => !x.constraint && same(shape(x), shape(ix)));
    const sameColumns = g?.indexes.find((x) => !x.constraint && same(x.columns, ix.columns));
    const at = `/tables/${t.name}/indexes/${ix.name}`;
    count("indexes", match !== undefined, sameColumns ? "index definition" : "index missing", at);
    count("names", (match ?? sameColumns)?.name === ix.name, "index name", at);
  }
  for (const c of t.checks) {
    const match = g?.checks.find((x) => squash(x.expression) === squash(c.expression));
    const at = `/tables/${t.name}/constraints/${c.name}`;
    count("checks", match !== undefined, "check missing or rewritten", at);
    count("names", match?.name === c.name, "check name", at);
  }
}
