import { basename } from "node:path";
import { stringify } from "yaml";
import { defineCommand, UsageError } from "../command.ts";
import { formatDiagnostic, summary, type Io } from "../io.ts";
import type { Diagnostic } from "../../design/diagnostics.ts";
import type { Design } from "../../design/schema.ts";
import type { Loss } from "../../import/loss.ts";
import { parseSize, writeAtomically } from "./shared.ts";

const SOURCES = ["openapi", "postgres", "sql"] as const;
type Source = (typeof SOURCES)[number];

/** One line per loss class: how many, and the format limit behind them. */
function lossSummary(losses: readonly Loss[], limits: Record<string, string>): string {
  if (losses.length === 0) return "nothing was lost\n";
  const counts = new Map<string, number>();
  for (const l of losses) counts.set(l.class, (counts.get(l.class) ?? 0) + 1);
  const rows = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  const lines = rows.map(([cls, n]) => `  ${String(n).padStart(5)}  ${cls.padEnd(20)} ${limits[cls] ?? ""}`);
  return `${losses.length} loss(es) — what the source says that the design cannot:\n${lines.join("\n")}\n`;
}

interface Imported {
  design?: Design;
  losses: Loss[];
  diagnostics: Diagnostic[];
  /** What the import counts (`2 endpoint(s)`, `14 table(s) as entities`). */
  counted?: string;
}

export const importCommand = defineCommand({
  name: "import",
  summary:
    "Turn an existing system into a design: an OpenAPI 3.0/3.1 spec (`openapi <spec>`), a live PostgreSQL schema (`postgres --database-url <url>`) or a DDL file (`sql <file.sql>`, loaded into an embedded PostgreSQL). Everything the design cannot say is listed in a loss report (a summary on stderr, the full list with --report).",
  positionals: [
    { name: "source", description: `What to import: ${SOURCES.join(" | ")}`, required: true },
    {
      name: "file",
      description:
        "openapi: the OpenAPI document (.yaml, .yml or .json; only local $refs are followed). sql: the DDL file. postgres: none (use --database-url)",
      required: false,
    },
  ],
  options: {
    out: {
      type: "string",
      description: "Write the design here (default: print it on stdout)",
      valueHint: "design.yaml",
    },
    report: {
      type: "string",
      description: "Write the loss report (every loss and diagnostic) as JSON",
      valueHint: "loss.json",
    },
    "database-url": {
      type: "string",
      description: "postgres: the database to read (postgres://user:password@host:port/database)",
      valueHint: "url",
    },
    schema: {
      type: "string",
      description: "postgres, sql: the schema to import (default public)",
      valueHint: "name",
    },
    "max-size": {
      type: "string",
      description: "openapi, sql: largest file accepted (default 5MB)",
      valueHint: "size",
    },
  },
  async run({ positionals, values }, io: Io) {
    const [sourceArg, file] = positionals as [string, string | undefined];
    if (!(SOURCES as readonly string[]).includes(sourceArg))
      throw new UsageError(`unknown source "${sourceArg}" (expected ${SOURCES.join(", ")})`);
    const source = sourceArg as Source;
    for (const k of ["out", "report", "schema", "database-url"] as const)
      if (values[k] === "") throw new UsageError(`--${k} needs a value`);
    const url = typeof values["database-url"] === "string" ? values["database-url"] : undefined;
    const schema = typeof values.schema === "string" ? values.schema : undefined;
    if (source === "postgres") {
      if (file !== undefined) throw new UsageError(`unexpected argument "${file}" (postgres reads --database-url)`);
      if (url === undefined) throw new UsageError("postgres needs --database-url");
      if (values["max-size"] !== undefined) throw new UsageError("--max-size applies to openapi and sql only");
    } else {
      if (file === undefined) throw new UsageError(`missing ${source === "openapi" ? "spec" : "DDL file"}`);
      if (url !== undefined) throw new UsageError("--database-url applies to postgres only");
      if (source === "openapi" && schema !== undefined)
        throw new UsageError("--schema applies to postgres and sql only");
    }
    const maxBytes = parseSize(values["max-size"]);
    // Loaded on demand so `--help` and usage errors stay instant.
    const { LOSS_CLASSES } = await import("../../import/loss.ts");
    let result: Imported;
    let label: string;
    if (source === "openapi") {
      const { importOpenApi } = await import("../../import/openapi.ts");
      const r = await importOpenApi({ file: file! }, { maxBytes });
      result = { ...r, counted: r.design && `${r.design.api.endpoints.length} endpoint(s)` };
      label = basename(file!);
    } else {
      const { importPostgres, importSql, redactUrl } = await import("../../import/postgres.ts");
      const r =
        source === "postgres"
          ? await importPostgres({ databaseUrl: url! }, { ...(schema ? { schema } : {}) })
          : await importSql({ file: file! }, { maxBytes, ...(schema ? { schema } : {}) });
      result = { ...r, counted: r.design && `${r.design.data.entities.length} of ${r.tables.length} table(s)` };
      label = source === "postgres" ? redactUrl(url!) : basename(file!);
    }
    for (const d of result.diagnostics) io.stderr(formatDiagnostic(d, label, io) + "\n");
    if (!result.design) {
      io.stderr(`import failed: ${summary(result.diagnostics)}; nothing written\n`);
      return 1;
    }
    const yaml = `# Imported from ${label} by contractor import ${source}; see the loss report for what the design could not hold.\n${stringify(result.design, { lineWidth: 0 })}`;
    const report = {
      source: label,
      losses: result.losses,
      diagnostics: result.diagnostics,
    };
    if (typeof values.report === "string") await writeAtomically(values.report, JSON.stringify(report, null, 2) + "\n");
    if (typeof values.out === "string") await writeAtomically(values.out, yaml);
    else io.stdout(yaml);
    io.stderr(lossSummary(result.losses, LOSS_CLASSES));
    io.stderr(
      `imported ${result.counted}${typeof values.out === "string" ? ` to ${values.out}` : ""} (${summary(result.diagnostics)})\n`,
    );
    return 0;
  },
});
