/**
 * Generated rows for the tables of a schema, so that the round trip runs each down migration on
 * tables that hold data (a down that only works on empty tables is a broken down).
 *
 * The seeder reads the live catalog (pg_catalog) rather than the design: in a migration chain the
 * schema a down runs on is whatever the earlier ups left, which no single design describes, and
 * the catalog is what the rows must satisfy. From it: column types (with varchar lengths, numeric
 * precision and scale, enum labels, array element types), NOT NULL, defaults, identity and
 * generated columns, primary keys, uniques, unique indexes (partial ones included), foreign keys
 * and CHECK constraints. Simple check atoms — `col op literal`, `char_length(col) op n`,
 * `col op other_col`, `col IS [NOT] NULL` — narrow the values generated; anything else is met by
 * retrying a row with other candidates, and a row that still fails is reported with the engine's
 * reason, never dropped silently.
 *
 * Tables are filled parents first. A foreign key that closes a cycle is left NULL (when its
 * columns are nullable) and pointed at a parent row afterwards; a self-reference points at the
 * row itself when the referenced columns are generated here. Values derive from a row counter
 * and a fixed hash (no clock, no global randomness): the same schema gets the same rows. Values
 * differ from row to row (a column's default is used only when no value can be made), and one
 * row in three leaves its nullable columns NULL.
 */
import { quoteIdent as q, quoteLiteral } from "./ident.ts";
import type { Engine } from "./catalog.ts";

export interface SeedOptions {
  /** Rows per table. */
  rows?: number;
  /** First row number: later calls on the same schema continue after earlier ones, so unique values stay distinct. */
  start?: number;
}

export interface SeedResult {
  /** Rows inserted per table (tables sorted by name). */
  inserted: Record<string, number>;
  /** Rows that could not be inserted, per table, with the reason. */
  skipped: Array<{ table: string; rows: number; reason: string }>;
  /** The row number after the last one used (pass as `start` to the next call). */
  next: number;
}

type Kind =
  | "uuid"
  | "text"
  | "int"
  | "numeric"
  | "float"
  | "bool"
  | "date"
  | "timestamp"
  | "time"
  | "interval"
  | "json"
  | "enum"
  | "bytea"
  | "inet"
  | "other";

interface Bounds {
  min?: number;
  max?: number;
  minLen?: number;
  maxLen?: number;
  not: string[];
  eq?: string;
  isNull?: boolean;
  notNull?: boolean;
}

interface Column {
  name: string;
  /** As `format_type` writes it: the cast target of every literal. */
  type: string;
  kind: Kind;
  array: boolean;
  notNull: boolean;
  hasDefault: boolean;
  /** Identity or generated: always DEFAULT. */
  automatic: boolean;
  length?: number;
  precision?: number;
  scale?: number;
  intBits?: number;
  labels: string[];
  bounds: Bounds;
}

interface ForeignKey {
  name: string;
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
}

interface Table {
  name: string;
  columns: Column[];
  fks: ForeignKey[];
  /** Column relations from checks: `a op b`. */
  relations: Array<{ left: string; op: string; right: string }>;
}

const KIND_OF: Record<string, Kind> = {
  uuid: "uuid",
  text: "text",
  varchar: "text",
  bpchar: "text",
  name: "text",
  citext: "text",
  int2: "int",
  int4: "int",
  int8: "int",
  numeric: "numeric",
  float4: "float",
  float8: "float",
  bool: "bool",
  date: "date",
  timestamptz: "timestamp",
  timestamp: "timestamp",
  time: "time",
  timetz: "time",
  interval: "interval",
  json: "json",
  jsonb: "json",
  bytea: "bytea",
  inet: "inet",
  cidr: "inet",
};
const INT_BITS: Record<string, number> = { int2: 16, int4: 32, int8: 64 };

/** A 32-bit hash of the parts (FNV-1a, then a murmur finaliser): the seeder's only source of variety. */
function hash(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join("\u0001")) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const hex8 = (n: number) => n.toString(16).padStart(8, "0");

