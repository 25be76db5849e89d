import { describe, expect, it, vi } from "vitest";
import Anthropic from "@anthropic-ai/sdk";
import {
  designInputSchema,
  strictBudget,
  chooseOutputMode,
  formatOutline,
  STRICT_LIMITS,
} from "../../src/agent/schema.ts";
import { DEFAULT_MODEL, PRICES, estimateCost, emptyUsage } from "../../src/agent/models.ts";
import { systemPrompt } from "../../src/agent/prompt.ts";
import { DesignSchema } from "../../src/design/schema.ts";

/** Every object node of a JSON schema, with its pointer. */
function objects(node: unknown, path = ""): Array<[string, Record<string, unknown>]> {
  if (typeof node !== "object" || node === null) return [];
  const n = node as Record<string, unknown>;
  const here: Array<[string, Record<string, unknown>]> = n.type === "object" ? [[path, n]] : [];
  return [
    ...here,
    ...Object.entries(n).flatMap(([k, v]) =>
      Array.isArray(v) ? v.flatMap((x, i) => objects(x, `${path}/${k}/${i}`)) : objects(v, `${path}/${k}`),
    ),
  ];
}

describe("the design schema as the model sees it", () => {
  it("is generated from DesignSchema: same properties everywhere, every object closed, strict-unsupported keywords moved to descriptions", () => {
    const schema = designInputSchema();
    expect(Object.keys(schema.properties as object)).toStrictEqual(Object.keys(DesignSchema.properties));
    for (const [path, o] of objects(schema)) expect([path, o.additionalProperties]).toStrictEqual([path, false]);
    // No schema node keeps a keyword the strict subset lacks (property *names* like `pattern` are fine).
    const keywords: string[] = [];
    const visit = (node: any): void => {
      for (const k of ["pattern", "minLength", "maxLength", "minimum", "maximum", "uniqueItems", "$id", "$schema"])
        if (k in node) keywords.push(k);
      for (const child of Object.values(node.properties ?? {})) visit(child);
      if (node.items) visit(node.items);
      for (const v of node.anyOf ?? []) visit(v);
    };
    visit(schema);
    expect(keywords).toStrictEqual([]);
    // The constraints still reach the model, in words.
    const name = (schema.properties as any).info.properties.name;
    expect(name.description).toContain('pattern: "^[a-z][a-z0-9-]{0,62}$"');
  });

  it("exceeds the strict structured-output budget, so the agent uses a tool (revisit if this ever fails)", () => {
    const budget = strictBudget(designInputSchema());
    expect(budget.fits).toBe(false);
    expect(budget.optionalProperties).toBeGreaterThan(STRICT_LIMITS.optionalProperties);
    expect(chooseOutputMode(designInputSchema())).toBe("tool");
  });

  it.each([
    [
      "fits",
      { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
      { optionalProperties: 0, unionProperties: 0, fits: true },
    ],
    [
      "optional and union",
      {
        type: "object",
        properties: { a: { anyOf: [{ type: "string" }, { type: "number" }] }, b: { type: "string" } },
        required: [],
      },
      { optionalProperties: 2, unionProperties: 1, fits: true },
    ],
  ])("strictBudget: %s", (_n, schema, want) => {
    expect(strictBudget(schema)).toStrictEqual(want);
  });

  it("the system prompt carries the generated outline of the format", () => {
    const prompt = systemPrompt();
    expect(formatOutline()).toContain("    method* (GET | POST | PUT | PATCH | DELETE) — HTTP method.");
    expect(prompt).toContain(formatOutline());
    for (const topic of [
      "cursor",
      "tombstones",
      "rate-limit",
      "problem+json",
      "PKCE",
      "rotating refresh",
      "index",
      "rationale",
      "stateless",
    ])
      expect(prompt).toContain(topic);
  });
});

describe("models and cost", () => {
  it("the default model is known to the SDK and not flagged as deprecated (the same check warns for a deprecated one)", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const client = new Anthropic({
      apiKey: "k",
      maxRetries: 0,
      fetch: (() => Promise.reject(new Error("offline"))) as typeof fetch,
    });
    const attempt = (model: string) =>
      client.messages
        .create({ model, max_tokens: 1, messages: [{ role: "user", content: "x" }] })
        .catch(() => undefined);
    await attempt(DEFAULT_MODEL);
    expect(warn).not.toHaveBeenCalled();
    await attempt("claude-sonnet-4-5");
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/deprecated/));
    warn.mockRestore();
    expect(PRICES[DEFAULT_MODEL]).toBeDefined();
  });

  it.each([
    [
      "claude-sonnet-5-5",
      { inputTokens: 1_000_000, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
      2,
    ],
    [
      "claude-sonnet-5-5",
      { inputTokens: 10, outputTokens: 20_000, cacheCreationInputTokens: 14_000, cacheReadInputTokens: 14_000 },
      0.2378,
    ],
    [
      "claude-opus-5-5",
      { inputTokens: 0, outputTokens: 1_000_000, cacheCreationInputTokens: 1_000_000, cacheReadInputTokens: 1_000_000 },
      25.2,
    ],
    [
      "claude-haiku-4-5-20251001",
      { inputTokens: 1_000_000, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
      1,
    ],
    [
      "some-future-model",
      { inputTokens: 1, outputTokens: 1, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
      "unknown",
    ],
  ] as const)("estimateCost(%s)", (model, usage, want) => {
    expect(estimateCost(model, { ...emptyUsage(), ...usage })).toBe(want);
  });
});
