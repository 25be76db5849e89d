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
import type { ArtifactContext, GeneratedFile } from "../src/core/artifact.ts";
import type { Diagnostic } from "../src/design/diagnostics.ts";
import { buildDocument } from "./openapi/document.ts";
import { buildModel, type TsModel } from "./typescript/model.ts";
import { diagramSources, type DiagramSources } from "./mermaid/sources.ts";
import { designBlocks } from "./markdown/blocks.ts";
import type { Block } from "./markdown/document.ts";
import { siblingsOf } from "./markdown/siblings.ts";
import { deriveMigrations, type Migrations } from "./migrations/derive.ts";
import { evolutionFiles } from "./evolution/output.ts";

/** A migration as its up file and, in formats that have one, its down file. */
interface MigrationPair {
  up: GeneratedFile;
  down?: GeneratedFile;
}

/** What DESIGN.md and the page need of the migrations and the evolution report. */
interface MigrationsPart {
  /** Paths of the files the evolution artifact writes (`design.json`, `CHANGES.md`), which DESIGN.md links. */
  paths: string[];
  /** The newest migration of the build, which DESIGN.md embeds. */
  newest?: MigrationPair;
}

export interface Model {
  /** The OpenAPI 3.0.3 document that openapi.yaml serialises. */
  openapi: OpenAPIV3.Document;
  /** The TypeScript view of the API that types.ts and client.ts are emitted from. */
  typescript: TsModel;
  /** The Mermaid source of every diagram. */
  diagrams: DiagramSources;
  /** The migrations and lock the SQL artifact writes, the change since the release and the open migration. */
  migrations: Migrations;
  /** What the evolution artifact writes (`design.json`, `CHANGES.md`) and the report's findings. */
  evolution: { files: GeneratedFile[]; diagnostics: Diagnostic[] };
  /** What DESIGN.md and the page link and embed of the migrations and the evolution report. */
  linked: MigrationsPart;
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
  const migrations = deriveMigrations(ctx);
  const evolution = evolutionFiles(ctx, migrations);
  const parts = {
    openapi: buildDocument(ctx.design),
    typescript: buildModel(ctx.design),
    diagrams: diagramSources(ctx.design),
  };
  const linked: MigrationsPart = {
    paths: evolution.files.map((f) => f.path),
    ...(migrations.newest
      ? { newest: { up: migrations.newest.up, ...(migrations.newest.down ? { down: migrations.newest.down } : {}) } }
      : {}),
  };
  return {
    ...parts,
    migrations,
    evolution,
    linked,
    document: designBlocks(ctx, siblingsOf({ ...parts, linked })),
  };
}
