/**
 * The migration chain equals the design. Every migration of the out dir applied in order on the
 * engine must give the catalog that the design's own fresh migration (what `0001` would be for a
 * new project, `planInitialMigration`) gives on an empty schema. The lock file proves that no
 * earlier migration changed since it was written; this proves what they add up to, so an edited
 * `0001` is caught even when its lock hash was updated with it.
 *
 * On a first build the only migration is the fresh one, and a history of one migration whose files
 * are byte for byte the fresh ones adds up to it by construction: no comparison then. Otherwise it
 * runs in the round trip's session (round-trip.ts `engineCheck`), which ends with the chain
 * applied: a snapshot, the schema emptied, the fresh migration, a snapshot.
 */
import type { ArtifactContext, GeneratedFile } from "../../src/core/artifact.ts";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import { migrationFiles, readMigrations, toSql, type ReadMigration } from "./format.ts";
import { planInitialMigration } from "./initial-plan.ts";
import { applyScript, type Engine } from "./engine.ts";
import type { Catalog } from "./catalog.ts";
import { markSql } from "./throwaway.ts";
import { LOCK_FILE, readHistory } from "./history.ts";
import { compareSnapshots, snapshot, type AfterRoundTrip } from "./round-trip.ts";
import { migrationDiag } from "./codes.ts";

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The design's fresh migration files, as the SQL artifact writes them on a first build. */
function freshFiles(ctx: ArtifactContext): GeneratedFile[] {
  const plan = planInitialMigration(ctx.design);
  const slug = ctx.design.info.name;
  return migrationFiles({ version: 1, slug, up: toSql(plan.up), down: toSql(plan.down) }, ctx.options.migrationsFormat);
}

/**
 * Leaves out what two equal schemas may still name differently: the NOT NULL constraints that
 * PostgreSQL 18 catalogues under a name taken from the table as first created (a renamed table
 * keeps its old one). The columns' own NOT NULL stays compared.
 */
function comparable(c: Catalog): Catalog {
  return new Map([...c].filter(([k, v]) => !(k.startsWith("constraint ") && v.startsWith("NOT NULL "))));
}

/** The first up file (in chain order) that names every identifier of `object`, else the last one. */
function locate(object: string, chain: readonly ReadMigration[], files: readonly GeneratedFile[]): string {
  const names = [...object.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => `"${m[1]}"`);
  const text = new Map(files.map((f) => [f.path, f.contents]));
  const found = chain.find((m) => names.every((n) => text.get(m.up.file)?.includes(n)));
  return `${(found ?? chain.at(-1)!).up.file}:1`;
}

/**
 * The diagnostic for two snapshots of the same schema: `chain` (the migrations applied in order)
 * against `fresh` (the design's fresh migration). It names the first differing object.
 */
export function chainDifferences(
  chain: Catalog,
  fresh: Catalog,
  migrations: readonly ReadMigration[],
  files: readonly GeneratedFile[],
): Diagnostic[] {
  const lines = compareSnapshots(comparable(fresh), comparable(chain));
  if (lines.length === 0) return [];
  const first = lines[0]!;
  const object = first.replace(/ (differs: .*|is missing|is left over)$/s, "");
  const more = lines.length > 1 ? ` (and ${lines.length - 1} more difference${lines.length > 2 ? "s" : ""})` : "";
  return [
    migrationDiag(
      "migration-chain-differs",
      `the migrations applied in order do not give the schema of the design: ${first} (migrations ≠ design)${more}. An earlier migration was changed by hand; restore it from version control`,
      locate(object, migrations, files),
    ),
  ];
}

/** Whether the chain is the design's fresh migration by construction (see the module comment). */
function byConstruction(
  ctx: ArtifactContext,
  chain: readonly ReadMigration[],
  files: readonly GeneratedFile[],
): boolean {
  if (!readHistory(ctx.previous, ctx.options.migrationsFormat)) return true;
  if (chain.length !== 1) return false;
  const own = files.filter((f) => f.path.startsWith("migrations/") && f.path !== LOCK_FILE);
  const fresh = freshFiles(ctx);
  return (
    own.length === fresh.length && fresh.every((f) => own.some((o) => o.path === f.path && o.contents === f.contents))
  );
}

/**
 * The comparison of the chain of `files` with the design, to run on a schema holding the chain
 * applied in order (the end of a round trip); undefined when the chain is the design's fresh
 * migration by construction.
 */
export function chainComparison(files: readonly GeneratedFile[], ctx: ArtifactContext): AfterRoundTrip | undefined {
  const chain = readMigrations(files, ctx.options.migrationsFormat);
  if (chain.length === 0 || byConstruction(ctx, chain, files)) return undefined;
  const [fresh] = readMigrations(freshFiles(ctx), ctx.options.migrationsFormat);
  return async (engine: Engine, schema: string): Promise<Diagnostic[]> => {
    const applied = await snapshot(engine, schema);
    // The same schema name again: index definitions name the schema.
    await engine.exec(
      `DROP SCHEMA ${quote(schema)} CASCADE; CREATE SCHEMA ${quote(schema)}; ${markSql("SCHEMA", schema)}`,
    );
    const out: Diagnostic[] = [];
    if (!(await applyScript(engine, fresh!.up, out)))
      return out.map((d) => ({ ...d, message: `the design's fresh migration: ${d.message}` }));
    return chainDifferences(applied, await snapshot(engine, schema), chain, files);
  };
}
