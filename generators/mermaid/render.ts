/**
 * Rendering diagrams to SVG with mermaid's own browser bundle (the one the review page ships) in
 * ONE headless Chrome or Chromium launched for all diagrams of a build, driven by puppeteer-core:
 * contractor never downloads a browser, it uses the one installed. Puppeteer is imported only
 * when rendering is asked for. Each diagram renders in a fresh page with every network request
 * refused, as `mermaid.render` into a container, serialised with `XMLSerializer` (the SVG may
 * hold HTML labels that are not XML as parsed).
 *
 * SVGs are deterministic: mermaid draws ER boxes with rough.js, whose random seed is pinned
 * (`handDrawnSeed: 1`), and the SVG id is the diagram's file name, not a random one.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import type { Diagnostic } from "../../src/design/diagnostics.ts";
import type { GeneratedFile } from "../../src/core/artifact.ts";
import { mermaidDiag } from "./codes.ts";

/** Launch flags: no sandbox (root in containers and CI), nothing that phones home. */
export const BROWSER_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
] as const;

/** Installed Chromes looked for after PUPPETEER_EXECUTABLE_PATH, in order. */
export const SYSTEM_BROWSERS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/google-chrome",
  "/opt/google/chrome/chrome",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
] as const;

export const NO_BROWSER_HINT =
  "install one (`apt-get install chromium`) or set PUPPETEER_EXECUTABLE_PATH to a Chrome or Chromium binary";

export interface BrowserChoice {
  path: string;
  /** Where it came from: `PUPPETEER_EXECUTABLE_PATH`, `system` or `puppeteer`. */
  source: string;
}

/**
 * The browser to render with: PUPPETEER_EXECUTABLE_PATH, else an installed Chromium or Chrome,
 * else puppeteer's own download (when present). `undefined` when there is none.
 */
export function findBrowser(
  env: Readonly<Record<string, string | undefined>>,
  puppeteerOwn: string | undefined,
  exists: (path: string) => boolean = existsSync,
): BrowserChoice | undefined {
  const fromEnv = env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv && exists(fromEnv)) return { path: fromEnv, source: "PUPPETEER_EXECUTABLE_PATH" };
  const system = SYSTEM_BROWSERS.find((p) => exists(p));
  if (system) return { path: system, source: "system" };
  if (puppeteerOwn && exists(puppeteerOwn)) return { path: puppeteerOwn, source: "puppeteer" };
  return undefined;
}

/**
 * The browser of the full `puppeteer` package (its download cache), when the user installed that
 * package beside contractor; contractor itself depends only on puppeteer-core, which downloads nothing.
 */
export async function puppeteerBrowserPath(): Promise<string | undefined> {
  try {
    const { default: puppeteer } = await import("puppeteer");
    return puppeteer.executablePath();
  } catch {
    return undefined;
  }
}

/** The Mermaid configuration used for every render. */
export const RENDER_CONFIG = {
  handDrawnSeed: 1,
  securityLevel: "strict",
  // Generated ERDs of large designs exceed the defaults (50 000 characters, 500 edges).
  maxTextSize: 50_000_000,
  maxEdges: 100_000,
} as const;

/** Pages rendering at once in the one browser. */
const PAGES = 2;

export interface RenderOutcome {
  files: GeneratedFile[];
  diagnostics: Diagnostic[];
  /** A short account for the progress line. */
  note: string;
}

/**
 * Renders each `.mmd` file to an `.svg` beside it, in one browser at `browser`. A browser that
 * will not start yields one warning (the `.mmd` files stay valid); a diagram that will not
 * render is an error naming its file.
 */
