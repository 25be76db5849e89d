import { defineCodes } from "./diagnostics.ts";

/** Codes produced while loading, validating and checking a design. */
export const designCodes = defineCodes({
  "file-not-found": { severity: "error", doc: "The design file does not exist or cannot be read." },
  "file-unreadable": {
    severity: "error",
    doc: "The design file exists but cannot be read: permission denied, a symbolic-link loop, or an I/O error; the message names the cause.",
  },
  "not-a-regular-file": {
    severity: "error",
    doc: "The design path is a directory, FIFO, socket or device; contractor reads designs only from regular files (a FIFO would block the read forever).",
  },
  "file-too-large": {
    severity: "error",
    doc: "The design file is larger than the size limit (default 5 MB; --max-size). Split it or raise the limit.",
  },
  "invalid-utf8": {
    severity: "error",
    doc: "The file has a byte sequence that is not UTF-8 (the message gives its byte offset, line and column), or a string escapes a lone UTF-16 surrogate; save the file as UTF-8.",
  },
  "unsupported-encoding": {
    severity: "error",
    doc: "The file is UTF-16 or UTF-32 (a byte-order mark or NUL bytes at the start); save it as UTF-8.",
  },
  "parse-error": { severity: "error", doc: "The file is not valid JSON or YAML; the message gives line and column." },
  "duplicate-key": {
    severity: "error",
    doc: "A YAML mapping or JSON object repeats a key; the second value would silently win.",
  },
  "yaml-alias-limit": {
    severity: "error",
    doc: "The YAML expands too many aliases (an alias bomb); write the values out.",
  },
  "too-deep": { severity: "error", doc: "The document nests deeper than any design needs (64 levels)." },
  "control-character": {
    severity: "error",
    doc: "A key or string (or the file outside strings) contains a control character other than tab and newline: C0 (ESC, BEL, NUL, a CR that is not part of a CRLF line ending), DEL or C1. The message names the character, line and column.",
  },
  "bidi-control": {
    severity: "warning",
    doc: "A key or string contains a bidi embedding, override or isolate (U+202A–U+202E, U+2066–U+2069), which can make text display in another order than it is read (Trojan Source). Remove it unless right-to-left text needs it.",
  },
  "non-finite-number": {
    severity: "error",
    doc: "A number is infinite or not a number (`.inf`, `.nan`, or a JSON literal beyond the double range such as 1e400).",
  },
  "unsupported-version": {
    severity: "error",
    doc: "`contractor` is missing or not 1; this tool reads format version 1.",
  },
  "schema-violation": {
    severity: "error",
    doc: "The design breaks schemas/design.schema.json (wrong type, missing or unknown property, bad pattern).",
  },
  "duplicate-name": {
    severity: "error",
    doc: "Two items of one collection share a name; names identify items in references and artifacts.",
  },
  "name-collision": {
    severity: "error",
    doc: "Two different names become the same identifier after case conversion (table, column, type or operation names).",
  },
  "reserved-name": {
    severity: "error",
    doc: "The name is reserved by a generated artifact (e.g. Problem, ErrorCode, or a built-in TypeScript type).",
  },
  "dangling-reference": {
    severity: "error",
    doc: "A reference names an entity, schema, enum, field, error code, tier, scheme, scope, tag or operation that does not exist.",
  },
  "path-param-undeclared": {
    severity: "error",
    doc: "The path template has a {param} that `params` does not declare with `in: path`.",
  },
  "path-param-unused": {
    severity: "error",
    doc: "A parameter declared `in: path` does not appear in the path template.",
  },
  "duplicate-route": { severity: "error", doc: "Two endpoints share method and path (parameter names aside)." },
  "duplicate-operation-id": {
    severity: "error",
    doc: "Two endpoints share an operationId; client method names must be unique.",
  },
  "missing-primary-key": {
    severity: "error",
    doc: "An entity has no primary key; mark a field `primaryKey: true` or set `primaryKey`.",
  },
  "conflicting-primary-key": {
    severity: "error",
    doc: "Both the entity's `primaryKey` and fields' `primaryKey: true` are set, and they disagree.",
  },
  "nullable-primary-key": { severity: "error", doc: "A primary-key field is nullable." },
  "foreign-key-type-mismatch": {
    severity: "error",
    doc: "A foreign key column's type differs from the referenced column's type.",
  },
  "foreign-key-target-not-unique": {
    severity: "error",
    doc: "A foreign key references fields that are neither the primary key nor unique.",
  },
  "foreign-key-arity": {
    severity: "error",
    doc: "A composite foreign key lists a different number of fields and referenced fields.",
  },
  "set-null-on-required": { severity: "error", doc: "`onDelete/onUpdate: set-null` on a column that is not nullable." },
  "type-options-mismatch": {
    severity: "error",
    doc: "Options that do not fit the type: enum without `enum`, array without `items`, maxLength on a number, scale > precision…",
  },
  "invalid-default": {
    severity: "error",
    doc: "A default that does not fit the field's type (e.g. `now` on a string, a text literal on an integer, a value not in the enum).",
  },
  "invalid-predicate": {
    severity: "error",
    doc: "A partial-index or check predicate is incomplete (a comparison needs `value` or `otherField`) or compares incompatible types.",
  },
  "auth-config-missing": {
    severity: "error",
    doc: "An auth scheme lacks the block its `type` names (jwt, oauth2, apiKey or session).",
  },
  "auth-missing": {
    severity: "error",
    doc: "A non-public endpoint has no auth scheme (none named and no api.defaultAuth).",
  },
  "body-not-allowed": { severity: "error", doc: "GET and DELETE endpoints carry no request body." },
  "response-schema-missing": {
    severity: "error",
    doc: "A 200/201 response or a paginated response needs a `schema`; a 204 must have none.",
  },
  "empty-shape": {
    severity: "error",
    doc: "An entity shape used by an endpoint has no fields (e.g. a create body where every field is read-only).",
  },
  "invalid-limits": {
    severity: "error",
    doc: "Inconsistent bounds: minimum > maximum, minLength > maxLength, defaultLimit > maxLimit, p95 > p99.",
  },
  "error-status-reserved": {
    severity: "error",
    doc: "A catalog entry re-declares a built-in code (unauthenticated, forbidden, validation-failed, rate-limited, precondition-failed, internal-error) with another status.",
  },
  "unused-definition": {
    severity: "warning",
    doc: "An enum, payload schema, error code or rate-limit tier is declared but never used.",
  },
  "sync-without-feed": {
    severity: "info",
    doc: "Entities declare `sync`; the changes feed endpoint is added automatically (configure it under api.sync).",
  },
});
