/**
 * The hostile corpus in every free-text field of a design, built by the real pipeline into an out
 * dir, and the review page opened from disk in real headless Chromium: nothing from the corpus
 * runs, opens a dialog or requests anything, and the page still draws its diagrams.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type BuildResult } from "../../src/pipeline/build.ts";
import { chromiumPath, openPage, type PageReport } from "../../generators/html/browser.ts";
import { checkPage } from "../../generators/html/check.ts";
import { hostileDesign, PAYLOADS } from "./hostile-corpus.ts";
import { pointer, type Slot } from "../property/free-text.ts";

const browser = chromiumPath();

describe.skipIf(!browser)(
  "the hostile corpus in every free-text field, opened in Chromium",
  { timeout: 120_000 },
  () => {
    let root: string;
    let result: BuildResult;
    let slots: Slot[];
    let report: PageReport;
    let html: string;

    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), "contractor-hostile-page-"));
      const hostile = await hostileDesign("marketplace");
      slots = hostile.slots;
      result = await build({ text: JSON.stringify(hostile.design) }, { out: join(root, "out"), engine: false });
      if (!result.ok) return;
      html = await readFile(join(root, "out", "index.html"), "utf8");
      report = await openPage(join(root, "out", "index.html"), { globals: ["__pwned", "mermaid"] });
    }, 120_000);
    afterAll(async () => {
      if (root) await rm(root, { recursive: true, force: true });
    });

    it("covers the free-text fields of every part of the design", () => {
      const pointers = slots.map(pointer);
      const expected = [
        /^\/info\/(title|description|contact\/name)$/,
        /^\/api\/versioning\/policy$/,
        /^\/api\/tags\/\d+\/description$/,
        /^\/api\/endpoints\/\d+\/(summary|description|body\/description|response\/description|params\/\d+\/description)$/,
        /^\/api\/endpoints\/\d+\/deprecated\/(since|reason)$/,
        /^\/data\/enums\/\d+\/description$/,
        /^\/data\/entities\/\d+\/(description|fields\/\d+\/(description|example|default\/value|references\/relationship))$/,
        /^\/data\/entities\/\d+\/(indexes\/\d+\/where\/\d+\/value|checks\/\d+\/value|checks\/\d+\/description|uniques\/\d+\/description)$/,
        /^\/schemas\/\d+\/(description|properties\/\d+\/(description|example))$/,
        /^\/errors\/\d+\/(title|description)$/,
        /^\/rateLimits\/\d+\/description$/,
        /^\/auth\/(mobileStorage|schemes\/\d+\/(description|jwt\/issuer)|roles\/\d+\/description|scopes\/\d+\/description)$/,
        /^\/data\/entities\/\d+\/foreignKeys\/\d+\/relationship$/,
        /^\/architecture\/(summary|scaling\/\d+|decisions\/\d+\/(title|decision|rationale|alternatives\/\d+))$/,
        /^\/architecture\/(services\/\d+\/(description|responsibilities\/\d+)|components\/\d+\/(description|technology)|clients\/\d+\/description|performance\/\d+\/description)$/,
      ];
      for (const re of expected)
        expect(
          pointers.some((p) => re.test(p)),
          String(re),
        ).toBe(true);
    });

    it("builds: every artifact passes its checker", () => {
      expect(result.diagnostics.filter((d) => d.severity === "error")).toStrictEqual([]);
      expect(result.ok).toBe(true);
    });

    it("index.html carries only the generator's markup and scripts", () => {
      expect(checkPage("index.html", html, result.files, [])).toStrictEqual([]);
      expect(html.match(/<script\b/g)).toHaveLength(2);
    });

    it("runs nothing from the corpus: no flag, no title change, no console marker, no dialog, no policy violation", () => {
      expect(report.dialogs).toStrictEqual([]);
      expect(report.cspViolations).toStrictEqual([]);
      expect(report.consoleErrors).toStrictEqual([]);
      expect(report.console.filter((m) => m.includes("PWNED"))).toStrictEqual([]);
      expect(report.globals).toStrictEqual({ __pwned: "undefined", mermaid: "object" });
      expect(report.title).not.toBe("X");
      expect(report.title).toMatch(/: design review$/);
    });

    it("requests nothing but the out dir's own files", () => {
      const own = pathToFileURL(join(root, "out")).href + "/";
      expect(report.blockedRequests).toStrictEqual([]);
      expect(report.requests.filter((u) => !u.startsWith(own) && !u.startsWith("data:"))).toStrictEqual([]);
      expect(report.requests).toContain(`${own}assets/mermaid.min.js`);
    });

    it("still draws every diagram and shows the corpus as text", () => {
      expect(report.state).toBe("rendered");
      expect(report.diagrams).toBeGreaterThanOrEqual(3);
      expect(report.svgDiagrams).toBe(report.diagrams);
      for (const p of [
        "<script>window.__pwned=1;console.log('PWNED')</script>",
        "[x](javascript:alert(1))",
        "%%{init:",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
      ]) {
        expect(report.text, p).toContain(p);
      }
      expect(PAYLOADS.length).toBeGreaterThan(10);
    });
  },
);
