/**
 * TypeScript step: emitting and type-checking our `types.ts` against openapi-typescript on the
 * same `openapi.yaml` (YAML parse + openapiTS + astToString), for the bundled example and a
 * generated 300-entity design. openapi-typescript's output is also put through the same strict
 * compiler check, so "emit + check" compares like with like. The checker's lib files are warmed
 * once first (they are parsed once per process). Medians of several runs.
 * Run alone: `npx node bench/typescript.ts`.
 */
import openapiTS, { astToString } from "openapi-typescript";
import { parse } from "yaml";
import { openapiArtifact } from "../generators/openapi/index.ts";
import { generateTypeScript, TYPES_FILE } from "../generators/typescript/index.ts";
import { buildModel } from "../generators/typescript/model.ts";
import { emitTypes } from "../generators/typescript/emit-types.ts";
import { typeCheck } from "../generators/typescript/check.ts";
import { loadFixture, largeFixture, contextFor } from "../fixtures/load.ts";
import type { NDesign } from "../src/design/normalize.ts";
import type { GeneratedFile } from "../src/core/artifact.ts";
import { fmt, time, isMain } from "./util.ts";

function mustBeClean(files: readonly GeneratedFile[], who: string): void {
  const found = typeCheck(files);
  if (found.length) throw new Error(`${who}: ${found.length} diagnostics, first ${JSON.stringify(found[0])}`);
}

async function subject(label: string, design: NDesign, runs: number): Promise<Record<string, number>> {
  const out = openapiArtifact.generate(contextFor(design));
  const yamlText = (Array.isArray(out) ? out : out.files).find((f) => f.path === "openapi.yaml")!.contents;
  const theirs = async () => astToString(await openapiTS(parse(yamlText) as never, { defaultNonNullable: false }));
  const ours = () => emitTypes(buildModel(design));

  const oursText = ours();
  const theirsText = await theirs();
  mustBeClean([{ path: TYPES_FILE, contents: oursText }], "warm-up"); // parses the lib files once

  const oursEmitMs = await time(ours, runs);
  const oursStepMs = await time(() => mustBeClean([{ path: TYPES_FILE, contents: ours() }], "ours"), runs);
  const theirsEmitMs = await time(theirs, runs);
  const theirsStepMs = await time(
    async () => mustBeClean([{ path: "openapi.ts", contents: await theirs() }], "openapi-typescript"),
    runs,
  );
  const artifactMs = await time(() => mustBeClean(generateTypeScript(design).files, "types.ts + client.ts"), runs);

  const lines = (t: string) => t.split("\n").length;
  console.log(
    `${label}: types.ts ${lines(oursText)} lines, openapi-typescript ${lines(theirsText)} lines (from ${(yamlText.length / 1024).toFixed(0)} KiB of YAML)`,
  );
  console.log(
    `    emit          ours ${fmt(oursEmitMs).padStart(9)}   openapi-typescript ${fmt(theirsEmitMs).padStart(9)}   ratio ${(oursEmitMs / theirsEmitMs).toFixed(2)}x`,
  );
  console.log(
    `    emit + check  ours ${fmt(oursStepMs).padStart(9)}   openapi-typescript ${fmt(theirsStepMs).padStart(9)}   ratio ${(oursStepMs / theirsStepMs).toFixed(2)}x`,
  );
  console.log(`    whole artifact (types.ts + client.ts, emit + check) ${fmt(artifactMs)}`);
  return {
    [`${label}.oursEmitMs`]: oursEmitMs,
    [`${label}.openapiTypescriptEmitMs`]: theirsEmitMs,
    [`${label}.emitRatio`]: oursEmitMs / theirsEmitMs,
    [`${label}.oursEmitCheckMs`]: oursStepMs,
    [`${label}.openapiTypescriptEmitCheckMs`]: theirsStepMs,
    [`${label}.emitCheckRatio`]: oursStepMs / theirsStepMs,
    [`${label}.artifactMs`]: artifactMs,
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
