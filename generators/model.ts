/**
 * The model of a build: everything the artifacts serialise, derived once from the design on the
 * main thread before any artifact generates. Each artifact writes its part: openapi.yaml the
 * document object, types.ts and client.ts the TypeScript model, the .mmd files the diagram
 * sources, DESIGN.md the design document (whose blocks show the other parts, never another
 * artifact's output), index.html that document and the OpenAPI document.
 * Plain data, so it crosses to a worker thread by structured clone unchanged.
 *
 * The artifact folders import this file's types; what it imports (the derivations) imports
 * nothing of theirs, so no import cycle runs through it.
 */
import type { OpenAPIV3 } from "openapi-types";
import type { ArtifactContext, GeneratedFile, MigrationFormat } from "../src/pipeline/artifact.ts";
import { buildDocument } from "./openapi/document.ts";
import { buildModel, type TsModel } from "./typescript/model.ts";
import { diagramSources, type DiagramSources } from "./mermaid/sources.ts";
import { designBlocks } from "./markdown/blocks.ts";
import type { Block } from "./markdown/document.ts";
import { siblingsOf } from "./markdown/siblings.ts";
import { evolutionArtifact } from "./evolution/index.ts";
import { migrationFileName } from "./sql/format.ts";

/** A migration as its up file and, in formats that have one, its down file. */
export interface MigrationPair {
  up: GeneratedFile;
  down?: GeneratedFile;
}

/** What DESIGN.md and the page need of the migrations and the evolution report. */
interface MigrationsPart {
  /** Paths of the files the evolution artifact writes (`design.json`, `CHANGES.md`), which DESIGN.md links. */
  paths: string[];
  /** The newest migration among those files, which DESIGN.md embeds. */
  newest?: MigrationPair;
}

export interface Model {
  /** The OpenAPI 3.0.3 document that openapi.yaml serialises. */
  openapi: OpenAPIV3.Document;
  /** The TypeScript view of the API that types.ts and client.ts are emitted from. */
  typescript: TsModel;
  /** The Mermaid source of every diagram. */
  diagrams: DiagramSources;
  migrations: MigrationsPart;
  /** The design document: DESIGN.md serialises it, index.html renders it. */
  document: Block[];
}

/** What the artifacts that read the model get: the build's context and its model. */
export type ModelContext = ArtifactContext & { readonly model: Model };

/**
 * Derives the model of a build from its context; pure. The context carries the input design
 * (`ctx.input`, which design.json records), as the build's does.
 */
export function deriveModel(ctx: ArtifactContext): Model {
  const parts = {
    openapi: buildDocument(ctx.design),
    typescript: buildModel(ctx.design),
    diagrams: diagramSources(ctx.design),
    migrations: migrationsPart(ctx),
  };
  return { ...parts, document: designBlocks(ctx, siblingsOf(parts)) };
}

/** The migrations part, from the files the evolution artifact writes for this context. */
function migrationsPart(ctx: ArtifactContext): MigrationsPart {
  const out = evolutionArtifact.generate(ctx);
  const files = Array.isArray(out) ? out : out.files;
  const newest = latestMigration(files, ctx.options.migrationsFormat);
  return { paths: files.map((f) => f.path), ...(newest ? { newest } : {}) };
}

/** The newest migration among the files, by the naming of `format` (the SQL module's `migrationFileName`). */
export function latestMigration(files: readonly GeneratedFile[], format: MigrationFormat): MigrationPair | undefined {
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
