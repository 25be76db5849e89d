/**
 * `contractor import openapi` on large specs, side by side with `tsp-openapi3` (OpenAPI → TypeSpec,
 * the tool a team would otherwise run to turn an existing spec into a source of truth), each a whole
 * process, on the same file, runs interleaved. The specs are contractor's own openapi.yaml of
 * generated designs (60 entities ≈ 300 operations, and 300 entities), so their size and shape are
 * known; both tools read the file, map every operation and schema and write their output.
 * Run alone: `npx node bench/import.ts [--quick]`.
 */
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { largeDesign } from "../fixtures/large.ts";
import { openapiArtifact } from "../generators/openapi/index.ts";
import { build } from "../src/pipeline/build.ts";
import { type ProcessRun, peakMb, runNode } from "./processes.ts";
import { fmt, isMain, median } from "./util.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin/contractor.js");

function tspOpenApi3(): string {
  let dir = dirname(fileURLToPath(import.meta.resolve("@typespec/openapi3")));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return join(dir, "cmd/tsp-openapi3.js");
}

interface Row {
  subject: string;
  bytes: number;
  operations: number;
  contractor: ProcessRun[];
  typeSpec: ProcessRun[];
}

/** contractor's openapi.yaml of a generated design of `entities` entities, written to `file`. */
async function specOf(entities: number, file: string): Promise<number> {
  // In memory (no out dir): only the spec is needed.
  const result = await build(
    { text: JSON.stringify(largeDesign(entities)), name: `large-${entities}.json` },
    { artifacts: [openapiArtifact] },
  );
  const spec = result.files.find((f) => f.path === "openapi.yaml");
  if (!spec) throw new Error(`no openapi.yaml for ${entities} entities: ${result.diagnostics[0]?.message}`);
  writeFileSync(file, spec.contents);
  const doc = parse(spec.contents) as { paths: Record<string, Record<string, unknown>> };
  return Object.values(doc.paths).reduce(
    (n, item) => n + Object.keys(item).filter((k) => k !== "parameters").length,
    0,
  );
}

export async function run(options: { quick?: boolean } = {}): Promise<Record<string, number>> {
  const runs = options.quick ? 2 : 3;
  const dir = await mkdtemp(join(tmpdir(), "contractor-bench-import-"));
  const convert = tspOpenApi3();
  const rows: Row[] = [];
  try {
    for (const entities of [60, 300]) {
      const spec = join(dir, `openapi-${entities}.yaml`);
      const operations = await specOf(entities, spec);
      const row: Row = {
        subject: `${entities} entities`,
        bytes: statSync(spec).size,
        operations,
        contractor: [],
        typeSpec: [],
      };
      for (let i = 0; i < runs; i++) {
        const design = join(dir, `imported-${entities}.yaml`);
        row.contractor.push(await runNode(["--liftoff-only", bin, "import", "openapi", spec, "--out", design]));
        const tspDir = join(dir, `tsp-${entities}`);
        mkdirSync(tspDir, { recursive: true });
        row.typeSpec.push(await runNode([convert, spec, "--output-dir", tspDir]));
        rmSync(tspDir, { recursive: true, force: true });
      }
      rows.push(row);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n## import openapi vs tsp-openapi3, whole processes (medians of ${runs})\n`);
  console.log(
    "| spec | size | operations | contractor import | tsp-openapi3 | ratio | contractor peak RSS | tsp-openapi3 peak RSS |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const c = median(r.contractor.map((x) => x.wallMs));
    const t = median(r.typeSpec.map((x) => x.wallMs));
    const mb = (xs: ProcessRun[]) => `${Math.round(median(xs.map(peakMb)))} MB`;
    console.log(
      `| ${r.subject} | ${(r.bytes / 1024 / 1024).toFixed(2)} MB | ${r.operations} | ${fmt(c)} | ${fmt(t)} | ${(c / t).toFixed(2)}x | ${mb(r.contractor)} | ${mb(r.typeSpec)} |`,
    );
  }
  const summary: Record<string, number> = {};
  for (const r of rows) {
    summary[`${r.subject}: operations`] = r.operations;
    summary[`${r.subject}: contractor import ms`] = median(r.contractor.map((x) => x.wallMs));
    summary[`${r.subject}: tsp-openapi3 ms`] = median(r.typeSpec.map((x) => x.wallMs));
  }
  return summary;
}

if (isMain(import.meta.url)) await run({ quick: process.argv.includes("--quick") });
