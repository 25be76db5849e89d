/**
 * The review page's real consumer: headless Chromium opens index.html from disk with every
 * network request blocked, waits for the mermaid bundle to draw, and reports console errors,
 * diagrams left unrendered, ids missing, dialogs opened and Content-Security-Policy violations.
 * Used by the tests and, with `--render`, by the check.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { diagnosticsFor, type Diagnostic } from "../../src/design/diagnostics.ts";
import type { GeneratedFile } from "../../src/core/artifact.ts";
import { htmlCodes } from "./codes.ts";
import { BROWSER_ARGS, findBrowser, NO_BROWSER_HINT } from "../mermaid/render.ts";

const diag = diagnosticsFor(htmlCodes);

/** The browser to drive, found as `--render` finds one (PUPPETEER_EXECUTABLE_PATH, an installed Chromium or Chrome), else none. */
export function chromiumPath(): string | undefined {
  return findBrowser(process.env, undefined)?.path;
}

export interface PageReport {
  /** `data-diagrams` of the body once the script finished: rendered, failed or unavailable. */
  state: string;
  consoleErrors: string[];
  /** Requests that would have left the machine (blocked). */
  blockedRequests: string[];
  /** Every URL the page requested, blocked or not, in order. */
  requests: string[];
  /** Messages of the dialogs (alert, confirm, prompt, beforeunload) the page opened; each was dismissed. */
  dialogs: string[];
  /** Content-Security-Policy violations the page reported (`directive blockedURI`). */
  cspViolations: string[];
  /** Every console message, of any type. */
  console: string[];
  /** `document.title` once the diagrams were drawn. */
  title: string;
  /** `typeof` of each of the `globals` asked for, by name (`"undefined"` when unset). */
  globals: Record<string, string>;
  diagrams: number;
  svgDiagrams: number;
  ids: string[];
  text: string;
}

export interface OpenOptions {
  /** Save a PNG of the first screen here. */
  screenshot?: string;
  viewport?: { width: number; height: number };
  /** Names of window properties whose `typeof` to report once the diagrams were drawn (e.g. flags a payload would set). */
  globals?: string[];
}

/** Opens a page from disk in headless Chromium (fresh profile) and reports what a reader would see. */
export async function openPage(file: string, options: OpenOptions = {}): Promise<PageReport> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(`no Chrome or Chromium found: ${NO_BROWSER_HINT}`);
  const { default: puppeteer } = await import("puppeteer-core");
  const profile = await mkdtemp(join(tmpdir(), "contractor-chromium-"));
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    userDataDir: profile,
    args: [...BROWSER_ARGS],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport(options.viewport ?? { width: 1400, height: 900 });
    const consoleErrors: string[] = [];
    const blockedRequests: string[] = [];
    const requests: string[] = [];
    const dialogs: string[] = [];
    const messages: string[] = [];
    page.on("console", (m) => {
      messages.push(m.text());
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("dialog", (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    await page.evaluateOnNewDocument(() => {
      const seen: string[] = [];
      (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
      document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    page.on("pageerror", (e) => consoleErrors.push(e instanceof Error ? e.message : String(e)));
    await page.setRequestInterception(true);
    page.on("request", (r) => {
      requests.push(r.url());
      if (/^(file|data|blob|about):/.test(r.url())) void r.continue();
      else {
        blockedRequests.push(r.url());
        void r.abort();
      }
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    await page.waitForFunction(() => document.body.getAttribute("data-diagrams") !== "pending", { timeout: 120_000 });
    const globals = await page.evaluate(
      (names) => Object.fromEntries(names.map((n) => [n, typeof (window as unknown as Record<string, unknown>)[n]])),
      options.globals ?? [],
    );
    const report = await page.evaluate(() => ({
      state: document.body.getAttribute("data-diagrams") ?? "",
      diagrams: document.querySelectorAll("pre.mermaid").length,
      svgDiagrams: Array.from(document.querySelectorAll("pre.mermaid")).filter((p) => p.querySelector("svg")).length,
      ids: Array.from(document.querySelectorAll("[id]")).map((e) => e.id),
      text: document.body.innerText,
      title: document.title,
      cspViolations: [...(window as unknown as { __cspViolations: string[] }).__cspViolations],
    }));
    if (options.screenshot) {
      await mkdir(dirname(options.screenshot), { recursive: true });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: options.screenshot as `${string}.png` });
    }
    return { ...report, consoleErrors, blockedRequests, requests, dialogs, console: messages, globals };
  } finally {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/** Writes the build to a temp dir, opens `path` and turns what went wrong into diagnostics. */
export async function checkInBrowser(path: string, files: readonly GeneratedFile[]): Promise<Diagnostic[]> {
  const dir = await mkdtemp(join(tmpdir(), "contractor-page-"));
  try {
    for (const f of files) {
      await mkdir(dirname(join(dir, f.path)), { recursive: true });
      await writeFile(join(dir, f.path), f.contents);
    }
    const r = await openPage(join(dir, path));
    const out: Diagnostic[] = [];
    for (const e of r.consoleErrors) out.push(diag("html-render-failed", `console error: ${e}`, `${path}:1`));
    for (const u of r.blockedRequests)
      out.push(diag("html-external-reference", `the page requested ${u}`, `${path}:1`));
    for (const v of r.cspViolations)
      out.push(diag("html-script-not-allowed", `the Content-Security-Policy blocked ${v}`, `${path}:1`));
    for (const d of r.dialogs)
      out.push(diag("html-script-not-allowed", `the page opened a dialog (${d})`, `${path}:1`));
    if (r.svgDiagrams !== r.diagrams)
      out.push(
        diag(
          "html-render-failed",
          `${r.diagrams - r.svgDiagrams} of ${r.diagrams} diagrams were not drawn (state ${r.state})`,
          `${path}:1`,
        ),
      );
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
