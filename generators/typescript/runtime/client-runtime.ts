/**
 * The fixed part of the generated `client.ts`: the call options, response and error types, `paginate`, and
 * `createClient` with its fetch wrapper. emit-client.ts reads this file once per process and splices each
 * declaration above the stand-ins into client.ts as written here, JSDoc included, between the declarations it
 * derives from the design. Into `createClient` it writes the design's API-key statement at the marker comment,
 * keeps `call` / `callConditional` only when an operation uses it, and writes the design's operations as the
 * returned object. The layout is the generator's (long lines, as ts-morph prints), not Biome's: the text is
 * copied into client.ts byte for byte. The stand-ins at the end (not spliced) make this file compile on its own;
 * `./types.ts` here is runtime/types.ts, a stand-in for the generated types.ts.
 */
// biome-ignore-all format: spliced verbatim into client.ts, whose layout is the generator's (see above).
// biome-ignore-all lint/complexity/useLiteralKeys: client.ts is checked with noPropertyAccessFromIndexSignature, which wants index signatures read with brackets.
import type * as T from "./types.ts";

/** Per-call options. */
export interface CallOptions {
  /** Aborts the request. */
  signal?: AbortSignal | undefined;
  /** Extra headers for this call (lower-case names). */
  headers?: Record<string, string> | undefined;
}

/** A successful response. */
export interface ApiResponse<Data> {
  /** `false`: this response carries the current representation (see `NotModified`). */
  notModified: false;
  /** The parsed JSON body (`undefined` for 204 No Content). */
  data: Data;
  /** The HTTP status. */
  status: number;
  /** The ETag header: pass it as `ifMatch` to update this version. */
  etag: string | undefined;
  /** All response headers. */
  headers: Headers;
}

/** 304 Not Modified: the copy whose ETag was sent as `ifNoneMatch` is still current; keep using it. */
export interface NotModified {
  notModified: true;
  /** No body: use the copy you hold. */
  data: undefined;
  status: 304;
  /** The ETag header (the same version). */
  etag: string | undefined;
  /** All response headers (Cache-Control may have changed). */
  headers: Headers;
}

/** An error response, decoded from `application/problem+json` (RFC 9457). Switch on `code`. */
export class ApiError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** The error catalog code. */
  readonly code: T.ErrorCode;
  /** The whole problem document. */
  readonly problem: T.Problem;
  /** Response headers (e.g. Retry-After on `rate-limited`). */
  readonly headers: Headers;

  constructor(problem: T.Problem, headers: Headers) {
    super(problem.detail ?? problem.title);
    this.name = "ApiError";
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
    this.headers = headers;
  }
}

/** True for an `ApiError` (also across bundles, where `instanceof` can fail). */
export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError || (error instanceof Error && error.name === "ApiError" && typeof (error as { code?: unknown }).code === "string");
}

/**
 * Walks a cursor-paginated operation, yielding every item of every page:
 * `for await (const item of paginate((cursor) => client.listThings({ cursor }))) …`
 */
export async function* paginate<Item>(fetchPage: (cursor: string | undefined) => Promise<ApiResponse<{ items: Item[]; nextCursor: string | null; hasMore?: boolean }>>): AsyncGenerator<Item, void, undefined> {
  let cursor: string | undefined;
  const seen = new Set<string>();
  while (true) {
    const page = await fetchPage(cursor);
    yield* page.data.items;
    const next = page.data.nextCursor;
    if (!next || page.data.hasMore === false || seen.has(next)) return;
    seen.add(next);
    cursor = next;
  }
}

type Operation = { readonly method: string; readonly path: string; readonly query: readonly string[]; readonly comma: readonly string[]; readonly headers: readonly string[]; readonly auth: readonly string[]; readonly body: boolean; readonly ifMatch: boolean; readonly ifNoneMatch: boolean; readonly idempotencyKey: boolean };

const fallbackCodes: Partial<Record<number, T.ErrorCode>> = { 400: "validation-failed", 401: "unauthenticated", 403: "forbidden", 412: "precondition-failed", 422: "validation-failed", 429: "rate-limited" };

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const base = { type: "about:blank", title: response.statusText || `HTTP ${response.status}`, status: response.status };
  if (typeof body === "object" && body !== null && typeof (body as { code?: unknown }).code === "string") {
    return new ApiError({ ...base, ...(body as T.Problem) }, response.headers);
  }
  const code = fallbackCodes[response.status] ?? "internal-error";
  return new ApiError({ ...base, code, ...(text ? { detail: text.slice(0, 500) } : {}) }, response.headers);
}

