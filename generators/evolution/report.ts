/**
 * The evolution report of two designs — schema diff, destructive findings, API changes, entities
 * and endpoints added or removed, and the next migration — and its Markdown rendering,
 * `CHANGES.md`: the body of a design pull request. `contractor diff` prints the same report.
 */
import type { OpenAPIV3 } from "openapi-types";
import type { NDesign } from "../../src/design/normalize.ts";
import { resolveDefaults } from "../../src/design/normalize.ts";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import { buildDocument } from "../openapi/document.ts";
import { diffSchemas, isEmptyDiff, type SchemaDiff } from "../migrations/schema-diff.ts";
import { lintDestructive } from "./lint.ts";
import { diffOpenApi, type ApiChange } from "./api-diff.ts";

export interface MigrationText {
  /** e.g. `0002_add_reminders`. */
  name: string;
  /** Paths of the migration's files in the out dir. */
  files: string[];
  up: string;
  down: string;
  /** What the down does to data (rollbackNotes): empty when it restores everything. */
  rollback?: string[];
}

export interface EvolutionReport {
  from: { name: string; version: string };
  to: { name: string; version: string };
  schema: SchemaDiff;
  /** True when the database schema changes (a migration is due). */
  schemaChanged: boolean;
  destructive: Diagnostic[];
  api: ApiChange[];
  entities: { added: string[]; removed: string[]; renamed: Array<{ from: string; to: string }> };
  enums: { added: string[]; removed: string[]; renamed: Array<{ from: string; to: string }> };
  endpoints: { added: string[]; removed: string[] };
  migration?: MigrationText;
  /** Other findings (ignored renamedFrom, migration planning). */
  diagnostics: Diagnostic[];
}

const endpointLabel = (e: NDesign["api"]["endpoints"][number]) => `${e.operationId} (${e.method} ${e.path})`;

/** Compares two designs. `migration` is attached by the caller that plans SQL (generators/migrations). */
export function compareDesigns(
  previous: NDesign,
  current: NDesign,
  options: { allowDestructive: boolean },
): EvolutionReport {
  // An older design.json may lack type defaults that this contractor's normalisation fills.
  const before = resolveDefaults(previous);
  const after = resolveDefaults(current);
  return reportOf(before, after, diffSchemas(before, after), options);
}

/** The report of a change whose schema diff is known (`diffSchemas(before, after)`, defaults resolved). */
export function reportOf(
  before: NDesign,
  after: NDesign,
  schema: SchemaDiff,
  options: { allowDestructive: boolean },
): EvolutionReport {
  const api = diffOpenApi(buildDocument(before) as OpenAPIV3.Document, buildDocument(after) as OpenAPIV3.Document);
  const oldOps = new Map(before.api.endpoints.map((e) => [e.operationId, e] as const));
  const newOps = new Map(after.api.endpoints.map((e) => [e.operationId, e] as const));
  return {
    from: { name: before.info.name, version: before.info.version },
    to: { name: after.info.name, version: after.info.version },
    schema,
    schemaChanged: !isEmptyDiff(schema),
    destructive: lintDestructive(schema, options.allowDestructive),
    api,
    entities: {
      added: schema.entities.added.map((a) => a.item.name),
      removed: schema.entities.removed.map((e) => e.name),
      renamed: schema.entities.changed.filter((c) => c.renamed).map((c) => ({ from: c.before.name, to: c.after.name })),
    },
    enums: {
      added: schema.enums.added.map((e) => e.name),
      removed: schema.enums.removed.map((e) => e.name),
      renamed: schema.enums.changed.filter((c) => c.renamed).map((c) => ({ from: c.before.name, to: c.after.name })),
    },
    endpoints: {
      added: [...newOps.values()].filter((e) => !oldOps.has(e.operationId)).map(endpointLabel),
      removed: [...oldOps.values()].filter((e) => !newOps.has(e.operationId)).map(endpointLabel),
    },
    diagnostics: [...schema.diagnostics],
  };
}

export const breakingChanges = (r: EvolutionReport) => r.api.filter((c) => c.breaking);

/** The report as JSON for CI (`contractor diff --json`). */
export function reportJson(r: EvolutionReport, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    from: r.from,
    to: r.to,
    ...extra,
    breaking: r.api.filter((c) => c.breaking),
    nonBreaking: r.api.filter((c) => !c.breaking),
    destructive: r.destructive,
    entities: r.entities,
    enums: r.enums,
    endpoints: r.endpoints,
    migration: r.migration ?? null,
    diagnostics: r.diagnostics,
  };
}

