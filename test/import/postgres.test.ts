import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { importSql, type DatabaseImportResult } from "../../src/import/postgres.ts";
import { validateDesign } from "../../src/design/validate.ts";
import { build } from "../../src/pipeline/build.ts";
import type { Entity } from "../../src/design/schema.ts";
import { snakeCase } from "../../src/design/names.ts";
import { dbPointer } from "../../src/import/postgres-map.ts";
import type { CatalogModel } from "../../src/import/pg-catalog.ts";
import { corpusFolder } from "./corpus.ts";

const corpus = corpusFolder("sql");
const FILES = {
  northwind: "northwind.ddl.sql",
  hoppscotch: "hoppscotch-init-20230406064219.migration.sql",
  authelia: "authelia-migrations/V0001.Initial_Schema.up.sql",
} as const;
const present = existsSync(corpus);
if (!present) console.warn(`skipped: corpus folder ${corpus} is absent`);

const entity = (r: DatabaseImportResult, table: string): Entity => {
  const e = r.design!.data.entities.find((x) => (x.table ?? "") === table || x.name === table);
  const found = e ?? r.design!.data.entities.find((x) => r.tables.find((t) => t.table === table)?.entity === x.name);
  expect(found, `entity of ${table}`).toBeDefined();
  return found!;
};
const field = (e: Entity, column: string) => {
  const f = e.fields.find((x) => (x.column ?? snakeCase(x.name)) === column);
  expect(f, `${e.name}.${column}`).toBeDefined();
  return f!;
};
const lossAt = (r: DatabaseImportResult, pointer: string) =>
  r.losses.filter((l) => l.pointer === pointer).map((l) => `${l.class}: ${l.lost} → ${l.instead}`);

/**
 * The imported design builds with every checker, the migration included (up/down/up on PGlite),
 * and what the import calls exact is: every column, constraint and index of the source without a
 * loss entry comes back from the built migration with the same catalog definition.
 */
