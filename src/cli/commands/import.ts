import { basename } from "node:path";
import { stringify } from "yaml";
import { defineCommand, UsageError } from "../command.ts";
import { formatDiagnostic, summary, type Io } from "../io.ts";
import { MIGRATION_FORMATS, type MigrationFormat } from "../../core/artifact.ts";
import type { Diagnostic } from "../../design/diagnostics.ts";
import type { Design } from "../../design/schema.ts";
import type { Loss } from "../../import/loss.ts";
import type { MergeReport } from "../../import/merge.ts";
import { parseSize, writeAtomically } from "./shared.ts";

const SOURCES = ["openapi", "postgres", "sql"] as const;
type Source = (typeof SOURCES)[number];

/** One line per loss class: how many, and the format limit behind them. */
function lossSummary(losses: readonly Loss[], limits: Record<string, string>, of = ""): string {
  if (losses.length === 0) return `nothing was lost${of}\n`;
  const counts = new Map<string, number>();
  for (const l of losses) counts.set(l.class, (counts.get(l.class) ?? 0) + 1);
  const rows = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  const lines = rows.map(([cls, n]) => `  ${String(n).padStart(5)}  ${cls.padEnd(20)} ${limits[cls] ?? ""}`);
  return `${losses.length} loss(es)${of} — what the source says that the design cannot:\n${lines.join("\n")}\n`;
}

/** Which schemas became entities and why the others did not. */
function mergeSummary(m: MergeReport): string {
  const lines = [
    `${m.matched.length} schema(s) matched to tables${m.matched.length ? ":" : ""}`,
    ...m.matched.map((x) => `  ${x.schema} → ${x.entity} (table ${x.table})`),
    `${m.unmatched.length} schema(s) kept as payload schemas${m.unmatched.length ? ":" : ""}`,
    ...m.unmatched.flatMap((x) => [
      `  ${x.schema}${x.renamedTo ? ` (renamed ${x.renamedTo}: its name is an entity's or an enum's)` : ""}`,
      ...x.reasons.map((r) => `      ${r.message}`),
    ]),
    ...m.renamedEnums.map(
      (e) => `enum ${e.from} of the spec renamed ${e.to} (the database's ${e.from} has other values)`,
    ),
  ];
  return lines.join("\n") + "\n";
}

/** One import's result as the command prints it. */
interface Imported {
  design?: Design;
  /** Per source: its label in messages, its losses and diagnostics. */
  parts: Array<{ label: string; losses: Loss[]; diagnostics: Diagnostic[] }>;
  /** What the import counts (`2 endpoint(s)`, `14 table(s) as entities`). */
  counted?: string;
  merge?: MergeReport;
}

const stringOf = (v: string | boolean | undefined) => (typeof v === "string" ? v : undefined);