/** Creates the client: one method per operation, each resolving to `ApiResponse` or rejecting with `ApiError`. */
export function createClient(options: ClientOptions): Client {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const root = options.baseUrl.replace(/\/+$/, "");

  async function send(op: Operation, input: object | undefined, init: CallOptions | undefined): Promise<Response> {
    const values = (input ?? {}) as Record<string, unknown>;
    const path = op.path.replace(/\{([A-Za-z0-9]+)\}/g, (_match, name: string) => encodeURIComponent(String(values[name])));
    const search = new URLSearchParams();
    for (const name of op.query) {
      const value = values[name];
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) {
        if (op.comma.includes(name)) search.append(name, value.map(String).join(","));
        else for (const item of value) search.append(name, String(item));
      } else {
        search.append(name, String(value));
      }
    }
    const headers: Record<string, string> = { accept: "application/json, application/problem+json", ...options.headers };
    for (const name of op.headers) {
      const value = values[name];
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    }
    if (op.auth.includes("bearer") && options.token) {
      const token = await options.token();
      if (token) headers["authorization"] = `Bearer ${token}`;
    }
    // emit-client.ts: the API-key statement of the design, when it has an api-key scheme.
    if (op.ifMatch && typeof values["ifMatch"] === "string") headers["if-match"] = values["ifMatch"];
    if (op.ifNoneMatch && typeof values["ifNoneMatch"] === "string") headers["if-none-match"] = values["ifNoneMatch"];
    if (op.idempotencyKey && typeof values["idempotencyKey"] === "string") headers["idempotency-key"] = values["idempotencyKey"];
    let body: string | undefined;
    if (op.body && values["body"] !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(values["body"]);
    }
    Object.assign(headers, init?.headers);
    const query = search.toString();
    return fetchImpl(root + path + (query ? `?${query}` : ""), {
      method: op.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(init?.signal ? { signal: init.signal } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  async function call<Data>(op: Operation, input: object | undefined, init: CallOptions | undefined): Promise<ApiResponse<Data>> {
    const response = await send(op, input, init);
    if (!response.ok) throw await toApiError(response);
    const text = response.status === 204 ? "" : await response.text();
    return { notModified: false, data: (text ? JSON.parse(text) : undefined) as Data, status: response.status, etag: response.headers.get("etag") ?? undefined, headers: response.headers };
  }

  async function callConditional<Data>(op: Operation, input: object | undefined, init: CallOptions | undefined): Promise<ApiResponse<Data> | NotModified> {
    const response = await send(op, input, init);
    if (response.status === 304) return { notModified: true, data: undefined, status: 304, etag: response.headers.get("etag") ?? undefined, headers: response.headers };
    if (!response.ok) throw await toApiError(response);
    const text = response.status === 204 ? "" : await response.text();
    return { notModified: false, data: (text ? JSON.parse(text) : undefined) as Data, status: response.status, etag: response.headers.get("etag") ?? undefined, headers: response.headers };
  }

  return {
  getHealth: (init) => call(operations.getHealth, undefined, init),
  listThings: (input, init) => call(operations.listThings, input, init),
  getThing: ((input: GetThingInput, init?: CallOptions) => callConditional<T.Thing>(operations.getThing, input, init)) as Client["getThing"],
  };
}

// Stand-ins for what emit-client.ts derives from the design (none is spliced), as it writes them for a design
// with three operations: one without input, one with query and header parameters, one that revalidates.

/** How `createClient` reaches the API. */
export interface ClientOptions {
  baseUrl: string;
  token?: (() => Promise<string | undefined>) | undefined;
  fetch?: typeof fetch | undefined;
  headers?: Record<string, string> | undefined;
  credentials?: RequestCredentials | undefined;
}

const operations = {
  getHealth: { method: "GET", path: "/health", query: [], comma: [], headers: [], auth: [], body: false, ifMatch: false, ifNoneMatch: false, idempotencyKey: false },
  listThings: { method: "GET", path: "/things", query: ["cursor", "fields"], comma: ["fields"], headers: ["Accept-Language"], auth: ["bearer"], body: false, ifMatch: false, ifNoneMatch: false, idempotencyKey: false },
  getThing: { method: "GET", path: "/things/{thingId}", query: [], comma: [], headers: [], auth: ["bearer"], body: false, ifMatch: false, ifNoneMatch: true, idempotencyKey: false },
} as const satisfies Record<keyof T.Endpoints, Operation>;

/** The API: one method per operation. */
export interface Client {
  getHealth(init?: CallOptions): Promise<ApiResponse<T.Health>>;
  listThings(input?: ListThingsInput, init?: CallOptions): Promise<ApiResponse<T.ThingPage>>;
  getThing(input: GetThingInput & { ifNoneMatch?: undefined }, init?: CallOptions): Promise<ApiResponse<T.Thing>>;
  getThing(input: GetThingInput, init?: CallOptions): Promise<ApiResponse<T.Thing> | NotModified>;
}

/** Input of `listThings`. */
export interface ListThingsInput {
  cursor?: string | undefined;
  fields?: ("id" | "name")[] | undefined;
  "Accept-Language"?: string | undefined;
}

/** Input of `getThing`. */
export interface GetThingInput {
  thingId: string;
  ifNoneMatch?: string | undefined;
}
