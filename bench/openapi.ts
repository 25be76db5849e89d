/**
 * OpenAPI step: our whole step (generate + check: swagger-parser validate + own lint) against
 * swagger-parser validation alone on the same YAML (parsed as swagger-parser parses files), for
 * the bundled example and a generated 300-entity design. Medians of several runs.
 * Run alone: `npx node bench/openapi.ts`.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import jsYaml from "js-yaml";
import { openapiArtifact } from "../generators/openapi/index.ts";
import { loadFixture, largeFixture, contextFor } from "../fixtures/load.ts";
import type { NDesign } from "../src/design/normalize.ts";
import type { GeneratedFile } from "../src/core/artifact.ts";
import { fmt, time, isMain } from "./util.ts";

async function subject(label: string, design: NDesign, runs: number): Promise<Record<string, number>> {
  const ctx = contextFor(design);
  const files = (): GeneratedFile[] => {
    const out = openapiArtifact.generate(ctx);
    return Array.isArray(out) ? out : out.files;
  };
  const text = files()[0]!.contents;
  const generateMs = await time(files, runs);
  const stepMs = await time(async () => {
    const own = files();
    const diags = await openapiArtifact.check!(own, { ...ctx, files: own, note: () => {} });
    if (diags.length) throw new Error(`openapi check failed: ${JSON.stringify(diags.slice(0, 3))}`);
  }, runs);
  const swaggerMs = await time(
    () => SwaggerParser.validate(jsYaml.load(text, { schema: jsYaml.JSON_SCHEMA }) as never),
    runs,
  );
  const ratio = stepMs / swaggerMs;
  console.log(`${label}: ${(text.length / 1024).toFixed(0)} KiB of YAML`);
  console.log(`    generate                    ${fmt(generateMs)}`);
  console.log(`    our step (generate + check) ${fmt(stepMs)}`);
  console.log(`    swagger-parser validate     ${fmt(swaggerMs)} (parse + validate only)`);
  console.log(`    ratio step / swagger-parser ${ratio.toFixed(2)}x`);
  return {
    [`${label}.generateMs`]: generateMs,
    [`${label}.stepMs`]: stepMs,
    [`${label}.swaggerParserMs`]: swaggerMs,
    [`${label}.ratio`]: ratio,
  };
}

export async function run(): Promise<Record<string, number>> {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  return {
    ...(await subject("listly", await loadFixture("listly"), runs)),
    ...(await subject("large300", largeFixture(300), Math.min(runs, 3))),
  };
}

if (isMain(import.meta.url)) await run();
