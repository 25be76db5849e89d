import { describe, expect, it } from "vitest";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath, largeFixture, loadFixture } from "../../helpers.ts";
import { build } from "../../../src/pipeline/build.ts";
import type { GeneratedFile } from "../../../src/core/artifact.ts";
import { generateDiagrams, mermaidArtifact } from "../../../generators/mermaid/index.ts";
import {
  findBrowser,
  puppeteerBrowserPath,
  renderDiagrams,
  type BrowserChoice,
} from "../../../generators/mermaid/render.ts";
import { hostileDesign } from "./designs.ts";

describe("findBrowser", () => {
  const cases: Array<
    [string, { env: Record<string, string>; own?: string; present: string[]; want: BrowserChoice | undefined }]
  > = [
    [
      "PUPPETEER_EXECUTABLE_PATH first",
      {
        env: { PUPPETEER_EXECUTABLE_PATH: "/x/chrome" },
        present: ["/x/chrome", "/usr/bin/chromium"],
        want: { path: "/x/chrome", source: "PUPPETEER_EXECUTABLE_PATH" },
      },
    ],
    [
      "a missing PUPPETEER_EXECUTABLE_PATH falls through",
      {
        env: { PUPPETEER_EXECUTABLE_PATH: "/x/chrome" },
        present: ["/usr/bin/chromium"],
        want: { path: "/usr/bin/chromium", source: "system" },
      },
    ],
    [
      "Debian's chromium",
      {
        env: {},
        present: ["/usr/bin/chromium", "/usr/bin/google-chrome"],
        want: { path: "/usr/bin/chromium", source: "system" },
      },
    ],
    [
      "another installed Chrome",
      { env: {}, present: ["/usr/bin/google-chrome"], want: { path: "/usr/bin/google-chrome", source: "system" } },
    ],
    [
      "puppeteer's own last",
      {
        env: {},
        own: "/cache/chrome",
        present: ["/cache/chrome"],
        want: { path: "/cache/chrome", source: "puppeteer" },
      },
    ],
    ["none", { env: {}, own: "/cache/chrome", present: [], want: undefined }],
  ];
  it.each(cases)("%s", (_, { env, own, present, want }) => {
    expect(findBrowser(env, own, (p) => present.includes(p))).toStrictEqual(want);
  });
});

