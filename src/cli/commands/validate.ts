import { defineCommand } from "../command.ts";
import { printDiagnostics, progressPrinter, summary } from "../io.ts";
import { parseSize } from "./shared.ts";

export const validateCommand = defineCommand({
  name: "validate",
  summary: "Check a design against the schema and the semantic rules. Writes nothing.",
  positionals: [{ name: "design", description: "The design file (.yaml, .yml or .json)", required: true }],
  options: {
    json: { type: "boolean", description: "Print the result as JSON on stdout" },
    "max-size": { type: "string", description: "Largest design file accepted (default 5MB)", valueHint: "size" },
  },
  async run({ positionals, values }, io) {
    // Loaded on demand so `--help` and usage errors stay instant.
    const { validate } = await import("../../pipeline/build.ts");
    const file = positionals[0]!;
    const json = Boolean(values.json);
    const result = await validate(
      { file },
      { maxBytes: parseSize(values["max-size"]), onStep: progressPrinter(io, json) },
    );
    if (json) {
      io.stdout(JSON.stringify({ ok: result.ok, diagnostics: result.diagnostics }, null, 2) + "\n");
    } else {
      printDiagnostics(result.diagnostics, file, io);
      io.stderr(
        result.ok
          ? `design is valid (${summary(result.diagnostics)})\n`
          : `design is invalid: ${summary(result.diagnostics)}\n`,
      );
    }
    return result.ok ? 0 : 1;
  },
});