export async function renderDiagrams(
  own: readonly GeneratedFile[],
  browser: BrowserChoice | undefined,
): Promise<RenderOutcome> {
  const diagrams = own.filter((f) => f.path.endsWith(".mmd"));
  if (!browser) {
    return {
      files: [],
      diagnostics: [
        mermaidDiag(
          "mermaid-no-browser",
          `--render found no browser, so no SVG was written: ${NO_BROWSER_HINT}`,
          diagrams[0]?.path ?? "diagrams",
        ),
      ],
      note: "no browser: SVGs skipped",
    };
  }
  const { default: puppeteer } = await import("puppeteer-core");
  const bundle = await readFile(createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js"), "utf8");
  const userDataDir = await mkdtemp(join(tmpdir(), "contractor-chromium-"));
  let instance: Awaited<ReturnType<typeof puppeteer.launch>> | undefined;
  try {
    try {
      instance = await puppeteer.launch({
        executablePath: browser.path,
        headless: true,
        userDataDir,
        args: [...BROWSER_ARGS],
      });
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
      return {
        files: [],
        diagnostics: [
          mermaidDiag(
            "mermaid-browser-failed",
            `--render could not start ${browser.path} (${reason}), so no SVG was written: ${NO_BROWSER_HINT}`,
            diagrams[0]?.path ?? "diagrams",
          ),
        ],
        note: "browser failed to start: SVGs skipped",
      };
    }
    const browserInstance = instance;
    // Loading mermaid's bundle costs far more than a render, so each page loads it once and renders
    // a share of the diagrams (page k takes every PAGES-th from k). A diagram's SVG does not depend
    // on what its page rendered before (render.test.ts checks a batch against single renders).
    const results: Array<GeneratedFile | Diagnostic> = new Array(diagrams.length);
    const pages = Math.min(PAGES, diagrams.length);
    const renderShare = async (k: number) => {
      const page = await openRenderPage(browserInstance, bundle);
      try {
        for (let i = k; i < diagrams.length; i += pages) {
          const d = diagrams[i]!;
          try {
            const svg = (await renderInPage(page, d.contents, posix.basename(d.path, ".mmd"))).replace(/\r\n?/g, "\n");
            results[i] = { path: d.path.replace(/\.mmd$/, ".svg"), contents: svg.endsWith("\n") ? svg : svg + "\n" };
          } catch (error) {
            const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
            results[i] = mermaidDiag(
              "mermaid-render-failed",
              `mermaid could not render the diagram: ${reason}`,
              d.path,
            );
          }
        }
      } finally {
        await page.close().catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: pages }, (_, k) => renderShare(k)));
    const files = results.filter((r): r is GeneratedFile => "contents" in r);
    const diagnostics = results.filter((r): r is Diagnostic => "code" in r);
    return {
      files,
      diagnostics,
      note: `${files.length} SVG${files.length === 1 ? "" : "s"} rendered in one browser (${browser.path})`,
    };
  } finally {
    await instance?.close().catch(() => undefined);
    await rm(userDataDir, { recursive: true, force: true });
  }
}

type PuppeteerBrowser = Awaited<ReturnType<typeof import("puppeteer-core")["default"]["launch"]>>;

type PuppeteerPage = Awaited<ReturnType<PuppeteerBrowser["newPage"]>>;

/** A page of `browser` with mermaid's bundle (its source text) loaded; it requests nothing from the network. */
async function openRenderPage(browser: PuppeteerBrowser, bundle: string): Promise<PuppeteerPage> {
  const page = await browser.newPage();
  try {
    await page.setRequestInterception(true);
    page.on("request", (r) => void (/^(data|about|blob):/.test(r.url()) ? r.continue() : r.abort()));
    await page.setContent('<!doctype html><html><body><div id="container"></div></body></html>');
    // Evaluated in the page (it defines the global `mermaid`): markedly faster to load than a script
    // tag holding the same 3.5 MB.
    await page.evaluate(bundle);
    return page;
  } catch (error) {
    await page.close().catch(() => undefined);
    throw error;
  }
}

/** One diagram to SVG text in `page` (see openRenderPage); the container is emptied first. */
async function renderInPage(page: PuppeteerPage, definition: string, svgId: string): Promise<string> {
  return await page.$eval(
    "#container",
    async (container, { definition, svgId, config }) => {
      const mermaid = (
        globalThis as unknown as {
          mermaid: {
            initialize(c: object): void;
            render(id: string, text: string, el: Element): Promise<{ svg: string }>;
          };
        }
      ).mermaid;
      await document.fonts.ready;
      container.replaceChildren();
      mermaid.initialize({ startOnLoad: false, ...config });
      const { svg } = await mermaid.render(svgId, definition, container);
      container.innerHTML = svg;
      const el = container.getElementsByTagName("svg")[0]!;
      el.style.backgroundColor = "white";
      return new XMLSerializer().serializeToString(el);
    },
    { definition, svgId, config: RENDER_CONFIG },
  );
}