describe("without a usable browser", () => {
  it("warns once with how to get one, writes no SVG, and the build still succeeds with its .mmd files", async () => {
    const files = generateDiagrams(await loadFixture("listly"));
    const outcome = await renderDiagrams(files, undefined);
    expect(outcome.files).toStrictEqual([]);
    expect(outcome.diagnostics).toHaveLength(1);
    expect(outcome.diagnostics[0]).toMatchObject({
      code: "mermaid-no-browser",
      severity: "warning",
      path: "diagrams/architecture.mmd",
    });
    expect(outcome.diagnostics[0]!.message).toContain("apt-get install chromium");
    expect(outcome.diagnostics[0]!.message).toContain("PUPPETEER_EXECUTABLE_PATH");
  });

  it("a browser that will not start is a warning naming it", async () => {
    const files = generateDiagrams(await loadFixture("listly"));
    const outcome = await renderDiagrams(files, { path: "/bin/false", source: "PUPPETEER_EXECUTABLE_PATH" });
    expect(outcome.files).toStrictEqual([]);
    expect(outcome.diagnostics.map((d) => [d.code, d.severity])).toStrictEqual([["mermaid-browser-failed", "warning"]]);
    expect(outcome.diagnostics[0]!.message).toContain("/bin/false");
  }, 60_000);

  it("build --render with no browser passes, writing the .mmd files and no SVG", async () => {
    const out = await mkdtemp(join(tmpdir(), "contractor-mermaid-"));
    try {
      const noBrowser = {
        ...mermaidArtifact,
        render: async (own: Parameters<NonNullable<typeof mermaidArtifact.render>>[0]) => {
          const o = await renderDiagrams(own, undefined);
          return { files: o.files, diagnostics: o.diagnostics };
        },
      };
      const result = await build({ file: fixturePath("listly") }, { out, render: true, artifacts: [noBrowser] });
      expect(result.ok).toBe(true);
      expect(result.diagnostics.map((d) => d.code)).toStrictEqual(["mermaid-no-browser"]);
      expect((await readdir(join(out, "diagrams"))).filter((f) => f.endsWith(".svg"))).toStrictEqual([]);
      expect((await readdir(join(out, "diagrams"))).filter((f) => f.endsWith(".mmd")).length).toBeGreaterThan(3);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 60_000);
});

const browser = findBrowser(process.env, await puppeteerBrowserPath());
const skipReason = browser
  ? ""
  : " (SKIPPED: no Chrome/Chromium found — apt-get install chromium or set PUPPETEER_EXECUTABLE_PATH; CI installs one)";

describe.skipIf(!browser)(`rendering in headless Chromium${skipReason}`, () => {
  // The larger fixture (listly's diagrams are rendered below, hostile text in all three kinds).
  it.each(["marketplace"])(
    "build --render writes an SVG beside each .mmd of %s; each ERD SVG names every entity",
    async (name) => {
      const out = await mkdtemp(join(tmpdir(), "contractor-mermaid-"));
      try {
        const result = await build({ file: fixturePath(name) }, { out, render: true, artifacts: [mermaidArtifact] });
        expect(result.diagnostics).toStrictEqual([]);
        expect(result.timings.find((t) => t.step === "render mermaid")?.detail).toMatch(/SVGs rendered in one browser/);
        const listed = (await readdir(join(out, "diagrams"))).sort();
        const mmd = listed.filter((f) => f.endsWith(".mmd"));
        expect(listed.filter((f) => f.endsWith(".svg"))).toStrictEqual(mmd.map((f) => f.replace(/\.mmd$/, ".svg")));
        const design = await loadFixture(name);
        for (const file of mmd.filter((f) => f.startsWith("erd"))) {
          const svg = await readFile(join(out, "diagrams", file.replace(/\.mmd$/, ".svg")), "utf8");
          expect(svg.startsWith("<svg")).toBe(true);
          const source = await readFile(join(out, "diagrams", file), "utf8");
          const shown = design.data.entities.filter((e) => new RegExp(`^ {2}(entity_)?${e.name}\\b`, "m").test(source));
          expect(shown.length).toBeGreaterThan(0);
          for (const e of shown) expect(svg, `${file}: ${e.name}`).toMatch(new RegExp(`>${e.name}( \\([^<]*\\))?<`));
          if (file === "erd.mmd") expect(shown.length).toBe(design.data.entities.length);
        }
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    },
    300_000,
  );

  it("hostile text renders decoded: the SVG shows the characters, not the codes", async () => {
    const files = generateDiagrams(hostileDesign());
    const outcome = await renderDiagrams(files, browser);
    expect(outcome.diagnostics).toStrictEqual([]);
    const arch = outcome.files.find((f) => f.path === "diagrams/architecture.svg")!.contents;
    expect(arch).toContain(
      "#g %% h --&gt; i -.-&gt; |j| `k` \\l: style:#m; classDef x:#1; direction TB end new line tab ünï © 😀",
    );
    const flow = outcome.files.find((f) => f.path === "diagrams/auth-flow.svg")!.contents;
    expect(flow).toContain("f; #g %% h");
    expect(outcome.files.find((f) => f.path === "diagrams/erd.svg")!.contents).toMatch(/>Style</);
  }, 300_000);

  it("a diagram that parses nowhere is a render error naming its file", async () => {
    const outcome = await renderDiagrams(
      [{ path: "diagrams/bad.mmd", contents: "erDiagram\n  A ||--o{ : x\n" }],
      browser,
    );
    expect(outcome.files).toStrictEqual([]);
    expect(outcome.diagnostics.map((d) => [d.code, d.severity, d.path])).toStrictEqual([
      ["mermaid-render-failed", "error", "diagrams/bad.mmd"],
    ]);
  }, 120_000);

  it("SVGs are byte-identical across runs: a diagram rendered alone equals it rendered after another", async () => {
    const files = generateDiagrams(await loadFixture("listly")).filter(
      (f) => f.path === "diagrams/erd-identity.mmd" || f.path === "diagrams/auth-flow.mmd",
    );
    const batch = await renderDiagrams(files, browser);
    expect(batch.files.map((f) => f.path)).toStrictEqual(["diagrams/auth-flow.svg", "diagrams/erd-identity.svg"]);
    // Two pages share a batch's diagrams in turn: the third diagram here is rendered in the page that
    // drew the first, the second is first in its page.
    const [authFlow, erdIdentity] = files as [GeneratedFile, GeneratedFile];
    const again = await renderDiagrams([erdIdentity, authFlow, authFlow], browser);
    expect(again.files.map((f) => f.contents)).toStrictEqual([
      batch.files[1]!.contents,
      batch.files[0]!.contents,
      batch.files[0]!.contents,
    ]);
  }, 300_000);

  it("a 180-entity design's whole ERD renders, past mermaid's default text limit", async () => {
    const files = generateDiagrams(largeFixture(180)).filter((f) => f.path === "diagrams/erd.mmd");
    expect(files[0]!.contents.length).toBeGreaterThan(50_000);
    const outcome = await renderDiagrams(files, browser);
    expect(outcome.diagnostics).toStrictEqual([]);
    expect(outcome.files.map((f) => f.path)).toStrictEqual(["diagrams/erd.svg"]);
    const erd = outcome.files[0]!.contents;
    expect(erd.match(/>Thing\d{4}</g)?.length).toBe(180);
  }, 900_000);
});
