import { defineCommand, UsageError } from "../command.ts";
import { MIGRATION_FORMATS, type MigrationFormat } from "../../core/artifact.ts";
import { printDiagnostics } from "../io.ts";
import { parseSize } from "./shared.ts";

export const diffCommand = defineCommand({
  name: "diff",
  summary:
    "Compare two designs: API breaking changes, the next migration and its rollback, destructive-change findings. Prints CHANGES.md (the body of a design pull request); exits 1 on breaking or destructive changes unless allowed.",
  positionals: [
    {
      name: "old-design",
      description: "The previous design (.yaml, .yml, .json, or a build's out/design.json)",
      required: true,
    },
    { name: "new-design", description: "The new design", required: true },
  ],
  options: {
    json: { type: "boolean", description: "Print the report as JSON on stdout (for CI)" },
    "allow-destructive": { type: "boolean", description: "Accept destructive schema changes (reported as warnings)" },
    "allow-breaking": { type: "boolean", description: "Accept breaking API changes (still reported)" },
    "migrations-format": {
      type: "string",
      description: `Layout of the migration files named in the report: ${MIGRATION_FORMATS.join(" | ")} (default golang-migrate)`,
      valueHint: "format",
    },
    "max-size": { type: "string", description: "Largest design file accepted (default 5MB)", valueHint: "size" },
  },
  async run({ positionals, values }, io) {
    const { diff } = await import("../../index.ts");
    const format = (values["migrations-format"] as string | undefined) ?? "golang-migrate";
    if (!(MIGRATION_FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--migrations-format must be one of ${MIGRATION_FORMATS.join(", ")}`);
    const [oldFile, newFile] = positionals as [string, string];
    const r = await diff(oldFile, newFile, {
      allowDestructive: Boolean(values["allow-destructive"]),
      allowBreaking: Boolean(values["allow-breaking"]),
      migrationsFormat: format as MigrationFormat,
      maxBytes: parseSize(values["max-size"]),
    });
    if (values.json) {
      io.stdout(JSON.stringify(r.json, null, 2) + "\n");
    } else if (!r.report) {
      printDiagnostics(r.diagnostics, `${oldFile} / ${newFile}`, io);
    } else {
      io.stdout(r.markdown!);
      printDiagnostics(r.diagnostics, newFile, { ...io, stdout: io.stderr });
      io.stderr(
        `${r.breaking} breaking API change(s), ${r.destructive} destructive finding(s)${r.ok ? "" : " — failing (use --allow-breaking / --allow-destructive to accept)"}\n`,
      );
    }
    return r.ok ? 0 : 1;
  },
});