// ---- reading the catalog ----

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const CAST = String.raw`(?:::[A-Za-z_" ]+(?:\([\d, ]+\))?(?:\[\])?)*`;
const NUM = String.raw`(?:\(?'?(-?\d+(?:\.\d+)?)'?\)?${CAST})`;
const STR = String.raw`(?:'((?:[^']|'')*)'${CAST})`;
const OP = String.raw`(>=|<=|<>|!=|=|>|<)`;
const unquote = (ident: string) => (ident.startsWith('"') ? ident.slice(1, -1).replace(/""/g, '"') : ident);

/** Narrows the columns' bounds with the simple atoms of one CHECK definition (see the module comment). */
function readCheck(def: string, table: Table): void {
  const column = (ident: string) => table.columns.find((c) => c.name === unquote(ident));
  for (const m of def.matchAll(new RegExp(String.raw`char_length\(\(*(${IDENT})\)*${CAST}\)\s*${OP}\s*${NUM}`, "g"))) {
    const c = column(m[1]!);
    if (!c) continue;
    const n = Number(m[3]);
    if (m[2] === ">=" || m[2] === ">") c.bounds.minLen = Math.max(c.bounds.minLen ?? 0, m[2] === ">" ? n + 1 : n);
    if (m[2] === "<=" || m[2] === "<")
      c.bounds.maxLen = Math.min(c.bounds.maxLen ?? Infinity, m[2] === "<" ? n - 1 : n);
    if (m[2] === "=") c.bounds.minLen = c.bounds.maxLen = n;
  }
  const stripped = def.replace(/char_length\([^)]*\)+[^)]*/g, "");
  for (const m of stripped.matchAll(
    new RegExp(String.raw`\(*(${IDENT})\)*${CAST}\s*${OP}\s*(?:${NUM}|${STR}|\(*(${IDENT})\)*${CAST})`, "g"),
  )) {
    const c = column(m[1]!);
    if (!c) continue;
    const op = m[2] === "!=" ? "<>" : m[2]!;
    if (m[5] !== undefined) {
      const other = column(m[5]);
      if (other) table.relations.push({ left: c.name, op, right: other.name });
      continue;
    }
    const text = m[3] ?? m[4]!.replace(/''/g, "'");
    const n = Number(text);
    if (op === "=") c.bounds.eq = text;
    else if (op === "<>") c.bounds.not.push(text);
    else if (m[3] !== undefined && Number.isFinite(n)) {
      const step = c.kind === "int" ? 1 : 0.01;
      if (op === ">=" || op === ">") c.bounds.min = Math.max(c.bounds.min ?? -Infinity, op === ">" ? n + step : n);
      else c.bounds.max = Math.min(c.bounds.max ?? Infinity, op === "<" ? n - step : n);
    }
  }
  for (const m of def.matchAll(new RegExp(String.raw`\(*(${IDENT})\)*\s+IS\s+(NOT\s+)?NULL`, "g"))) {
    const c = column(m[1]!);
    if (!c) continue;
    if (m[2]) c.bounds.notNull = true;
    else c.bounds.isNull = true;
  }
}

