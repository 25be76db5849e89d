/**
 * The one registry of diagnostic codes: every code table of the project, merged. A test checks
 * that codes are unique across tables, documented, and produced by at least one test.
 */
import type { CodeDoc } from "../design/diagnostics.ts";
import { designCodes } from "../design/codes.ts";
import { pipelineCodes } from "../pipeline/codes.ts";
import { openapiCodes } from "../../generators/openapi/codes.ts";
import { mermaidCodes } from "../../generators/mermaid/codes.ts";
import { agentCodes } from "../agent/codes.ts";
import { markdownCodes } from "../../generators/markdown/codes.ts";
import { htmlCodes } from "../../generators/html/codes.ts";
import { typescriptCodes } from "../../generators/typescript/codes.ts";
import { evolutionCodes } from "../../generators/evolution/codes.ts";
import { migrationCodes } from "../../generators/migrations/codes.ts";
import { cliCodes } from "../cli/codes.ts";
import { importCodes } from "../import/codes.ts";

export const codeTables: Record<string, Record<string, CodeDoc>> = {
  design: designCodes,
  pipeline: pipelineCodes,
  openapi: openapiCodes,
  mermaid: mermaidCodes,
  agent: agentCodes,
  markdown: markdownCodes,
  html: htmlCodes,
  typescript: typescriptCodes,
  evolution: evolutionCodes,
  sql: migrationCodes,
  cli: cliCodes,
  import: importCodes,
};

export const registry: Record<string, CodeDoc & { table: string }> = Object.fromEntries(
  Object.entries(codeTables).flatMap(([table, codes]) =>
    Object.entries(codes).map(([code, doc]) => [code, { ...doc, table }]),
  ),
);
