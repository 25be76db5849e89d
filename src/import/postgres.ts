/**
 * `importPostgres` and `importSql`: a PostgreSQL schema → a design, a loss report and diagnostics.
 *
 * `importPostgres` reads the schema of a live database through `pg`; `importSql` loads a DDL file
 * into a PGlite instance of its own (closed afterwards, so nothing of the file outlives the
 * import) and reads the same way. Both read a catalog model (pg-catalog.ts), map it to the data
 * section (postgres-map.ts) and wrap it in the smallest design the format accepts: a database
 * describes no API, so the design holds one public placeholder endpoint and the built-in
 * validation error, with a `placeholder-endpoint` note. The result is checked with contractor's
 * own validator before it is returned.
 */
import { basename } from "node:path";
import type { Queryable } from "../../generators/migrations/catalog.ts";
import { splitStatements } from "../../generators/migrations/sqltext.ts";
import { DEFAULT_MAX_BYTES, decodeUtf8, readDesignBytes } from "../design/load.ts";
import { assert, type Diagnostic } from "../design/diagnostics.ts";
import type { Design } from "../design/schema.ts";
import { validateDesign } from "../design/validate.ts";
import { BUILTIN_ERRORS } from "../design/normalize.ts";
import { importDiag } from "./codes.ts";
import type { Loss } from "./loss.ts";
import { readCatalog, schemaAccess, type CatalogModel } from "./pg-catalog.ts";
import { mapCatalog, type MappedData } from "./postgres-map.ts";

export type { CatalogModel } from "./pg-catalog.ts";
export { readCatalog } from "./pg-catalog.ts";

export interface DatabaseImportOptions {
  /** The schema to import (default `public`). */
  schema?: string;
  /** Largest DDL file accepted, in bytes (default 5 MB; `importSql` only). */
  maxBytes?: number;
}

export interface DatabaseImportResult {
  /** The design, absent when the database could not be read or holds no importable table. */
  design?: Design;
  losses: Loss[];
  diagnostics: Diagnostic[];
  /** The catalog model read (absent when nothing could be read): a fidelity harness compares these. */
  catalog?: CatalogModel;
  /** Per table: the entity it became (if any) and how many of its columns mapped exactly. */
  tables: MappedData["tables"];
}

/** The one endpoint of an imported database's design (the format needs one; a database has none). */
const PLACEHOLDER_OPERATION = "importPlaceholder";
/** How long a connection attempt may take before the database counts as unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;

/** The catalog of `schema` mapped to a design (`source` names the database or file it came from). */
export function designFromCatalog(
  catalog: CatalogModel,
  source: { name: string; title: string },
): Omit<DatabaseImportResult, "catalog"> {
  const mapped = mapCatalog(catalog);
  if (mapped.entities.length === 0)
    return {
      losses: mapped.losses,
      tables: mapped.tables,
      diagnostics: [
        importDiag(
          "no-importable-table",
          catalog.tables.length === 0
            ? `schema ${catalog.schema} has no table`
            : `no table of schema ${catalog.schema} can be imported (see the loss report)`,
          "",
        ),
      ],
    };
  const design: Design = {
    contractor: 1,
    info: {
      name: slug(source.name) || "imported-database",
      title: source.title.slice(0, 120),
      version: "1.0.0",
    },
    api: {
      versioning: { strategy: "url-prefix", current: "v1" },
      endpoints: [
        {
          operationId: PLACEHOLDER_OPERATION,
          method: "GET",
          path: "/import-placeholder",
          summary: "Placeholder: an imported database describes no API",
          description:
            "Added by `contractor import` because a design needs an endpoint and a database has none. Replace it with the real API (or import the OpenAPI spec).",
          auth: { public: true },
          response: { status: 204 },
        },
      ],
    },
    data: {
      ...(mapped.enums.length ? { enums: mapped.enums } : {}),
      entities: mapped.entities,
    },
    errors: [{ ...BUILTIN_ERRORS.find((e) => e.status === 422)! }],
  };
  // The importer's own guarantee: what it produces is a valid design (anything else is our bug).
  const invalid = validateDesign(JSON.parse(JSON.stringify(design))).diagnostics.filter((x) => x.severity === "error");
  assert(
    invalid.length === 0,
    `import produced an invalid design: ${invalid.map((x) => `${x.code} at ${x.path}: ${x.message}`).join("; ")}`,
  );
  return {
    design,
    losses: mapped.losses,
    tables: mapped.tables,
    diagnostics: [
      importDiag(
        "placeholder-endpoint",
        `the design holds one placeholder endpoint ${PLACEHOLDER_OPERATION} (a design needs one; a database describes no API)`,
        "",
      ),
    ],
  };
}

async function importFrom(db: Queryable, schema: string, source: { name: string; title: string }) {
  const fail = (d: Diagnostic): DatabaseImportResult => ({ losses: [], diagnostics: [d], tables: [] });
  let catalog: CatalogModel;
  try {
    const access = await schemaAccess(db, schema);
    if (access === "missing") return fail(importDiag("schema-not-found", `schema "${schema}" does not exist`, ""));
    if (access === "denied")
      return fail(
        importDiag(
          "schema-permission-denied",
          `the role may not read schema "${schema}" (it lacks USAGE on it); grant it or connect as another role`,
          "",
        ),
      );
    catalog = await readCatalog(db, schema);
  } catch (error) {
    return fail(importDiag("catalog-read-failed", `reading the catalog failed: ${errorMessage(error)}`, ""));
  }
  return { ...designFromCatalog(catalog, source), catalog };
}

