/**
 * The review page in its real consumer: Debian's headless Chromium opens out/index.html (built
 * into a temp dir from the bundled example) with the network blocked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../../src/pipeline/build.ts";
import { openPage, checkInBrowser, chromiumPath } from "../../../generators/html/browser.ts";
import { INDEX_HTML, htmlArtifact } from "../../../generators/html/index.ts";
import { contextFor, fixturePath, loadFixture, repoRoot } from "../../helpers.ts";
import { artifacts } from "../../../generators/index.ts";
import { hostileDesign } from "./hostile.ts";

const browser = chromiumPath();

describe.skipIf(!browser)("index.html in headless Chromium", { timeout: 300_000 }, () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "contractor-review-"));
    const result = await build({ file: fixturePath("listly") }, { out, engine: false });
    expect(result.diagnostics.filter((d) => d.severity === "error")).toStrictEqual([]);
  }, 300_000);
  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it("renders every diagram as SVG, logs no error, requests nothing remote and shows every operation", async () => {
    const design = await loadFixture("listly");
    const report = await openPage(join(out, INDEX_HTML), {
      screenshot: join(repoRoot, "test-output", "review-page.png"),
    });
    expect(report.consoleErrors).toStrictEqual([]);
    expect(report.blockedRequests).toStrictEqual([]);
    expect(report.state).toBe("rendered");
    expect(report.diagrams).toBe(3);
    expect(report.svgDiagrams).toBe(3);
    const ids = new Set(report.ids);
    for (const e of design.api.endpoints) {
      expect(ids.has(`operation/${e.operationId}`), e.operationId).toBe(true);
      expect(report.text).toContain(e.operationId);
    }
    expect(await readFile(join(repoRoot, "test-output", "review-page.png"))).toBeTruthy();
  });

  it("runs no script smuggled in through design strings", async () => {
    const ctx = contextFor(await hostileDesign());
    const files = artifacts.flatMap((a) => {
      const o = a.generate(ctx);
      return Array.isArray(o) ? o : o.files;
    });
    const dir = await mkdtemp(join(tmpdir(), "contractor-xss-"));
    try {
      await writeFile(join(dir, INDEX_HTML), files.find((f) => f.path === INDEX_HTML)!.contents);
      const bundle = files.find((f) => f.path === "assets/mermaid.min.js")!;
      await (await import("node:fs/promises")).mkdir(join(dir, "assets"));
      await writeFile(join(dir, bundle.path), bundle.contents);
      const report = await openPage(join(dir, INDEX_HTML));
      expect(report.consoleErrors).toStrictEqual([]);
      expect(report.blockedRequests).toStrictEqual([]);
      expect(report.text).toContain("<script>window.__xss=1</script>");
      expect(report.svgDiagrams).toBe(report.diagrams);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports a diagram the browser cannot draw (html-render-failed)", async () => {
    const ctx = contextFor(await loadFixture("listly"));
    const files = artifacts.flatMap((a) => {
      const o = a.generate(ctx);
      return Array.isArray(o) ? o : o.files;
    });
    const broken = files.map((f) =>
      f.path === INDEX_HTML
        ? {
            ...f,
            contents: f.contents.replace('<pre class="mermaid">', '<pre class="mermaid">flowchart LR\n  a --&gt;\n'),
          }
        : f,
    );
    const found = await checkInBrowser(INDEX_HTML, broken);
    expect(found.map((d) => d.code)).toContain("html-render-failed");
    expect(found.every((d) => d.path === "index.html:1")).toBe(true);
  });

  it("with --render, the check opens the page", async () => {
    const ctx = contextFor(await loadFixture("listly"), { render: true });
    const files = artifacts.flatMap((a) => {
      const o = a.generate(ctx);
      return Array.isArray(o) ? o : o.files;
    });
    const own = files.filter((f) => f.path === INDEX_HTML || f.path === "assets/mermaid.min.js");
    const notes: string[] = [];
    expect(await htmlArtifact.check!(own, { ...ctx, files, note: (m) => notes.push(m) })).toStrictEqual([]);
    expect(notes).toStrictEqual(["opened in headless Chromium"]);
  });
});