const code = (s: string) => "`" + s.replace(/`/g, "'") + "`";
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function apiTable(list: readonly ApiChange[]): string[] {
  if (list.length === 0) return ["None."];
  return [
    "| change | where | operations |",
    "|---|---|---|",
    ...list.map((c) => `| ${cell(c.message)} | ${code(c.location)} | ${cell(c.operations.join(", ") || "—")} |`),
  ];
}

/** Renders the report as Markdown (deterministic: no dates, sorted lists, LF). */
export function renderChanges(r: EvolutionReport): string {
  const breaking = r.api.filter((c) => c.breaking);
  const compatible = r.api.filter((c) => !c.breaking);
  const errors = r.destructive.filter((d) => d.severity === "error");
  const lines: string[] = [
    "<!-- Generated by contractor from the previous and the new design. Do not edit: change the design and rebuild. -->",
    `# Design changes: ${r.from.name} ${r.from.version} → ${r.to.version}`,
    "",
    "## Summary",
    "",
    `- API: **${breaking.length} breaking**, ${compatible.length} non-breaking change(s).`,
    `- Database: ${r.migration ? `migration ${code(r.migration.name)}` : r.schemaChanged ? "schema changes (no migration planned)" : "no schema change, no migration"}.`,
    `- Destructive findings: ${r.destructive.length}${r.destructive.length ? (errors.length ? " (blocking; --allow-destructive to accept)" : " (accepted with --allow-destructive)") : ""}.`,
    "",
    "## Entities",
    "",
    ...(r.entities.added.length + r.entities.removed.length + r.entities.renamed.length === 0
      ? ["No entity added, removed or renamed."]
      : [
          ...r.entities.added.map((n) => `- added ${code(n)}`),
          ...r.entities.renamed.map((x) => `- renamed ${code(x.from)} → ${code(x.to)}`),
          ...r.entities.removed.map((n) => `- removed ${code(n)}`),
        ]),
    "",
    // Shown only when an enum came, went or was renamed (value changes are in the migration and the API tables).
    ...(r.enums.added.length + r.enums.removed.length + r.enums.renamed.length === 0
      ? []
      : [
          "## Enums",
          "",
          ...r.enums.added.map((n) => `- added ${code(n)}`),
          ...r.enums.renamed.map((x) => `- renamed ${code(x.from)} → ${code(x.to)}`),
          ...r.enums.removed.map((n) => `- removed ${code(n)}`),
          "",
        ]),
    "## Endpoints",
    "",
    ...(r.endpoints.added.length + r.endpoints.removed.length === 0
      ? ["No endpoint added or removed."]
      : [
          ...r.endpoints.added.map((e) => `- added ${code(e)}`),
          ...r.endpoints.removed.map((e) => `- removed ${code(e)}`),
        ]),
    "",
    "## Breaking API changes",
    "",
    ...apiTable(breaking),
    "",
    "## Non-breaking API changes",
    "",
    ...apiTable(compatible),
    "",
    "## Destructive-change findings",
    "",
    ...(r.destructive.length === 0
      ? ["None."]
      : [
          "| severity | code | where | finding |",
          "|---|---|---|---|",
          ...r.destructive.map((d) => `| ${d.severity} | ${code(d.code)} | ${code(d.path)} | ${cell(d.message)} |`),
        ]),
    "",
  ];
  if (r.diagnostics.length) {
    lines.push(
      "## Other findings",
      "",
      ...r.diagnostics.map((d) => `- ${d.severity} ${code(d.code)} at ${code(d.path)}: ${d.message}`),
      "",
    );
  }
  if (r.migration) {
    lines.push(
      "## Migration",
      "",
      `Files: ${r.migration.files.map(code).join(", ")}`,
      "",
      "### Up",
      "",
      "```sql",
      r.migration.up.trimEnd(),
      "```",
      "",
      "### Rollback (down)",
      "",
      ...(r.destructive.length
        ? ["The rollback restores the schema, not the data a destructive step removed.", ""]
        : []),
      ...(r.migration.rollback?.length
        ? ["What the rollback does to data:", "", ...r.migration.rollback.map((n) => `- ${n}`), ""]
        : ["The rollback restores the schema and keeps every row and value.", ""]),
      "```sql",
      r.migration.down.trimEnd(),
      "```",
      "",
    );
  }
  return lines.join("\n").replace(/\n+$/, "") + "\n";
}
