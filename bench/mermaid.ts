/**
 * Mermaid rendering: every diagram of the bundled example rendered to SVG in ONE browser
 * (what `contractor build --render` does: mermaid's bundle in pages of one puppeteer-core launch) against
 * running the `mmdc` command once per diagram (a browser launch and a Node start each), with
 * the same browser, flags and Mermaid config. Also the in-process `mermaid.parse` check.
 * Run alone: `npx node bench/mermaid.ts`.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadFixture } from "../fixtures/load.ts";
import { generateDiagrams, checkDiagrams } from "../generators/mermaid/index.ts";
import { fmt, timed, isMain } from "./util.ts";
import {
  BROWSER_ARGS,
  RENDER_CONFIG,
  findBrowser,
  puppeteerBrowserPath,
  renderDiagrams,
} from "../generators/mermaid/render.ts";

const mmdc = fileURLToPath(new URL("../node_modules/@mermaid-js/mermaid-cli/src/cli.js", import.meta.url));

export async function run(): Promise<Record<string, number>> {
  const files = generateDiagrams(await loadFixture("listly"));
  const browser = findBrowser(process.env, await puppeteerBrowserPath());
  const parse = await timed(() => checkDiagrams(files));
  console.log(
    `bundled example: ${files.length} diagrams; mermaid.parse of all, in-process (first call imports mermaid): ${fmt(parse.ms)}`,
  );
  if (!browser) {
    console.log("rendering skipped: no browser (apt-get install chromium, or set PUPPETEER_EXECUTABLE_PATH)");
    return { diagrams: files.length, parseAllMs: parse.ms };
  }
  const parseWarm = await timed(() => checkDiagrams(files));
  console.log(`  mermaid.parse of all again (warm): ${fmt(parseWarm.ms)}`);

  const one = await timed(() => renderDiagrams(files, browser));
  if (one.value.diagnostics.length > 0) throw new Error(`render failed: ${JSON.stringify(one.value.diagnostics)}`);

  const dir = await mkdtemp(join(tmpdir(), "contractor-bench-mmdc-"));
  let perDiagram: number;
  try {
    const puppeteerConfig = join(dir, "puppeteer.json");
    const mermaidConfig = join(dir, "mermaid.json");
    await writeFile(
      puppeteerConfig,
      JSON.stringify({ executablePath: browser.path, headless: true, args: BROWSER_ARGS }),
    );
    await writeFile(mermaidConfig, JSON.stringify(RENDER_CONFIG));
    const inputs: string[] = [];
    for (const f of files) {
      const p = join(dir, f.path.replace(/^diagrams\//, ""));
      await writeFile(p, f.contents);
      inputs.push(p);
    }
    perDiagram = (
      await timed(() => {
        for (const input of inputs) {
          execFileSync(
            process.execPath,
            [
              mmdc,
              "-q",
              "-i",
              input,
              "-o",
              input.replace(/\.mmd$/, ".svg"),
              "-p",
              puppeteerConfig,
              "-c",
              mermaidConfig,
            ],
            { stdio: ["ignore", "ignore", "inherit"] },
          );
        }
      })
    ).ms;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const ratio = perDiagram / one.ms;
  console.log(`render all ${files.length} diagrams in one browser (renderMermaid): ${fmt(one.ms)}`);
  console.log(
    `mmdc once per diagram (${files.length} processes, ${files.length} browser launches): ${fmt(perDiagram)}`,
  );
  console.log(`ratio: mmdc per diagram / one browser = ${ratio.toFixed(2)}x`);
  return {
    diagrams: files.length,
    parseAllMs: parse.ms,
    parseWarmMs: parseWarm.ms,
    oneBrowserMs: one.ms,
    mmdcPerDiagramMs: perDiagram,
    ratio,
  };
}

if (isMain(import.meta.url)) await run();
