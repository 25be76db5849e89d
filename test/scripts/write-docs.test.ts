import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import MarkdownIt from "markdown-it";
import { DOCS, defaultOf, designFormatDoc, diagnosticsDoc } from "../../scripts/write-docs.ts";
import { DesignSchema } from "../../src/design/schema.ts";
import { registry } from "../../src/diagnostics/registry.ts";
import { repoRoot } from "../helpers.ts";

type Node = { type?: string; properties?: Record<string, Node>; items?: Node };

/** Rows of every table: the text of each cell, as markdown-it (a real GFM parser) reads them. */
function tableRows(markdown: string): string[][] {
  const tokens = new MarkdownIt().parse(markdown, {});
  const rows: string[][] = [];
  let row: string[] | undefined;
  for (const t of tokens) {
    if (t.type === "tr_open") row = [];
    else if (t.type === "tr_close") {
      rows.push(row!);
      row = undefined;
    } else if (t.type === "inline" && row) row.push(t.content);
  }
  return rows;
}

describe("generated docs", () => {
  it.each(Object.entries(DOCS))(
    "%s is up to date (run `npm run docs` after changing the schema or a code table)",
    (path, render) => {
      const onDisk = readFileSync(`${repoRoot}${path}`, "utf8");
      expect(onDisk === render(), `${path} is stale: run npm run docs`).toBe(true);
    },
  );

  it("design-format.md documents every object and property of the schema, in well-formed tables", () => {
    const doc = designFormatDoc();
    const rows = tableRows(doc);
    expect(rows.filter((r) => r.length !== 5)).toStrictEqual([]);
    const documented = new Set(rows.filter((r) => r.length === 5).map((r) => r[0]!.replace(/`/g, "")));
    const objects = new Set<Node>();
    const walk = (n: Node) => {
      if (n.type === "object" && n.properties && !objects.has(n)) {
        objects.add(n);
        for (const p of Object.values(n.properties)) walk(p);
      }
      if (n.items) walk(n.items);
    };
    walk(DesignSchema as unknown as Node);
    const propertyCount = [...objects].reduce((sum, o) => sum + Object.keys(o.properties!).length, 0);
    expect(rows.filter((r) => r.length === 5 && r[0] !== "Property").length).toBe(propertyCount);
    for (const o of objects) for (const k of Object.keys(o.properties!)) expect(documented.has(k), k).toBe(true);
    expect(doc.match(/^### /gm)!.length).toBe(objects.size);
  });

  it("every internal link of design-format.md has its anchor", () => {
    const doc = designFormatDoc();
    const anchors = new Set([...doc.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]));
    const links = [...doc.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(20);
    expect(links.filter((l) => !anchors.has(l))).toStrictEqual([]);
  });

  it("diagnostics.md lists every registered code with its severity and documentation", () => {
    const rows = tableRows(diagnosticsDoc()).filter((r) => r[0] !== "Code");
    expect(rows.map((r) => r[0]!.replace(/`/g, "")).sort()).toStrictEqual(Object.keys(registry).sort());
    for (const r of rows) {
      const entry = registry[r[0]!.replace(/`/g, "")]!;
      expect([r[1], r[2]]).toStrictEqual([entry.severity, entry.doc]);
    }
  });

  it.each([
    ["Prefix before the version segment. Defaults to /api.", "/api"],
    ["Rate-limit tier. Defaults to `api.defaultRateLimit`.", "`api.defaultRateLimit`"],
    ["Total digits of a decimal (1–1000). Defaults to 12.", "12"],
    ["Index the referencing columns (default true).", "true"],
    ["Create an index (default true: every foreign key is an access path).", "true"],
    ["The referenced field. Defaults to the entity's single-column primary key.", "entity's single-column primary key"],
    ["Requests allowed per window.", "—"],
  ])("defaultOf(%j) = %j", (description, want) => {
    expect(defaultOf(description)).toBe(want);
  });
});