/** The URL without its password (for messages). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    if (u.searchParams.has("password")) u.searchParams.set("password", "***");
    return u.toString();
  } catch {
    return url.replace(/(:\/\/[^:/@]*:)[^@]*@/, "$1***@");
  }
}

/** Imports a schema of a live PostgreSQL database (docs: `contractor import postgres`). */
export async function importPostgres(
  input: { databaseUrl: string },
  options: DatabaseImportOptions = {},
): Promise<DatabaseImportResult> {
  const schema = options.schema ?? "public";
  const url = input.databaseUrl;
  const shown = redactUrl(url);
  let password = "";
  try {
    const u = new URL(url);
    if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") throw new Error("protocol");
    password = decodeURIComponent(u.password) || (u.searchParams.get("password") ?? "");
  } catch {
    return {
      losses: [],
      tables: [],
      diagnostics: [
        importDiag(
          "invalid-database-url",
          `${shown} is not a PostgreSQL URL (expected postgres://user:password@host:port/database)`,
          "",
        ),
      ],
    };
  }
  const hide = (text: string) => (password ? text.split(password).join("***") : text);
  const { default: pg } = await import("pg");
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: "contractor-import",
  });
  // A connection the server ends is reported by the query that fails.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    return {
      losses: [],
      tables: [],
      diagnostics: [importDiag("database-unreachable", hide(`cannot connect to ${shown}: ${errorMessage(error)}`), "")],
    };
  }
  try {
    const db: Queryable = {
      query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
    };
    const database = decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) || "postgres";
    const result = await importFrom(db, schema, {
      name: database,
      title: `${database} (${schema}), imported from PostgreSQL`,
    });
    return { ...result, diagnostics: result.diagnostics.map((d) => ({ ...d, message: hide(d.message) })) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Imports a DDL file (or text) by loading it into an embedded PostgreSQL of its own (docs: `contractor import sql`). */
export async function importSql(
  input: { file: string } | { text: string; name?: string },
  options: DatabaseImportOptions = {},
): Promise<DatabaseImportResult> {
  const schema = options.schema ?? "public";
  let text: string;
  let file: string;
  if ("file" in input) {
    file = input.file;
    const read = await readDesignBytes(file, options.maxBytes ?? DEFAULT_MAX_BYTES);
    if ("diagnostics" in read) return { losses: [], tables: [], diagnostics: read.diagnostics };
    const decoded = decodeUtf8(read.bytes);
    if ("diagnostic" in decoded) return { losses: [], tables: [], diagnostics: [decoded.diagnostic] };
    text = decoded.text;
  } else {
    file = input.name ?? "schema.sql";
    text = input.text;
  }
  const name = basename(file).replace(/\.[^.]*$/, "");
  const { withOwnPglite } = await import("../../generators/migrations/engine.ts");
  return withOwnPglite(async (engine) => {
    try {
      await engine.exec(text);
    } catch (error) {
      const where = await locate(engine, text, error);
      return {
        losses: [],
        tables: [],
        diagnostics: [
          importDiag(
            "ddl-rejected",
            `the embedded PostgreSQL rejected the DDL: ${errorMessage(error)}`,
            `${basename(file)}:${where.line}:${where.column}`,
          ),
        ],
      };
    }
    return importFrom(engine, schema, { name, title: `${name}, imported from ${basename(file)}` });
  });
}

/**
 * The line and column of an engine error in `text`: from the error's `position` (1-based, in
 * characters of the whole script), else the start of the statement that fails when the script is
 * replayed one statement at a time inside a transaction that is rolled back.
 */
async function locate(
  engine: { exec(sql: string): Promise<void> },
  text: string,
  error: unknown,
): Promise<{ line: number; column: number }> {
  const position = Number((error as { position?: string | number }).position);
  if (Number.isFinite(position) && position >= 1) return lineColumn(text, position - 1);
  await engine.exec("ROLLBACK").catch(() => undefined);
  let found = { line: 1, column: 1 };
  try {
    await engine.exec("BEGIN");
    for (const st of splitStatements(text)) {
      if (/^(BEGIN|COMMIT|START TRANSACTION|END)\b/i.test(st.sql)) continue;
      try {
        await engine.exec(st.sql);
      } catch {
        const lineText = text.split("\n")[st.line - 1] ?? "";
        found = { line: st.line, column: lineText.length - lineText.trimStart().length + 1 };
        break;
      }
    }
  } finally {
    await engine.exec("ROLLBACK").catch(() => undefined);
  }
  return found;
}

/** Line and column (1-based) of the character at `index` counted in code points. */
function lineColumn(text: string, index: number): { line: number; column: number } {
  const before = Array.from(text).slice(0, index).join("");
  const lines = before.split("\n");
  return { line: lines.length, column: Array.from(lines.at(-1)!).length + 1 };
}

function errorMessage(error: unknown): string {
  const e = error as { message?: string; code?: string };
  const message = e?.message || (e?.code ? `error ${e.code}` : String(error));
  return message.replace(/\s+/g, " ").trim();
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "")
    .slice(0, 63)
    .replace(/-+$/, "");
}