export const importCommand = defineCommand({
  name: "import",
  summary:
    "Turn an existing system into a design: an OpenAPI 3.0/3.1 spec (`openapi <spec>`), a live PostgreSQL schema (`postgres --database-url <url>`), a DDL file (`sql <file.sql>`, loaded into an embedded PostgreSQL), or a spec and a database merged into one design (`--openapi <spec>` with `--database-url <url>` or `--sql <file.sql>`: the API from the spec, the data model from the database, each schema matched to its table where names and columns agree). Everything the design cannot say is listed in a loss report (a summary on stderr, the full list with --report). With a database, `--baseline <dir>` starts a migration history in <dir> whose 0001_baseline is the imported schema, marked released, so the next build writes 0002 only.",
  positionals: [
    {
      name: "source",
      description: `What to import: ${SOURCES.join(" | ")} (none with --openapi)`,
      required: false,
    },
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
      description:
        "Write the loss report (every loss and diagnostic; with --openapi and a database, the matches) as JSON",
      valueHint: "loss.json",
    },
    openapi: {
      type: "string",
      description:
        "Merge this OpenAPI document with the database given by --database-url or --sql (no source argument)",
      valueHint: "spec.yaml",
    },
    sql: {
      type: "string",
      description: "With --openapi: the DDL file to merge with",
      valueHint: "file.sql",
    },
    "database-url": {
      type: "string",
      description: "postgres, or with --openapi: the database to read (postgres://user:password@host:port/database)",
      valueHint: "url",
    },
    schema: {
      type: "string",
      description: "postgres, sql, --openapi with a database: the schema to import (default public)",
      valueHint: "name",
    },
    baseline: {
      type: "string",
      description:
        "postgres, sql, --openapi with a database: write the imported schema into this out dir as migration 0001_baseline, released and marked as the baseline (the database already has it), with design.json; then `contractor build <design> --out <dir>` writes 0002 onwards",
      valueHint: "out dir",
    },
    "migrations-format": {
      type: "string",
      description: `With --baseline: the migration file layout, ${MIGRATION_FORMATS.join(" | ")} (default golang-migrate); later builds must use the same`,
      valueHint: "format",
    },
    "max-size": {
      type: "string",
      description: "openapi, sql, --openapi, --sql: largest file accepted (default 5MB)",
      valueHint: "size",
    },
  },
  async run({ positionals, values }, io: Io) {
    const [sourceArg, file, extra] = positionals as [string | undefined, string | undefined, string | undefined];
    for (const k of [
      "out",
      "report",
      "schema",
      "database-url",
      "openapi",
      "sql",
      "baseline",
      "migrations-format",
    ] as const)
      if (values[k] === "") throw new UsageError(`--${k} needs a value`);
    const url = stringOf(values["database-url"]);
    const schema = stringOf(values.schema);
    const spec = stringOf(values.openapi);
    const sqlFile = stringOf(values.sql);
    const baseline = stringOf(values.baseline);
    let source: Source | "merge";
    if (spec !== undefined) {
      if (sourceArg !== undefined)
        throw new UsageError(
          `unexpected argument "${sourceArg}": --openapi merges a spec with a database (contractor import --openapi <spec> --database-url <url> | --sql <file.sql>)`,
        );
      if (url === undefined && sqlFile === undefined)
        throw new UsageError(
          "--openapi needs the database to merge with: --database-url <url> or --sql <file.sql> (a spec alone: contractor import openapi <spec>)",
        );
      if (url !== undefined && sqlFile !== undefined)
        throw new UsageError("--database-url and --sql name two databases: give one");
      source = "merge";
    } else {
      if (sourceArg === undefined)
        throw new UsageError(`missing source (${SOURCES.join(", ")}, or --openapi <spec> with a database)`);
      if (!(SOURCES as readonly string[]).includes(sourceArg))
        throw new UsageError(`unknown source "${sourceArg}" (expected ${SOURCES.join(", ")})`);
      if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
      source = sourceArg as Source;
      if (sqlFile !== undefined)
        throw new UsageError(
          `--sql goes with --openapi (a merged import); a DDL file alone: contractor import sql <file.sql>`,
        );
      if (source === "postgres") {
        if (file !== undefined) throw new UsageError(`unexpected argument "${file}" (postgres reads --database-url)`);
        if (url === undefined) throw new UsageError("postgres needs --database-url");
        if (values["max-size"] !== undefined) throw new UsageError("--max-size applies to openapi and sql only");
      } else {
        if (file === undefined) throw new UsageError(`missing ${source === "openapi" ? "spec" : "DDL file"}`);
        if (url !== undefined) throw new UsageError("--database-url applies to postgres (or --openapi) only");
        if (source === "openapi" && schema !== undefined)
          throw new UsageError("--schema applies to postgres and sql only");
        if (source === "openapi" && baseline !== undefined)
          throw new UsageError("--baseline needs a database: postgres, sql, or --openapi with --database-url or --sql");
      }
    }
    if (values["migrations-format"] !== undefined && baseline === undefined)
      throw new UsageError("--migrations-format goes with --baseline");
    const format = (stringOf(values["migrations-format"]) ?? "golang-migrate") as MigrationFormat;
    if (!(MIGRATION_FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--migrations-format must be one of ${MIGRATION_FORMATS.join(", ")}`);
    const maxBytes = parseSize(values["max-size"]);

    // Loaded on demand so `--help` and usage errors stay instant.
    const { LOSS_CLASSES } = await import("../../import/loss.ts");
    const result = await runImport(source, { file, url, schema, spec, sqlFile, maxBytes });
    for (const part of result.parts)
      for (const d of part.diagnostics) io.stderr(formatDiagnostic(d, part.label, io) + "\n");
    if (!result.design) {
      const all = result.parts.flatMap((p) => p.diagnostics);
      io.stderr(`import failed: ${summary(all)}; nothing written\n`);
      return 1;
    }
    const labels = result.parts.map((p) => p.label);
    const command = source === "merge" ? "import --openapi" : `import ${source}`;
    const yaml = `# Imported from ${labels.join(" and ")} by contractor ${command}; see the loss report for what the design could not hold.\n${stringify(result.design, { lineWidth: 0 })}`;
    const report =
      source === "merge"
        ? {
            source: { openapi: labels[0], database: labels[1] },
            ...result.merge,
            losses: { openapi: result.parts[0]!.losses, database: result.parts[1]!.losses },
            diagnostics: { openapi: result.parts[0]!.diagnostics, database: result.parts[1]!.diagnostics },
          }
        : { source: labels[0], losses: result.parts[0]!.losses, diagnostics: result.parts[0]!.diagnostics };
    if (baseline !== undefined) {
      const { writeBaseline } = await import("../../pipeline/baseline.ts");
      const written = await writeBaseline(result.design, baseline, { migrationsFormat: format });
      for (const d of written.diagnostics) io.stderr(formatDiagnostic(d, baseline, io) + "\n");
      if (!written.ok) {
        io.stderr(`baseline failed: ${summary(written.diagnostics)}; nothing written\n`);
        return 1;
      }
    }
    if (typeof values.report === "string") await writeAtomically(values.report, JSON.stringify(report, null, 2) + "\n");
    if (typeof values.out === "string") await writeAtomically(values.out, yaml);
    else io.stdout(yaml);
    for (const part of result.parts)
      io.stderr(lossSummary(part.losses, LOSS_CLASSES, result.parts.length > 1 ? ` in ${part.label}` : ""));
    if (result.merge) io.stderr(mergeSummary(result.merge));
    io.stderr(
      `imported ${result.counted}${typeof values.out === "string" ? ` to ${values.out}` : ""} (${summary(result.parts.flatMap((p) => p.diagnostics))})\n`,
    );
    if (baseline !== undefined)
      io.stderr(
        `baseline: ${baseline} holds migration 0001_baseline (released, the baseline) and the design record; mark version 1 applied on the database that already has this schema (docs/evolution.md), then \`contractor build <design> --out ${baseline}\` writes 0002 onwards\n`,
      );
    return 0;
  },
});

async function runImport(
  source: Source | "merge",
  a: {
    file?: string;
    url?: string;
    schema?: string;
    spec?: string;
    sqlFile?: string;
    maxBytes: number | undefined;
  },
): Promise<Imported> {
  const schemaOption = a.schema ? { schema: a.schema } : {};
  const readDatabase = async (via: { url: string } | { file: string }) => {
    const { importPostgres, importSql, redactUrl } = await import("../../import/postgres.ts");
    const r =
      "url" in via
        ? await importPostgres({ databaseUrl: via.url }, schemaOption)
        : await importSql({ file: via.file }, { maxBytes: a.maxBytes, ...schemaOption });
    return { result: r, label: "url" in via ? redactUrl(via.url) : basename(via.file) };
  };
  const counted = (d: Design, tables?: number) =>
    tables === undefined ? `${d.api.endpoints.length} endpoint(s)` : `${d.data.entities.length} of ${tables} table(s)`;
  if (source === "openapi" || source === "merge") {
    const specFile = source === "merge" ? a.spec! : a.file!;
    const { importOpenApi } = await import("../../import/openapi.ts");
    const api = await importOpenApi({ file: specFile }, { maxBytes: a.maxBytes });
    const apiPart = { label: basename(specFile), losses: api.losses, diagnostics: api.diagnostics };
    if (source === "openapi")
      return { ...(api.design ? { design: api.design, counted: counted(api.design) } : {}), parts: [apiPart] };
    const db = await readDatabase(a.url !== undefined ? { url: a.url } : { file: a.sqlFile! });
    const { mergeImports } = await import("../../import/merge.ts");
    const merged = mergeImports(api, db.result);
    const parts = [
      { ...apiPart, ...merged.openapi },
      { label: db.label, ...merged.database },
    ];
    if (!merged.design) return { parts };
    return {
      design: merged.design,
      parts,
      merge: merged.merge!,
      counted: `${counted(merged.design)} and ${counted(merged.design, db.result.tables.length)}`,
    };
  }
  const db = await readDatabase(source === "postgres" ? { url: a.url! } : { file: a.file! });
  const part = { label: db.label, losses: db.result.losses, diagnostics: db.result.diagnostics };
  return db.result.design
    ? { design: db.result.design, parts: [part], counted: counted(db.result.design, db.result.tables.length) }
    : { parts: [part] };
}
