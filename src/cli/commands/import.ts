import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { stringify } from "yaml";
import { defineCommand, UsageError } from "../command.ts";
import { formatDiagnostic, summary, type Io } from "../io.ts";
import type { Loss } from "../../import/loss.ts";
import { parseSize, writeAtomically } from "./shared.ts";

const SOURCES = ["openapi"] as const;

/** One line per loss class: how many, and the format limit behind them. */
function lossSummary(losses: readonly Loss[], limits: Record<string, string>): string {
  if (losses.length === 0) return "nothing was lost\n";
  const counts = new Map<string, number>();
  for (const l of losses) counts.set(l.class, (counts.get(l.class) ?? 0) + 1);
  const rows = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  const lines = rows.map(([cls, n]) => `  ${String(n).padStart(5)}  ${cls.padEnd(20)} ${limits[cls] ?? ""}`);
  return `${losses.length} loss(es) — what the source says that the design cannot:\n${lines.join("\n")}\n`;
}

export const importCommand = defineCommand({
  name: "import",
  summary:
    "Turn an existing OpenAPI 3.0/3.1 spec into a design. Everything the design cannot say is listed in a loss report (a summary on stderr, the full list with --report).",
  positionals: [
    { name: "source", description: `What to import: ${SOURCES.join(" | ")}`, required: true },
    {
      name: "spec",
      description: "The OpenAPI document (.yaml, .yml or .json); only local $refs are followed",
      required: true,
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
    "max-size": { type: "string", description: "Largest spec file accepted (default 5MB)", valueHint: "size" },
  },
  async run({ positionals, values }, io: Io) {
    const [source, file] = positionals as [string, string];
    if (!(SOURCES as readonly string[]).includes(source))
      throw new UsageError(`unknown source "${source}" (expected ${SOURCES.join(" or ")})`);
    for (const k of ["out", "report"] as const) if (values[k] === "") throw new UsageError(`--${k} needs a file name`);
    const maxBytes = parseSize(values["max-size"]);
    // Loaded on demand so `--help` and usage errors stay instant.
    const { importOpenApi, LOSS_CLASSES } = await import("../../import/openapi.ts");
    const result = await importOpenApi({ file }, { maxBytes });
    for (const d of result.diagnostics) io.stderr(formatDiagnostic(d, file, io) + "\n");
    if (!result.design) {
      io.stderr(`import failed: ${summary(result.diagnostics)}; nothing written\n`);
      return 1;
    }
    const yaml = `# Imported from ${basename(file)} by contractor import openapi; see the loss report for what the design could not hold.\n${stringify(result.design, { lineWidth: 0 })}`;
    const report = {
      source: basename(file),
      losses: result.losses,
      diagnostics: result.diagnostics,
    };
    if (typeof values.report === "string") await writeAtomically(values.report, JSON.stringify(report, null, 2) + "\n");
    if (typeof values.out === "string") await writeAtomically(values.out, yaml);
    else io.stdout(yaml);
    io.stderr(lossSummary(result.losses, LOSS_CLASSES));
    io.stderr(
      `imported ${result.design.api.endpoints.length} endpoint(s)${typeof values.out === "string" ? ` to ${values.out}` : ""} (${summary(result.diagnostics)})\n`,
    );
    return 0;
  },
});
