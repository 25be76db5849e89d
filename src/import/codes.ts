import { defineCodes, diagnosticsFor } from "../design/diagnostics.ts";

/** Codes produced while importing an existing system (an OpenAPI document, a database, a DDL file) into a design. */
export const importCodes = defineCodes({
  "unsupported-openapi-version": {
    severity: "error",
    doc: "The document is not OpenAPI 3.0.x or 3.1.x (Swagger 2.0, or no `openapi` field). Convert Swagger 2.0 to OpenAPI 3 first (e.g. with swagger2openapi).",
  },
  "not-an-openapi-document": {
    severity: "error",
    doc: "The file parses, but is not an OpenAPI document: its top level has no `info` and `paths` objects, or swagger-parser cannot read it (the message quotes why).",
  },
  "remote-ref-refused": {
    severity: "error",
    doc: "A `$ref` points outside the document (another file or a URL). Import fetches nothing and produces no design: bundle the spec into one file first (e.g. `redocly bundle`).",
  },
  "dangling-ref": {
    severity: "warning",
    doc: "A local `$ref` points at nothing in the document; the source spec is broken there. The part behind the reference is left out.",
  },
  "source-path-param-undeclared": {
    severity: "warning",
    doc: "The source spec is invalid: a {param} of the path template is not declared as a path parameter of the operation. The import declares it as a required text parameter and goes on.",
  },
  "no-importable-operation": {
    severity: "error",
    doc: "The document has no operation the design format can hold (a design needs at least one endpoint with GET, POST, PUT, PATCH or DELETE).",
  },
  "placeholder-entity": {
    severity: "info",
    doc: "An OpenAPI document describes no storage, but a design needs at least one entity: the import adds an internal placeholder entity (never in the API). Replace it with the real data model (or import the database).",
  },
  "placeholder-endpoint": {
    severity: "info",
    doc: "A database describes no API, but a design needs at least one endpoint: the import adds one public placeholder endpoint (GET /import-placeholder, 204) and no other. Replace it with the real API (or import the OpenAPI spec).",
  },
  "invalid-database-url": {
    severity: "error",
    doc: "`--database-url` is not a PostgreSQL connection URL (postgres://user:password@host:port/database). The message never repeats the password.",
  },
  "database-unreachable": {
    severity: "error",
    doc: "The database cannot be reached or refuses the connection (host unknown, connection refused or timed out, authentication failed, database missing). The message gives the server's reason and the URL without its password; nothing is written.",
  },
  "schema-not-found": {
    severity: "error",
    doc: "The schema named by `--schema` (default `public`) does not exist in the database (or in the loaded DDL).",
  },
  "schema-permission-denied": {
    severity: "error",
    doc: "The connecting role lacks USAGE on the schema, so its tables cannot be read: grant it (`GRANT USAGE ON SCHEMA … TO …`) or connect as another role. Nothing is written.",
  },
  "catalog-read-failed": {
    severity: "error",
    doc: "Reading the system catalogs failed (the message quotes the server); nothing is written.",
  },
  "no-importable-table": {
    severity: "error",
    doc: "The schema has no table the design format can hold (a design needs at least one entity; a table needs a primary key or a unique set of NOT NULL columns).",
  },
  "ddl-rejected": {
    severity: "error",
    doc: "The embedded PostgreSQL (PGlite) rejected the DDL file: the location is the line and column of the failing statement (or of the error inside it), the message quotes the engine. Nothing is written.",
  },
  "baseline-over-history": {
    severity: "error",
    doc: "`--baseline <dir>` names an out dir that already holds a migration history (a lock or a design.json): a baseline is the first migration of a history, so it is written only where none exists. Choose a new directory; nothing is written.",
  },
});

export const importDiag = diagnosticsFor(importCodes);
