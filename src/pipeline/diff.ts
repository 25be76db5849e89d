/**
 * `contractor diff` as a library call: two designs (files, or a build's `design.json`) → the
 * evolution report, its Markdown (`CHANGES.md`), and a verdict for CI. Breaking API changes and
 * destructive schema changes fail the verdict unless allowed.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { NDesign } from "../design/normalize.ts";
import { hasErrors, type Diagnostic } from "../design/diagnostics.ts";
import type { MigrationFormat } from "../core/artifact.ts";
import { validate } from "./build.ts";
import { designFileKind, LOCK_FILE, readDesignFile, type Lock } from "../../generators/migrations/history.ts";
import { nextMigration } from "../../generators/migrations/derive.ts";
import { compareDesigns, renderChanges, reportJson, type EvolutionReport } from "../../generators/evolution/report.ts";

export interface DiffOptions {
  allowDestructive?: boolean;
  allowBreaking?: boolean;
  migrationsFormat?: MigrationFormat;
  maxBytes?: number;
}

export interface DiffResult {
  /** False on invalid designs, planning errors, and unallowed breaking or destructive changes. */
  ok: boolean;
  report?: EvolutionReport;
  markdown?: string;
  /** Design diagnostics of either input, then the report's findings. */
  diagnostics: Diagnostic[];
  breaking: number;
  destructive: number;
  /** The machine-readable report (`contractor diff --json`): the report with the verdict, or the diagnostics. */
  json: unknown;
}

/**
 * A build's `design.json` (or `design.released.json`) is read as history.ts reads it: validated and
 * normalised again, or a format-1 normalised model as it is. Any other file goes through load + validate.
 */
async function loadDesign(
  file: string,
  maxBytes?: number,
): Promise<{ design?: NDesign; diagnostics: Diagnostic[]; nextVersion: number }> {
  if (file.endsWith(".json")) {
    let text: string | undefined;
    try {
      text = await readFile(file, "utf8");
    } catch {
      // unreadable here: load + validate below reports it
    }
    const kind = text === undefined ? undefined : designFileKind(text);
    if (text !== undefined && kind) {
      const read = readDesignFile(text, file);
      if (!read.design) return { diagnostics: read.diagnostics, nextVersion: 2 };
      let nextVersion = 2;
      try {
        const lock = JSON.parse(await readFile(join(dirname(file), LOCK_FILE), "utf8")) as Lock;
        // After the last released migration: an open one is regenerated, not appended to.
        nextVersion = (lock.released ?? lock.migrations.reduce((n, m) => Math.max(n, m.version), 0)) + 1;
      } catch {
        // no lock beside it: number the migration as the second one
      }
      return { design: read.design, diagnostics: [], nextVersion };
    }
  }
  const r = await validate({ file }, maxBytes !== undefined ? { maxBytes } : {});
  return { ...(r.design ? { design: r.design } : {}), diagnostics: r.diagnostics, nextVersion: 2 };
}

/** Compares two design files (see the module comment); never throws for a user's input. */
export async function diff(oldFile: string, newFile: string, options: DiffOptions = {}): Promise<DiffResult> {
  const [a, b] = await Promise.all([loadDesign(oldFile, options.maxBytes), loadDesign(newFile, options.maxBytes)]);
  const loadDiagnostics = [...a.diagnostics, ...b.diagnostics];
  if (!a.design || !b.design || hasErrors(loadDiagnostics))
    return {
      ok: false,
      diagnostics: loadDiagnostics,
      breaking: 0,
      destructive: 0,
      json: { ok: false, diagnostics: loadDiagnostics },
    };
  const allowDestructive = options.allowDestructive ?? false;
  const report = compareDesigns(a.design, b.design, { allowDestructive });
  const next = nextMigration(a.design, b.design, a.nextVersion, {
    engine: false,
    migrationsFormat: options.migrationsFormat ?? "golang-migrate",
    render: false,
    allowDestructive,
  });
  if (next.migration) {
    report.migration = {
      name: next.migration.name,
      files: next.migration.files.map((f) => f.path),
      up: next.migration.up.map((s) => `${s};`).join("\n"),
      down: next.migration.down.map((s) => `${s};`).join("\n"),
    };
  }
  report.diagnostics.push(...next.diagnostics);
  const breaking = report.api.filter((c) => c.breaking).length;
  const destructive = report.destructive.length;
  const diagnostics = [...loadDiagnostics, ...report.destructive, ...report.diagnostics];
  const ok = !hasErrors(diagnostics) && (breaking === 0 || (options.allowBreaking ?? false));
  return {
    ok,
    report,
    markdown: renderChanges(report),
    diagnostics,
    breaking,
    destructive,
    json: reportJson(report, { ok }),
  };
}