async function readTables(engine: Engine, schema: string): Promise<Table[]> {
  const columns = await engine.query<{
    relname: string;
    attname: string;
    type: string;
    attnotnull: boolean;
    atthasdef: boolean;
    automatic: boolean;
    typmod: number;
    typname: string;
    typtype: string;
    elemname: string | null;
    elemtype: string | null;
    labels: string | null;
  }>(
    `SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull, a.atthasdef,
            (a.attidentity <> '' OR a.attgenerated <> '') AS automatic, a.atttypmod AS typmod,
            t.typname, t.typtype::text AS typtype, e.typname AS elemname, e.typtype::text AS elemtype,
            (SELECT json_agg(l.enumlabel ORDER BY l.enumsortorder)::text FROM pg_enum l WHERE l.enumtypid = COALESCE(e.oid, t.oid)) AS labels
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY c.relname, a.attnum`,
    [schema],
  );
  const tables = new Map<string, Table>();
  for (const r of columns) {
    const table =
      tables.get(r.relname) ??
      (tables.set(r.relname, { name: r.relname, columns: [], fks: [], relations: [] }), tables.get(r.relname)!);
    const base = r.elemname ?? r.typname;
    const enumType = (r.elemtype ?? r.typtype) === "e";
    const mod = r.typmod > 4 ? r.typmod - 4 : undefined;
    const column: Column = {
      name: r.attname,
      type: r.type,
      kind: enumType ? "enum" : (KIND_OF[base] ?? "other"),
      array: r.elemname !== null,
      notNull: r.attnotnull,
      hasDefault: r.atthasdef,
      automatic: r.automatic,
      labels: r.labels === null ? [] : (JSON.parse(r.labels) as string[]),
      bounds: { not: [] },
    };
    if (mod !== undefined && (base === "varchar" || base === "bpchar")) column.length = mod;
    if (mod !== undefined && base === "numeric")
      Object.assign(column, { precision: (mod >> 16) & 0xffff, scale: mod & 0xffff });
    if (INT_BITS[base]) column.intBits = INT_BITS[base];
    table.columns.push(column);
  }
  const constraints = await engine.query<{
    relname: string;
    conname: string;
    contype: string;
    def: string;
    cols: string | null;
    reftable: string | null;
    refcols: string | null;
  }>(
    `SELECT c.relname, con.conname, con.contype::text AS contype, pg_get_constraintdef(con.oid) AS def,
            (SELECT json_agg(a.attname ORDER BY k.i)::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n) AS cols,
            rc.relname AS reftable,
            (SELECT json_agg(a.attname ORDER BY k.i)::text FROM unnest(con.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n) AS refcols
     FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_class rc ON rc.oid = con.confrelid
     WHERE n.nspname = $1 AND con.contype IN ('c', 'f') ORDER BY c.relname, con.conname`,
    [schema],
  );
  for (const r of constraints) {
    const table = tables.get(r.relname);
    if (!table) continue;
    if (r.contype === "f" && r.reftable && r.cols && r.refcols && tables.has(r.reftable)) {
      const cols = JSON.parse(r.cols) as string[];
      const refCols = JSON.parse(r.refcols) as string[];
      if (cols.every((c) => table.columns.some((x) => x.name === c)) && cols.length === refCols.length)
        table.fks.push({ name: r.conname, table: r.relname, columns: cols, refTable: r.reftable, refColumns: refCols });
    }
    if (r.contype === "c") readCheck(r.def, table);
  }
  return [...tables.values()];
}

// ---- values ----

function intRange(c: Column): [number, number] {
  const limit = c.intBits === 16 ? 32767 : 2147483647;
  if (c.kind === "numeric" && c.precision !== undefined) {
    const whole = 10 ** Math.min(c.precision - (c.scale ?? 0), 9) - 1;
    return [Math.max(c.bounds.min ?? -whole, -whole), Math.min(c.bounds.max ?? whole, whole)];
  }
  return [Math.max(c.bounds.min ?? -limit, -limit), Math.min(c.bounds.max ?? limit, limit)];
}

/** A number for row `row`, attempt `attempt`, shifted by `offset`, inside the column's bounds. */
function numberFor(c: Column, row: number, attempt: number, offset: number): number | undefined {
  const [lo, hi] = intRange(c);
  const low = Math.ceil(lo);
  const high = Math.floor(hi);
  const fraction = c.kind === "float" || (c.kind === "numeric" && (c.scale ?? 2) > 0) ? 0.5 : 0;
  if (low > high) return fraction && lo <= hi ? lo : undefined;
  const span = high - low + 1;
  // Small positive values first (they survive a later narrowing of the type), distinct per row.
  const want = 1 + row + attempt * 7919 + offset;
  let v = want >= low && want <= high ? want : low + (((want % span) + span) % span);
  for (let i = 0; i < 8 && c.bounds.not.includes(String(v)); i++) v = v + 1 > high ? low : v + 1;
  return v + fraction <= hi ? v + fraction : v;
}

const EPOCH = Date.UTC(2024, 0, 1);

