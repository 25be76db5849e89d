/** A scripted fake `fetch` for the real SDK client, and replies built like the API's streams. */
import { readFileSync } from "node:fs";
import Anthropic from "@anthropic-ai/sdk";
import { parse } from "yaml";
import { sseBody, sseHeaders, errorBody, type FakeBlock, type FakeMessage } from "../../fixtures/cassettes/sse.ts";
import { DESIGN_TOOL_NAME } from "../../src/agent/schema.ts";
import { repoRoot } from "../helpers.ts";

export const TEST_KEY = "sk-ant-api03-TEST-KEY-must-never-leak-0123456789abcdef";

interface SeenRequest {
  body: Record<string, any>;
  headers: Headers;
  url: string;
}

export type Step = (req: SeenRequest, signal: AbortSignal | undefined) => Response | Promise<Response>;

export function scriptedFetch(steps: Step[]) {
  const requests: SeenRequest[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const req: SeenRequest = {
      body: JSON.parse(String(init?.body)),
      headers: new Headers(init?.headers),
      url: String(input),
    };
    requests.push(req);
    const step = steps[requests.length - 1];
    if (!step) throw new Error(`unexpected request ${requests.length}`);
    return step(req, init?.signal ?? undefined);
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

/** The real SDK client over a fake fetch; no SDK retries unless asked. */
export function fakeClient(fetch: typeof globalThis.fetch, options: { maxRetries?: number; timeout?: number } = {}) {
  return new Anthropic({
    apiKey: TEST_KEY,
    fetch,
    maxRetries: options.maxRetries ?? 0,
    timeout: options.timeout ?? 5_000,
  });
}

let counter = 0;
export function reply(
  content: FakeBlock[],
  stopReason: FakeMessage["stopReason"] = "tool_use",
  model = "claude-sonnet-5-5",
): Step {
  return () => {
    counter++;
    const body = sseBody({
      id: `msg_test${counter}`,
      model,
      content,
      stopReason,
      usage: { input: 12, output: 900, cacheWrite: 14_000, cacheRead: counter > 1 ? 14_000 : 0 },
    });
    return new Response(body, { status: 200, headers: sseHeaders(`req_test${counter}`) });
  };
}

export const designCall = (design: unknown, id = `toolu_${++counter}`): FakeBlock => ({
  type: "tool_use",
  id,
  name: DESIGN_TOOL_NAME,
  input: design,
});

export function errorStep(status: number, type: string, message: string, headers: Record<string, string> = {}): Step {
  return () =>
    new Response(errorBody(type, message), {
      status,
      headers: { "content-type": "application/json", "retry-after-ms": "1", ...headers },
    });
}

export function listlyDesign(): Record<string, any> {
  return parse(readFileSync(`${repoRoot}fixtures/designs/listly.yaml`, "utf8")) as Record<string, any>;
}
