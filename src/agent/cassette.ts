/**
 * Record / replay of the HTTP exchanges between the SDK and the API, as `fetch` wrappers passed
 * to `new Anthropic({ fetch })`. A cassette keeps each request's JSON body and each response's
 * status, headers and full body (the SSE text of a stream). Request headers are never stored,
 * and response headers that could carry a credential are dropped, so the API key cannot reach
 * a cassette; `scrub` also removes the key's text anywhere it might appear.
 */
import { readFile, rename, writeFile } from "node:fs/promises";

interface Exchange {
  request: { method: string; path: string; body: unknown };
  response: { status: number; headers: Record<string, string>; body: string };
}

export interface Cassette {
  cassette: 1;
  /** How the session was produced (recorded from the live API, or constructed by hand). */
  note?: string;
  exchanges: Exchange[];
}

type Fetch = typeof fetch;

const SECRET_HEADER = /key|auth|cookie|token|secret|signature/i;

/** Response headers worth keeping: everything that cannot hold a credential. */
function safeHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!SECRET_HEADER.test(name)) out[name] = value;
  });
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Removes every occurrence of `secret` from `text` (defence in depth for bodies and messages). */
function scrub(text: string, secret: string | undefined): string {
  return secret && secret.length >= 8 ? text.split(secret).join("[redacted]") : text;
}

function requestBody(init: RequestInit | undefined): unknown {
  const body = init?.body;
  if (typeof body !== "string") return null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function requestPath(input: string | URL | Request): string {
  const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
  return url.pathname;
}

/** Wraps `inner` so every exchange is kept; `save` writes them (atomically) to `file`. */
export function recordingFetch(inner: Fetch, secret: string | undefined) {
  const exchanges: Exchange[] = [];
  const pending: Promise<void>[] = [];
  const wrapped: Fetch = async (input, init) => {
    const response = await inner(input as Parameters<Fetch>[0], init);
    const entry: Exchange = {
      request: {
        method: init?.method ?? "GET",
        path: requestPath(input as string | URL | Request),
        body: JSON.parse(scrub(JSON.stringify(requestBody(init)), secret)),
      },
      response: { status: response.status, headers: safeHeaders(response.headers), body: "" },
    };
    exchanges.push(entry);
    // Read a copy to the end while the SDK consumes the original.
    pending.push(
      response
        .clone()
        .text()
        .then(
          (t) => {
            entry.response.body = scrub(t, secret);
          },
          () => undefined,
        ),
    );
    return response;
  };
  return {
    fetch: wrapped,
    exchanges,
    async save(file: string, note: string): Promise<void> {
      await Promise.all(pending);
      const cassette: Cassette = { cassette: 1, note, exchanges };
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, scrub(JSON.stringify(cassette, null, 2) + "\n", secret));
      await rename(tmp, file);
    },
  };
}

/** A request the cassette cannot answer: the conversation went somewhere the recording did not. */
export class ReplayError extends Error {}

function summary(body: unknown): { model: string; messages: number } {
  const b = (body ?? {}) as { model?: unknown; messages?: unknown };
  return { model: String(b.model ?? "?"), messages: Array.isArray(b.messages) ? b.messages.length : 0 };
}

/** Serves recorded exchanges in order, checking each request matches (model and message count). */
export function replayingFetch(cassette: Cassette, source: string) {
  let next = 0;
  const wrapped: Fetch = async (input, init) => {
    const index = next++;
    const recorded = cassette.exchanges[index];
    const path = requestPath(input as string | URL | Request);
    if (!recorded)
      throw new ReplayError(
        `${source} has ${cassette.exchanges.length} exchange(s) but the session made request ${index + 1} (${path}); record the session again`,
      );
    const want = summary(recorded.request.body);
    const got = summary(requestBody(init));
    if (recorded.request.path !== path || want.model !== got.model || want.messages !== got.messages) {
      throw new ReplayError(
        `${source} exchange ${index + 1} does not match this request: recorded ${recorded.request.path} model ${want.model} with ${want.messages} message(s), ` +
          `now ${path} model ${got.model} with ${got.messages} message(s) — replay with the options it was recorded with, or record it again`,
      );
    }
    return new Response(recorded.response.body, {
      status: recorded.response.status,
      headers: recorded.response.headers,
    });
  };
  return { fetch: wrapped, served: () => next };
}

/** Reads and shape-checks a cassette file; a problem is a message, never a throw. */
export async function readCassette(file: string): Promise<{ cassette?: Cassette; error?: string }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return { error: `cannot read the cassette ${file}` };
  }
  try {
    const value = JSON.parse(text) as Cassette;
    if (value?.cassette !== 1 || !Array.isArray(value.exchanges))
      return { error: `${file} is not a contractor cassette (expected {"cassette": 1, "exchanges": [...]})` };
    return { cassette: value };
  } catch (error) {
    return { error: `${file} is not valid JSON: ${(error as Error).message}` };
  }
}