/** The text of one value (before the cast), or undefined when none can be made. */
function scalarText(c: Column, table: string, row: number, attempt: number, offset: number): string | undefined {
  if (c.bounds.eq !== undefined) return c.bounds.eq;
  const h = (salt: string) => hash(table, c.name, row, attempt, salt);
  switch (c.kind) {
    case "uuid": {
      const a = hex8(h("a")),
        b = hex8(h("b")),
        d = hex8(h("c")),
        e = hex8(h("d"));
      return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${"89ab"[d.charCodeAt(0) % 4]}${d.slice(1, 4)}-${d.slice(4)}${e}`;
    }
    case "text": {
      const max = Math.min(c.length ?? Infinity, c.bounds.maxLen ?? Infinity);
      const min = Math.max(c.bounds.minLen ?? 0, 0);
      let s = `seed ${row}${attempt ? `.${attempt}` : ""}${offset ? `+${offset}` : ""}`;
      if (s.length > max) s = (row + attempt * 7919 + offset).toString(36);
      if (s.length > max) s = s.slice(-max);
      // One row in three as long as the column allows (up to 300): a down that narrows must cope.
      const fill = row % 3 === 0 && attempt === 0 ? Math.min(max, 300) : min;
      while (s.length < fill) s += "x";
      for (let i = 0; i < 4 && c.bounds.not.includes(s); i++) s = s.slice(0, -1) + String.fromCharCode(97 + i);
      return s.length <= max ? s : undefined;
    }
    case "int":
    case "numeric":
    case "float": {
      const n = numberFor(c, row, attempt, offset);
      return n === undefined ? undefined : String(n);
    }
    case "bool": {
      const options = ["true", "false"].filter((v) => !c.bounds.not.includes(v));
      return options[(row + attempt + offset) % options.length];
    }
    case "date":
      return new Date(EPOCH + (row + attempt * 97 + offset) * 86_400_000).toISOString().slice(0, 10);
    case "timestamp":
      return new Date(
        EPOCH + (row + attempt * 97) * 86_400_000 + offset * 3_600_000 + (h("t") % 86_400) * 1000,
      ).toISOString();
    case "time":
      return `${String((row + offset) % 24).padStart(2, "0")}:${String((row + attempt) % 60).padStart(2, "0")}:00`;
    case "interval":
      return `${row + attempt + offset} minutes`;
    case "json":
      return JSON.stringify({ seed: row, attempt });
    case "bytea":
      return `\\x${hex8(h("b"))}`;
    case "inet":
      return `10.${(row >> 16) & 255}.${(row >> 8) & 255}.${row & 255}`;
    case "enum": {
      const options = c.labels.filter((l) => !c.bounds.not.includes(l));
      return options.length ? options[(row + attempt + offset) % options.length] : undefined;
    }
    case "other":
      return undefined;
  }
}

/** An array literal's element: double-quoted, `\` and `"` escaped. */
const element = (text: string) => `"${text.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;

/** One column's value: NULL, DEFAULT, or the text of a literal (cast to the column's type). */
type Value = "NULL" | "DEFAULT" | { text: string };

const sqlOf = (v: Value, type: string) => (typeof v === "string" ? v : `${quoteLiteral(v.text)}::${type}`);

/** The value of column `c` in row `row` (undefined when none fits). */
function valueOf(c: Column, table: string, row: number, attempt: number, offset: number): Value | undefined {
  if (c.automatic) return "DEFAULT";
  const nullable = !c.notNull && !c.bounds.notNull;
  if (c.bounds.isNull && nullable) return "NULL";
  // One row in three leaves a nullable column empty; retries use values. Defaults are not used:
  // a constant default in several rows would make duplicates, while the rows stand for a data
  // set whose values differ from row to row (a down that re-adds a unique must be able to run).
  if (attempt === 0 && nullable && row % 3 === 2) return "NULL";
  const fallback = nullable ? "NULL" : c.hasDefault ? "DEFAULT" : undefined;
  if (c.array) {
    const items = [0, 1].map((i) => scalarText({ ...c, bounds: { not: [] } }, table, row * 2 + i, attempt, offset));
    if (items.some((t) => t === undefined)) return fallback;
    return { text: `{${(items as string[]).map(element).join(",")}}` };
  }
  const text = scalarText(c, table, row, attempt, offset);
  return text === undefined ? fallback : { text };
}

/** Offsets that make `a > b`-style check relations hold (values grow with the offset). */
function offsets(t: Table): Map<string, number> {
  const off = new Map<string, number>();
  const get = (n: string) => off.get(n) ?? 0;
  for (let pass = 0; pass < 4; pass++) {
    for (const r of t.relations) {
      const [hi, lo] = r.op === "<" || r.op === "<=" ? [r.right, r.left] : [r.left, r.right];
      if (r.op === "=") off.set(r.left, get(r.right));
      else if (r.op === "<>" || r.op === ">" || r.op === "<") {
        if (get(hi) <= get(lo)) off.set(hi, get(lo) + 1);
      } else if (get(hi) < get(lo)) off.set(hi, get(lo));
    }
  }
  return off;
}

// ---- filling ----

/** Parents before children; a key that closes a cycle is deferred (filled after every table). */
function order(tables: readonly Table[]): { order: Table[]; deferred: Set<ForeignKey> } {
  const left = new Map(tables.map((t) => [t.name, t] as const));
  const done = new Set<string>();
  const out: Table[] = [];
  const deferred = new Set<ForeignKey>();
  const waitingOn = (t: Table) =>
    t.fks.filter((f) => f.refTable !== t.name && !done.has(f.refTable) && !deferred.has(f));
  while (left.size > 0) {
    const names = [...left.keys()].sort();
    const ready = names.find((n) => waitingOn(left.get(n)!).length === 0);
    const nullableOnly = (t: Table) =>
      waitingOn(t).every((f) => f.columns.every((c) => !t.columns.find((x) => x.name === c)!.notNull));
    const pick = left.get(ready ?? names.find((n) => nullableOnly(left.get(n)!)) ?? names[0]!)!;
    for (const f of waitingOn(pick)) deferred.add(f);
    left.delete(pick.name);
    done.add(pick.name);
    out.push(pick);
  }
  return { order: out, deferred };
}

/**
 * Inserts `rows` generated rows into every table of `schema` (see the module comment). Runs
 * statements one at a time outside any transaction; a failing row is retried with other values
 * and, failing still, reported in `skipped`.
 */
export async function seedRows(engine: Engine, schema: string, options: SeedOptions = {}): Promise<SeedResult> {
  const rows = options.rows ?? 3;
  let next = options.start ?? 0;
  const tables = await readTables(engine, schema);
  const { order: sorted, deferred } = order(tables);
  const byName = new Map(tables.map((t) => [t.name, t] as const));
  const refRows = new Map<string, string[][]>();
  const referenced = async (table: string, columns: readonly string[]) => {
    const k = `${table}\u0000${columns.join("\u0000")}`;
    if (!refRows.has(k)) {
      const list = columns.map((c, i) => `${q(c)}::text AS ${q(`c${i}`)}`).join(", ");
      const result = await engine.query<Record<string, string | null>>(
        `SELECT DISTINCT ${list} FROM ${q(table)} WHERE ${columns.map((c) => `${q(c)} IS NOT NULL`).join(" AND ")} ORDER BY ${columns.map((_, i) => i + 1).join(", ")} LIMIT 64`,
      );
      refRows.set(
        k,
        result.map((r) => columns.map((_, i) => r[`c${i}`]!)),
      );
    }
    return refRows.get(k)!;
  };
  const inserted: Record<string, number> = {};
  const skipped: SeedResult["skipped"] = [];
  for (const t of sorted) {
    const off = offsets(t);
    const column = (name: string) => t.columns.find((c) => c.name === name)!;
    /** The SQL values of one row, in column order, or the reason there are none. */
    const rowSql = async (row: number, attempt: number): Promise<string[] | string> => {
      const values = new Map<string, Value>();
      for (const c of t.columns) {
        const v = valueOf(c, t.name, row, attempt, off.get(c.name) ?? 0);
        if (v === undefined) return `no value of type ${c.type} fits column ${c.name}`;
        values.set(c.name, v);
      }
      for (const fk of t.fks) {
        const cols = fk.columns.map(column);
        const allNullable = cols.every((c) => !c.notNull);
        const setNull = () => cols.forEach((c) => values.set(c.name, "NULL"));
        if (fk.refTable === t.name) {
          // A self-reference points at the row itself when the referenced values are made here.
          const own = fk.refColumns.map((n) => values.get(n));
          if (attempt === 0 && allNullable) setNull();
          else if (own.every((v) => typeof v === "object")) cols.forEach((c, i) => values.set(c.name, own[i]!));
          else if (allNullable) setNull();
          else
            return `foreign key ${fk.name} references its own table through NOT NULL columns whose referenced values the engine assigns`;
          continue;
        }
        if (deferred.has(fk) || (attempt === 0 && allNullable && row % 3 === 2)) {
          if (!allNullable) return `foreign key ${fk.name} closes a cycle of NOT NULL foreign keys`;
          setNull();
          continue;
        }
        const parents = await referenced(fk.refTable, fk.refColumns);
        if (parents.length === 0) {
          if (!allNullable) return `table ${fk.refTable} (referenced by ${fk.name}) has no rows`;
          setNull();
          continue;
        }
        const parent = parents[(row + attempt) % parents.length]!;
        cols.forEach((c, i) => values.set(c.name, { text: parent[i]! }));
      }
      return t.columns.map((c) => sqlOf(values.get(c.name)!, c.type));
    };
    const insert = (valueRows: string[][]) =>
      t.columns.length === 0
        ? `INSERT INTO ${q(t.name)} DEFAULT VALUES`
        : `INSERT INTO ${q(t.name)} (${t.columns.map((c) => q(c.name)).join(", ")}) VALUES ${valueRows.map((r) => `(${r.join(", ")})`).join(", ")}`;
    const first = next;
    next += rows;
    // Fast path: the table's rows in one statement; on failure, row by row with retries.
    const planned: Array<string[] | string> = [];
    for (let i = 0; i < rows; i++) planned.push(await rowSql(first + i, 0));
    let count = 0;
    if (planned.every((p): p is string[] => typeof p !== "string")) {
      try {
        await engine.exec(insert(planned));
        count = rows;
      } catch {
        // replayed row by row below
      }
    }
    let failed = 0;
    let reason = "";
    for (let i = 0; count === 0 && i < rows; i++) {
      let ok = false;
      for (let attempt = 0; attempt < 6 && !ok; attempt++) {
        const values = await rowSql(first + i, attempt);
        if (typeof values === "string") {
          reason = values;
          continue;
        }
        try {
          await engine.exec(insert([values]));
          ok = true;
        } catch (e) {
          reason = e instanceof Error ? e.message : String(e);
        }
      }
      if (ok) inserted[t.name] = (inserted[t.name] ?? 0) + 1;
      else failed++;
    }
    if (count > 0) inserted[t.name] = count;
    if (failed > 0) skipped.push({ table: t.name, rows: failed, reason });
    for (const k of [...refRows.keys()]) if (k.startsWith(`${t.name}\u0000`)) refRows.delete(k);
  }
  // Keys that closed a cycle: point one row left NULL at a parent row, where one exists.
  for (const fk of [...deferred].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const t = byName.get(fk.table)!;
    const parents = await referenced(fk.refTable, fk.refColumns);
    if (parents.length === 0) continue;
    const cols = fk.columns.map((n) => t.columns.find((c) => c.name === n)!);
    const set = cols.map((c, i) => `${q(c.name)} = ${quoteLiteral(parents[0]![i]!)}::${c.type}`).join(", ");
    // Best effort: a unique over the key's columns or a check may refuse it; the row then keeps its NULLs.
    await engine
      .exec(
        `UPDATE ${q(t.name)} SET ${set} WHERE ctid = (SELECT ctid FROM ${q(t.name)} WHERE ${cols.map((c) => `${q(c.name)} IS NULL`).join(" AND ")} LIMIT 1)`,
      )
      .catch(() => undefined);
  }
  const sortedInserted = Object.fromEntries(Object.entries(inserted).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { inserted: sortedInserted, skipped: skipped.sort((a, b) => (a.table < b.table ? -1 : 1)), next };
}
