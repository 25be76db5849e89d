/**
 * What the sibling generators produce for a design, gathered by calling their pure exported
 * functions with the same context (never a second copy of their logic). Memoised per design
 * object and options, so DESIGN.md and index.html share one computation per build.
 */
import { ts } from "ts-morph";
import type { ArtifactContext, Artifact, GeneratedFile, MigrationFormat } from "../../src/pipeline/artifact.ts";
import { openapiArtifact } from "../openapi/index.ts";
import { mermaidArtifact, architectureDiagram, erdDiagram, authFlowDiagram } from "../mermaid/index.ts";
import { typescriptArtifact } from "../typescript/index.ts";
import { evolutionArtifact } from "../evolution/index.ts";
import { buildModel, pageName } from "../typescript/model.ts";
import { emitTypes } from "../typescript/emit-types.ts";
import type { Siblings } from "./sections.ts";
import { migrationFileName } from "../migrations/format.ts";

/** Artifacts whose files DESIGN.md and index.html link to. */
const LINKED: readonly Artifact[] = [openapiArtifact, mermaidArtifact, typescriptArtifact, evolutionArtifact];

const cache = new WeakMap<object, Map<string, Siblings>>();

export function siblingsFor(ctx: ArtifactContext): Siblings {
  const key = JSON.stringify(ctx.options);
  let byOptions = cache.get(ctx.design);
  if (!byOptions) cache.set(ctx.design, (byOptions = new Map()));
  const hit = byOptions.get(key);
  if (hit) return hit;
  const siblings = computeSiblings(ctx);
  byOptions.set(key, siblings);
  return siblings;
}

function filesOf(artifact: Artifact, ctx: ArtifactContext): GeneratedFile[] {
  const out = artifact.generate(ctx);
  return Array.isArray(out) ? out : out.files;
}

/**
 * The interfaces of the request and response bodies, exactly as types.ts declares them: the
 * TypeScript generator emits them and the TypeScript parser cuts out those declarations.
 */
export function shapeDeclarations(ctx: ArtifactContext): string | undefined {
  const model = buildModel(ctx.design);
  const wanted = new Set<string>();
  for (const e of model.endpoints) {
    if (e.body) wanted.add(e.body);
    if (e.response) wanted.add(e.paginated ? pageName(e.response) : e.response);
  }
  const schemas = model.schemas.filter((s) => wanted.has(s.name));
  if (schemas.length === 0) return undefined;
  const text = emitTypes({ ...model, schemas, endpoints: [] });
  const source = ts.createSourceFile("types.ts", text, ts.ScriptTarget.ES2022, /* setParentNodes */ true);
  const decls = source.statements.filter(
    (s): s is ts.InterfaceDeclaration | ts.TypeAliasDeclaration =>
      (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && wanted.has(s.name.text),
  );
  return decls.map((d) => d.getFullText(source).replace(/^\s+/, "")).join("\n\n") + "\n";
}

/** The newest migration among the files, by the naming of `format` (the SQL module's `migrationFileName`). */
export function latestMigration(files: readonly GeneratedFile[], format: MigrationFormat): Siblings["migration"] {
  const byVersion = new Map<number, { up?: GeneratedFile; down?: GeneratedFile }>();
  for (const f of files) {
    const named = migrationFileName(f.path, format);
    if (!named) continue;
    const slot = byVersion.get(named.version) ?? {};
    slot[named.direction === "down" ? "down" : "up"] = f;
    byVersion.set(named.version, slot);
  }
  const newest = [...byVersion]
    .filter(([, s]) => s.up)
    .sort((a, b) => a[0] - b[0])
    .at(-1)?.[1];
  return newest?.up ? { up: newest.up, ...(newest.down ? { down: newest.down } : {}) } : undefined;
}

function computeSiblings(ctx: ArtifactContext): Siblings {
  const files = LINKED.flatMap((a) => filesOf(a, ctx));
  const shapes = shapeDeclarations(ctx);
  const migration = latestMigration(files, ctx.options.migrationsFormat);
  return {
    paths: new Set(files.map((f) => f.path)),
    diagrams: {
      architecture: architectureDiagram(ctx.design),
      erd: erdDiagram(ctx.design),
      auth: authFlowDiagram(ctx.design),
    },
    ...(shapes ? { shapes } : {}),
    ...(migration ? { migration } : {}),
  };
}