async function buildsClean(r: DatabaseImportResult) {
  const dir = await mkdtemp(join(tmpdir(), "contractor-import-sql-"));
  try {
    const designFile = join(dir, "design.yaml");
    await writeFile(designFile, stringify(r.design, { lineWidth: 0 }));
    const b = await build({ file: designFile }, { out: join(dir, "out"), engine: true, render: false });
    expect(b.diagnostics.filter((d) => d.severity === "error")).toStrictEqual([]);
    expect(b.ok).toBe(true);
    const up = b.files.find((f) => /^migrations\/0001_.*\.up\.sql$/.test(f.path))!.contents;
    const rebuilt = await importSql({ text: up, name: "up.sql" });
    expect(exactObjects(r, r.catalog!)).toStrictEqual(
      exactObjects(r, rebuilt.catalog!).filter((x) => exactObjects(r, r.catalog!).some((y) => y[0] === x[0])),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `[pointer, definition]` of every column, constraint and index of `catalog` the import reports no loss at. */
function exactObjects(r: DatabaseImportResult, catalog: CatalogModel): Array<[string, string]> {
  const lost = new Set(r.losses.map((l) => l.pointer));
  const imported = new Set(r.tables.filter((t) => t.entity).map((t) => t.table));
  const out: Array<[string, string]> = [];
  const add = (at: string, def: string) => {
    if (!lost.has(at)) out.push([at, def]);
  };
  for (const t of catalog.tables) {
    if (!imported.has(t.name)) continue;
    const at = dbPointer("tables", t.name);
    for (const c of t.columns)
      add(
        dbPointer("tables", t.name, "columns", c.name),
        `${c.formatted} ${c.notNull} ${c.default ?? ""} ${c.identity ?? ""}`,
      );
    for (const k of [...t.uniques, ...t.foreignKeys])
      add(dbPointer("tables", t.name, "constraints", k.name), JSON.stringify({ ...k, comment: undefined }));
    for (const c of t.checks) add(dbPointer("tables", t.name, "constraints", c.name), c.definition);
    for (const ix of t.indexes) if (!ix.constraint) add(dbPointer("tables", t.name, "indexes", ix.name), ix.definition);
    if (t.primaryKey) add(`${at}/primary-key`, JSON.stringify(t.primaryKey));
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

describe.skipIf(!present)("import sql: the public corpus", () => {
  it("northwind: 14 tables, composite keys, smallint and real as losses, custom constraint names", async () => {
    const r = await importSql({ file: join(corpus, FILES.northwind) });
    expect(r.diagnostics.map((d) => d.code)).toStrictEqual(["placeholder-endpoint"]);
    expect(r.tables).toHaveLength(14);
    expect(r.design!.data.entities).toHaveLength(14);
    expect(r.tables.reduce((n, t) => n + t.columnsExact + t.columnsWithLoss, 0)).toBe(92);
    expect(validateDesign(r.design).diagnostics).toStrictEqual([]);

    const details = entity(r, "order_details");
    expect(details.name).toBe("OrderDetail");
    expect(details.table).toBeUndefined();
    expect(details.primaryKey).toStrictEqual(["orderId", "productId"]);
    expect(field(details, "unit_price")).toMatchObject({ type: "decimal", precision: 38, scale: 15 });
    expect(lossAt(r, "/tables/order_details/columns/unit_price")).toStrictEqual([
      "number-type: type real → decimal(38,15)",
    ]);
    expect(lossAt(r, "/tables/categories/columns/category_id")).toStrictEqual(["sql-type: type smallint → integer"]);
    expect(lossAt(r, "/tables/categories/columns/picture")).toStrictEqual(["sql-type: type bytea → text"]);
    expect(lossAt(r, "/tables/order_details/primary-key")).toStrictEqual([
      "sql-name: primary key name pk_order_details → order_details_pkey",
    ]);
    // A foreign key named outside the format's convention keeps its columns and target, not its name.
    const orders = entity(r, "orders");
    expect(field(orders, "customer_id").references).toStrictEqual({
      entity: "Customer",
      field: "customerId",
      index: false,
    });
    expect(lossAt(r, "/tables/orders/constraints/fk_orders_customers")).toStrictEqual([
      "sql-name: foreign key name fk_orders_customers → orders_customer_id_fkey",
    ]);
    expect(entity(r, "region").table).toBe("region");
    await buildsClean(r);
  });

  it("hoppscotch: 16 tables, UPPER_CASE enums, TIMESTAMP(3), ON DELETE CASCADE, tables keyed by a unique index", async () => {
    const r = await importSql({ file: join(corpus, FILES.hoppscotch) });
    expect(r.tables).toHaveLength(16);
    expect(r.design!.data.entities).toHaveLength(16);
    expect(validateDesign(r.design).diagnostics).toStrictEqual([]);
    expect(r.design!.data.enums).toStrictEqual([
      { name: "ReqType", values: ["rest", "gql"] },
      { name: "TeamMemberRole", values: ["owner", "viewer", "editor"] },
    ]);
    expect(lossAt(r, "/enums/ReqType/labels/REST")).toStrictEqual(["enum-values: label 'REST' → 'rest'"]);
    expect(lossAt(r, "/enums/ReqType")).toStrictEqual(["sql-name: enum type name ReqType → req_type (enum ReqType)"]);

    const member = entity(r, "TeamMember");
    expect(member.table).toBe("TeamMember");
    expect(field(member, "teamID")).toMatchObject({ name: "teamId", column: "teamID", type: "text" });
    expect(field(member, "teamID").references).toStrictEqual({
      entity: "Team",
      field: "id",
      onDelete: "cascade",
      onUpdate: "cascade",
      index: false,
    });
    expect(field(member, "role")).toMatchObject({ type: "enum", enum: "TeamMemberRole" });
    expect(lossAt(r, "/tables/TeamMember/columns/role")).toStrictEqual([
      "enum-values: type TeamMemberRole ('OWNER', 'VIEWER', 'EDITOR') → enum type team_member_role ('owner', 'viewer', 'editor')",
    ]);
    expect(member.indexes).toStrictEqual([
      { name: "team_id_user_uid_key", fields: ["teamId", "userUid"], unique: true },
    ]);
    expect(lossAt(r, "/tables/TeamMember/indexes/TeamMember_teamID_userUid_key")).toStrictEqual([
      "sql-name: index name TeamMember_teamID_userUid_key → TeamMember_team_id_user_uid_key",
    ]);
    const collection = entity(r, "TeamCollection");
    expect(field(collection, "parentID").references?.onDelete).toBe("set-null");
    expect(lossAt(r, "/tables/TeamCollection/columns/createdOn")).toStrictEqual([
      "sql-type: type timestamp(3) without time zone → timestamp with time zone (precision 6)",
      "sql-default: DEFAULT CURRENT_TIMESTAMP → DEFAULT now()",
    ]);
    // No primary key: the unique index over NOT NULL columns becomes it, and says so.
    expect(entity(r, "VerificationToken").primaryKey).toStrictEqual(["deviceIdentifier", "token"]);
    expect(lossAt(r, "/tables/VerificationToken/indexes/VerificationToken_deviceIdentifier_token_key")[0]).toMatch(
      /^sql-primary-key: no primary key/,
    );
    await buildsClean(r);
  });

  it("authelia V0001: serial keys, timestamptz defaults, unique indexes with their own names", async () => {
    const r = await importSql({ file: join(corpus, FILES.authelia) });
    expect(r.tables).toHaveLength(8);
    expect(r.design!.data.entities).toHaveLength(8);
    expect(validateDesign(r.design).diagnostics).toStrictEqual([]);
    const logs = entity(r, "authentication_logs");
    expect(logs.name).toBe("AuthenticationLog");
    expect(field(logs, "id")).toMatchObject({ type: "integer", primaryKey: true, default: { kind: "identity" } });
    expect(lossAt(r, "/tables/authentication_logs/columns/id")).toStrictEqual([
      "sql-default: DEFAULT nextval('authentication_logs_id_seq'::regclass) (a serial column's sequence) → GENERATED BY DEFAULT AS IDENTITY",
    ]);
    expect(field(logs, "auth_type")).toMatchObject({
      type: "string",
      maxLength: 8,
      default: { kind: "literal", value: "1FA" },
    });
    expect(logs.indexes).toStrictEqual([
      { name: "authentication_logs_remote_ip_idx", fields: ["time", "remoteIp", "authType"] },
      { name: "authentication_logs_username_idx", fields: ["time", "username", "authType"] },
    ]);
    expect(entity(r, "u2f_devices").indexes).toStrictEqual([
      { name: "u2f_devices_lookup_key", fields: ["username", "description"], unique: true },
    ]);
    expect(lossAt(r, "/tables/identity_verification/columns/jti")).toStrictEqual([
      "sql-type: type character(36) → character varying(36) (not blank-padded)",
    ]);
    await buildsClean(r);
  });
});

describe("import sql: constructs and bad input", () => {
  it("maps checks, partial and gin indexes, arrays, identity, comments; loses what the format cannot say", async () => {
    const r = await importSql({
      name: "shop.sql",
      text: `
CREATE TYPE status AS ENUM ('draft', 'paid');
COMMENT ON TYPE status IS 'Order states';
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code varchar(20) NOT NULL CONSTRAINT orders_code_key UNIQUE,
  status status NOT NULL DEFAULT 'draft',
  total numeric(10,2) NOT NULL CONSTRAINT orders_total_check CHECK (total >= 0),
  tags text[] NOT NULL DEFAULT '{}',
  placed_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
COMMENT ON TABLE orders IS 'Customer orders';
COMMENT ON COLUMN orders.code IS 'Human code';
CREATE INDEX orders_live_idx ON orders (placed_at) WHERE deleted_at IS NULL;
CREATE INDEX orders_tags_idx ON orders USING gin (tags);
CREATE INDEX orders_lower_code_idx ON orders (lower(code));
CREATE TABLE lines (
  order_id bigint NOT NULL REFERENCES orders ON DELETE CASCADE,
  n integer NOT NULL,
  PRIMARY KEY (order_id, n)
);
CREATE TABLE log (message text);
CREATE VIEW paid AS SELECT * FROM orders WHERE status = 'paid';
`,
    });
    expect(validateDesign(r.design).diagnostics).toStrictEqual([]);
    const orders = entity(r, "orders");
    expect(orders.description).toBe("Customer orders");
    expect(field(orders, "code")).toMatchObject({ unique: true, description: "Human code", maxLength: 20 });
    expect(field(orders, "status")).toMatchObject({
      type: "enum",
      enum: "Status",
      default: { kind: "literal", value: "draft" },
    });
    expect(field(orders, "tags")).toMatchObject({
      type: "array",
      items: { type: "text" },
      default: { kind: "empty-array" },
    });
    expect(field(orders, "placed_at").default).toStrictEqual({ kind: "now" });
    expect(orders.checks).toStrictEqual([{ name: "orders_total_check", field: "total", operator: ">=", value: 0 }]);
    expect(orders.indexes).toStrictEqual([
      { name: "orders_live_idx", fields: ["placedAt"], where: [{ field: "deletedAt", operator: "is-null" }] },
      { name: "orders_tags_idx", fields: ["tags"], method: "gin" },
    ]);
    expect(r.design!.data.enums).toStrictEqual([
      { name: "Status", values: ["draft", "paid"], description: "Order states" },
    ]);
    expect(field(entity(r, "lines"), "order_id").references).toStrictEqual({
      entity: "Order",
      field: "id",
      onDelete: "cascade",
      index: false,
    });
    expect(lossAt(r, "/tables/orders/columns/id")).toStrictEqual([
      "sql-default: GENERATED ALWAYS AS IDENTITY → GENERATED BY DEFAULT AS IDENTITY",
    ]);
    expect(lossAt(r, "/tables/orders/indexes/orders_lower_code_idx")).toStrictEqual([
      "sql-index: index CREATE INDEX orders_lower_code_idx ON public.orders USING btree (lower((code)::text)) (on an expression) → nothing",
    ]);
    expect(lossAt(r, "/tables/log")).toStrictEqual([
      "sql-primary-key: table log, which has no primary key nor unique set of NOT NULL columns → nothing",
    ]);
    expect(lossAt(r, "/views/paid")).toStrictEqual(["sql-object: view paid → nothing"]);
    expect(r.tables.find((t) => t.table === "log")).toStrictEqual({
      table: "log",
      columnsExact: 0,
      columnsWithLoss: 1,
    });
    await buildsClean(r);
  });

  it("hostile DDL: odd names, every unsupported construct — a valid design that builds, each construct a loss", async () => {
    const r = await importSql({ name: "hostile.sql", text: HOSTILE });
    expect(validateDesign(r.design).diagnostics).toStrictEqual([]);
    const losses = new Set(r.losses.map((l) => `${l.pointer} [${l.class}]`));
    for (const want of [
      "/enums/Weird Enum [enum-values]",
      "/types/posint [sql-object]",
      "/types/pair [sql-object]",
      "/views/v [sql-object]",
      "/materialized-views/mv [sql-object]",
      "/sequences/free_seq [sql-object]",
      "/functions/f(x integer) [sql-object]",
      "/tables/typed/triggers/t [sql-object]",
      "/tables/typed/policies/pol [sql-object]",
      "/tables/typed/columns/u [sql-object]",
      "/tables/typed/columns/v [sql-type]",
      "/tables/typed/columns/cc [sql-default]",
      "/tables/typed/indexes/typed_pat_idx [sql-index]",
      "/tables/typed/indexes/typed_desc_idx [sql-index]",
      "/tables/typed/indexes/typed_inc_idx [sql-index]",
      "/tables/typed/indexes/typed_gist_idx [sql-index]",
      "/tables/typed/indexes/typed_or_idx [sql-index]",
      "/tables/child/constraints/child_or [sql-check]",
      "/tables/child/constraints/child_small_fkey [sql-foreign-key]",
      "/tables/child/constraints/child_parent_fk [sql-foreign-key]",
      "/tables/child/constraints/fk2 [sql-foreign-key]",
      '/tables/has "quote"/constraints/has "quote"_ref_fkey [sql-foreign-key]',
      "/tables/events_2020 [sql-object]",
      "/tables/nokey [sql-primary-key]",
    ])
      expect(losses, want).toContain(want);
    const select = entity(r, "select");
    expect(select.fields.map((f) => [f.name, f.column])).toStrictEqual([
      ["from", undefined],
      ["where", undefined],
      ["field1st", "1st"],
      ["userId", "user id"],
      ["userId2", "userId"],
      ["field", "ÄÖ"],
    ]);
    expect(entity(r, "Problem").name).toBe("Problem2");
    // Renamed names never collide with a kept one: SQL names are unique per schema, design names per entity.
    expect(lossAt(r, "/tables/clash/indexes/clash_a")).toStrictEqual(["sql-name: index name clash_a → clash_a_2"]);
    expect(lossAt(r, "/enums/ReqKind")).toStrictEqual(["sql-name: enum type name ReqKind → req_kind2 (enum ReqKind2)"]);
    expect(entity(r, "typed").indexes?.find((x) => x.name === "typed_partial_idx")).toStrictEqual({
      name: "typed_partial_idx",
      fields: ["a"],
      where: [
        { field: "a", operator: ">", value: 5 },
        { field: "z", operator: "=", value: -1 },
      ],
    });
    await buildsClean(r);
  });

  it.each([
    [
      "a syntax error",
      "CREATE TABLE a (id int PRIMARY KEY);\n\nCREATE TABLE b (\n  id int,,\n  x int\n);\n",
      "bad.sql:4:10",
    ],
    ["an unknown type", "CREATE TABLE a (\n  id int PRIMARY KEY,\n  x nosuchtype\n);\n", "bad.sql:3:5"],
    ["a statement without a position", "CREATE TABLE a (id int);\n  CREATE TABLE a (id int);\n", "bad.sql:2:3"],
  ])("%s: ddl-rejected at its line and column, no design", async (_name, text, at) => {
    const r = await importSql({ name: "bad.sql", text });
    expect(r.design).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.path])).toStrictEqual([["ddl-rejected", at]]);
  });

  it("a schema that does not exist, or holds no table", async () => {
    const missing = await importSql({ text: "CREATE TABLE a (id int PRIMARY KEY);" }, { schema: "nope" });
    expect(missing.diagnostics.map((d) => d.code)).toStrictEqual(["schema-not-found"]);
    const empty = await importSql({ text: "CREATE SCHEMA app;" }, { schema: "app" });
    expect(empty.diagnostics.map((d) => d.code)).toStrictEqual(["no-importable-table"]);
    expect(empty.design).toBeUndefined();
  });

  it("a file larger than --max-size is refused before it is read", async () => {
    const dir = await mkdtemp(join(tmpdir(), "contractor-import-sql-"));
    try {
      await writeFile(join(dir, "big.sql"), `-- ${"x".repeat(2000)}\n`);
      const r = await importSql({ file: join(dir, "big.sql") }, { maxBytes: 1000 });
      expect(r.diagnostics.map((d) => d.code)).toStrictEqual(["file-too-large"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** Every construct the format cannot hold, and names it would derive differently. */
const HOSTILE = `
CREATE SCHEMA other;
CREATE TABLE other.ext (id int PRIMARY KEY);
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE TYPE pair AS (a int, b int);
CREATE TYPE "Weird Enum" AS ENUM ('A b', 'a-b', 'A_B');
CREATE TYPE ok_enum AS ENUM ('x', 'Y');
CREATE TYPE empty_enum AS ENUM ();
CREATE TABLE "Problem" (id serial PRIMARY KEY);
CREATE TABLE problems (id serial PRIMARY KEY);
CREATE TABLE "select" ("from" int PRIMARY KEY, "where" text, "1st" int, "user id" int, "userId" int, "ÄÖ" text);
CREATE TABLE "has ""quote""" (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), ref int REFERENCES other.ext, w "Weird Enum", o ok_enum DEFAULT 'Y', e empty_enum);
CREATE TABLE typed (
  id bigserial PRIMARY KEY,
  a smallint, b real, c double precision, d numeric, e money, f time, g interval, h inet, i bytea, j json, k xml,
  l int[][] , m varchar(10)[], n posint, o pair, p int4range, q timestamp, r timestamptz(0), s char, t bit(3),
  u int GENERATED ALWAYS AS (a * 2) STORED, v text COLLATE "C", w numeric(5,2)[] DEFAULT '{}',
  x date DEFAULT '2020-01-01', y uuid DEFAULT '00000000-0000-0000-0000-000000000000', z int DEFAULT -1,
  aa numeric(6,2) DEFAULT 0.50, bb text DEFAULT 'it''s', cc boolean DEFAULT (1 < 2), dd int DEFAULT 1 + 1,
  ee text DEFAULT upper('x'), ff date DEFAULT now(), gg timestamptz DEFAULT CURRENT_TIMESTAMP,
  hh varchar(3) DEFAULT 'toolong'::text
);
CREATE TABLE parent (id int, part int, PRIMARY KEY (id, part), CONSTRAINT parent_id_uq UNIQUE (id), CONSTRAINT parent_part_uq UNIQUE (part) DEFERRABLE);
CREATE TABLE child (
  id int PRIMARY KEY,
  pid int, ppart int,
  big bigint REFERENCES typed (id),
  small int REFERENCES typed (id),
  CONSTRAINT child_parent_fk FOREIGN KEY (pid, ppart) REFERENCES parent (id, part) MATCH FULL ON DELETE SET NULL ON UPDATE SET DEFAULT,
  CONSTRAINT fk2 FOREIGN KEY (pid) REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT child_or CHECK (id > 0 OR pid IS NULL),
  CONSTRAINT child_cols CHECK (pid <> ppart),
  CONSTRAINT child_nv CHECK (id < 1000000) NOT VALID,
  CONSTRAINT "Weird Check" CHECK (small >= 1)
);
CREATE TABLE nokey (a int, b int);
CREATE TABLE nokey2 (a int NOT NULL, b int, UNIQUE (a));
CREATE TABLE booking (id int PRIMARY KEY, room int, during tsrange);
CREATE TABLE events (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE INDEX typed_desc_idx ON typed (a DESC NULLS LAST);
CREATE INDEX typed_inc_idx ON typed (a) INCLUDE (b);
CREATE INDEX typed_gist_idx ON typed USING gist (p);
CREATE INDEX typed_pat_idx ON typed (v text_pattern_ops);
CREATE INDEX typed_partial_idx ON typed (a) WHERE a > 5 AND z = -1;
CREATE UNIQUE INDEX typed_or_idx ON typed (a) WHERE a > 5 OR z = 1;
CREATE INDEX "Index With Space" ON typed (z);
CREATE VIEW v AS SELECT 1 AS one;
CREATE MATERIALIZED VIEW mv AS SELECT 1 AS one;
CREATE SEQUENCE free_seq;
CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$;
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t BEFORE INSERT ON typed FOR EACH ROW EXECUTE FUNCTION trg();
ALTER TABLE typed ENABLE ROW LEVEL SECURITY;
CREATE POLICY pol ON typed USING (true);
COMMENT ON CONSTRAINT child_parent_fk ON child IS 'fk comment';
COMMENT ON CONSTRAINT child_pkey ON child IS 'pk comment';
COMMENT ON INDEX typed_desc_idx IS 'desc';
CREATE INDEX typed_index_with_space ON typed (y);
CREATE TYPE "ReqKind" AS ENUM ('a');
CREATE TABLE req_kind (id int PRIMARY KEY, k "ReqKind");
CREATE TABLE clash (id int PRIMARY KEY, a int, CONSTRAINT clash_a CHECK (a > 0));
CREATE INDEX clash_a ON clash (a);
`;
