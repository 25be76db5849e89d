/** The real SDK client against a fake fetch: what the requests carry and how each API outcome ends. */
import { describe, expect, it } from "vitest";
import { draft, EXIT_CODES } from "../../src/agent/draft.ts";
import { designInputSchema, DESIGN_TOOL_NAME } from "../../src/agent/schema.ts";
import { DEFAULT_MODEL } from "../../src/agent/models.ts";
import { artifacts } from "../../generators/index.ts";
import { sseBody, sseHeaders } from "../../fixtures/cassettes/sse.ts";
import { scriptedFetch, fakeClient, reply, designCall, errorStep, listlyDesign, type Step } from "./fake.ts";

const instant = async () => {};
const lastMessage = (body: Record<string, any>) => body.messages[body.messages.length - 1];

describe("draft through the SDK", { timeout: 60_000 }, () => {
  it("a valid first answer is accepted after one request, and the request carries model, schema and cache breakpoints", async () => {
    const { fetch, requests } = scriptedFetch([
      reply([{ type: "thinking", signature: "sig" }, designCall(listlyDesign())]),
    ]);
    const r = await draft({ brief: "Shared lists for households.", client: fakeClient(fetch) });
    expect(r.outcome).toBe("ok");
    expect(r.rounds).toHaveLength(1);
    expect(r.yaml).toContain("name: listly");
    expect(requests).toHaveLength(1);
    const body = requests[0]!.body;
    expect(body.model).toBe(DEFAULT_MODEL);
    expect(body.stream).toBe(true);
    expect(body.tools).toHaveLength(1);
    expect(body.tools[0].name).toBe(DESIGN_TOOL_NAME);
    expect(body.tools[0].input_schema).toStrictEqual(designInputSchema());
    expect(body.tools[0].cache_control).toStrictEqual({ type: "ephemeral" });
    expect(body.tool_choice).toStrictEqual({ type: "auto" });
    expect(body.system).toHaveLength(1);
    expect(body.system[0].cache_control).toStrictEqual({ type: "ephemeral" });
    expect(body.system[0].text).toContain("cursor");
    const user = lastMessage(body);
    expect(user.role).toBe("user");
    expect(user.content.at(-1).cache_control).toStrictEqual({ type: "ephemeral" });
    expect(user.content[0].text).toContain("Shared lists for households.");
    expect(r.usage).toStrictEqual({
      inputTokens: 12,
      outputTokens: 900,
      cacheCreationInputTokens: 14_000,
      cacheReadInputTokens: expect.any(Number),
      requests: 1,
    });
    expect(r.cost).toBeGreaterThan(0);
  });

  it("--model reaches the request; an unpriced model gives cost unknown", async () => {
    const { fetch, requests } = scriptedFetch([
      reply([designCall(listlyDesign())], "tool_use", "claude-experimental-x"),
    ]);
    const r = await draft({ brief: "b", client: fakeClient(fetch), model: "claude-experimental-x", engine: false });
    expect(requests[0]!.body.model).toBe("claude-experimental-x");
    expect(r.cost).toBe("unknown");
  });

  it("invalid answers: each round's diagnostics come back as an is_error tool_result, and the corrected design is accepted", async () => {
    const schemaViolation = listlyDesign();
    schemaViolation.api.endpoints[0].method = "FETCH";
    const dangling = listlyDesign();
    dangling.data.entities.find((e: any) => e.name === "Item").indexes[0].fields = ["listId", "sortPosition"];
    const { fetch, requests } = scriptedFetch([
      reply([designCall(schemaViolation, "toolu_a")]),
      reply([{ type: "text", text: "Fixed the method." }, designCall(dangling, "toolu_b")]),
      reply([designCall(listlyDesign(), "toolu_c")]),
    ]);
    const r = await draft({ brief: "b", client: fakeClient(fetch), engine: false });
    expect(r.outcome).toBe("ok");
    expect(requests).toHaveLength(3);
    // The pipeline reports schema errors first; semantic checks run once the schema passes.
    const second = lastMessage(requests[1]!.body);
    expect(second.content[0]).toMatchObject({ type: "tool_result", tool_use_id: "toolu_a", is_error: true });
    expect(second.content[0].content).toMatch(/schema-violation at \/api\/endpoints\/0\/method/);
    const third = lastMessage(requests[2]!.body);
    expect(third.content[0]).toMatchObject({ type: "tool_result", tool_use_id: "toolu_b", is_error: true });
    expect(third.content[0].content).toMatch(
      /dangling-reference at \/data\/entities\/7\/indexes\/0\/fields\/1: entity Item has no field "sortPosition"/,
    );
    // The conversation keeps every answer, so the model repairs in context.
    expect(requests[2]!.body.messages.map((m: any) => m.role)).toStrictEqual([
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
    ]);
    expect(r.rounds.map((x) => x.fixed.map((d) => d.code))).toStrictEqual([
      [],
      ["schema-violation"],
      ["dangling-reference"],
    ]);
  });

  const hasSql = artifacts.some((a) => a.name === "sql");
  it.skipIf(!hasSql)("a default the engine rejects comes back from the migration check and is repaired", async () => {
    const bad = listlyDesign();
    const item = bad.data.entities.find((e: any) => e.name === "Item");
    item.fields.find((f: any) => f.name === "dueOn").default = { kind: "literal", value: "2024-02-30" };
    const { fetch, requests } = scriptedFetch([
      reply([designCall(bad, "toolu_e")]),
      reply([designCall(listlyDesign())]),
    ]);
    const r = await draft({ brief: "b", client: fakeClient(fetch) });
    expect(r.outcome).toBe("ok");
    expect(lastMessage(requests[1]!.body).content[0].content).toMatch(/migrations\//);
  });

  it("an answer without the tool call is asked again in plain text (no-design)", async () => {
    const { fetch, requests } = scriptedFetch([
      reply([{ type: "text", text: "Here is my plan…" }], "end_turn"),
      reply([designCall(listlyDesign())]),
    ]);
    const r = await draft({ brief: "b", client: fakeClient(fetch), engine: false });
    expect(r.outcome).toBe("ok");
    expect(lastMessage(requests[1]!.body).content[0].text).toMatch(
      /no-design at \/: the answer did not call submit_design/,
    );
  });

  it("529 overloaded, then success: the SDK retries", async () => {
    const { fetch, requests } = scriptedFetch([
      errorStep(529, "overloaded_error", "Overloaded"),
      reply([designCall(listlyDesign())]),
    ]);
    const r = await draft({ brief: "b", client: fakeClient(fetch, { maxRetries: 2 }), engine: false });
    expect(r.outcome).toBe("ok");
    expect(requests).toHaveLength(2);
  });

  it("529 through every retry ends as overloaded (exit 4)", async () => {
    const overloaded = errorStep(529, "overloaded_error", "Overloaded");
    const { fetch } = scriptedFetch([overloaded, overloaded]);
    const r = await draft({ brief: "b", client: fakeClient(fetch, { maxRetries: 1 }), engine: false });
    expect(r.outcome).toBe("overloaded");
    expect(EXIT_CODES[r.outcome]).toBe(4);
    expect(r.failure!.message).toMatch(/overloaded/);
  });

  it("an overloaded_error inside an open stream is retried with backoff", async () => {
    const midStream: Step = () =>
      new Response(
        sseBody(
          { id: "m", model: DEFAULT_MODEL, content: [], stopReason: "end_turn", usage: { input: 1, output: 1 } },
          { errorAfterBlocks: { type: "overloaded_error", message: "Overloaded" } },
        ),
        { status: 200, headers: sseHeaders("r") },
      );
    const { fetch, requests } = scriptedFetch([midStream, reply([designCall(listlyDesign())])]);
    const slept: number[] = [];
    const r = await draft({
      brief: "b",
      client: fakeClient(fetch),
      engine: false,
      sleep: async (ms) => void slept.push(ms),
    });
    expect(r.outcome).toBe("ok");
    expect(requests).toHaveLength(2);
    expect(slept).toStrictEqual([1000]);
  });

  it("a 429 after retries is an API failure naming the status", async () => {
    const { fetch } = scriptedFetch([
      errorStep(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"),
    ]);
    const r = await draft({ brief: "b", client: fakeClient(fetch), engine: false, sleep: instant });
    expect(r.outcome).toBe("api-error");
    expect(r.failure!.message).toMatch(/429 rate_limit_error/);
  });

  it("a request that never answers times out (exit 4)", async () => {
    const hang: Step = (_req, signal) =>
      new Promise<Response>((_resolve, reject) =>
        signal?.addEventListener("abort", () => reject(signal.reason ?? new Error("aborted"))),
      );
    const { fetch } = scriptedFetch([hang]);
    const r = await draft({ brief: "b", client: fakeClient(fetch, { timeout: 50 }), engine: false });
    expect(r.outcome).toBe("timeout");
    expect(EXIT_CODES[r.outcome]).toBe(4);
  });

  it("a stream that goes silent is aborted by the idle timeout", async () => {
    // Like a real fetch, the body errors when the request's signal aborts.
    const partial = sseBody({
      id: "m",
      model: DEFAULT_MODEL,
      content: [],
      stopReason: "end_turn",
      usage: { input: 1, output: 1 },
    }).split("event: message_delta")[0]!;
    const silent: Step = (_req, signal) =>
      new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode(partial));
            signal?.addEventListener("abort", () => c.error(new DOMException("aborted", "AbortError")));
          },
        }),
        { status: 200, headers: sseHeaders("r") },
      );
    const { fetch } = scriptedFetch([silent]);
    const r = await draft({ brief: "b", client: fakeClient(fetch), engine: false, idleTimeoutMs: 50 });
    expect(r.outcome).toBe("timeout");
    expect(r.failure!.message).toMatch(/sent nothing/);
  });

  it.each([
    ["max_tokens", "truncated", /cut off \(stop_reason max_tokens\)/],
    ["refusal", "refusal", /declined to answer \(stop_reason refusal\): I can't help with that/],
  ] as const)("stop_reason %s ends as %s (exit 3)", async (stop, outcome, message) => {
    const content =
      stop === "refusal"
        ? [{ type: "text" as const, text: "I can't help with that." }]
        : [designCall({ contractor: 1, info: { name: "half" } })];
    const { fetch, requests } = scriptedFetch([reply(content, stop)]);
    const r = await draft({ brief: "b", client: fakeClient(fetch), engine: false });
    expect(r.outcome).toBe(outcome);
    expect(EXIT_CODES[r.outcome]).toBe(3);
    expect(r.failure!.message).toMatch(message);
    expect(r.rounds).toHaveLength(0);
    expect(requests).toHaveLength(1);
  });
});
