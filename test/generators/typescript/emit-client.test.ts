/**
 * The generated client against a real HTTP server on loopback: a tiny in-memory Listly serving a
 * few operations. client.ts is made runnable by Node's own type stripping
 * (`module.stripTypeScriptTypes`), which only accepts erasable syntax — so this also proves the
 * file needs no TypeScript compiler to run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { stripTypeScriptTypes } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadFixture } from "../../helpers.ts";
import { generateTypeScript, CLIENT_FILE } from "../../../generators/typescript/index.ts";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

interface Item {
  id: string;
  listId: string;
  title: string;
  version: number;
  [k: string]: unknown;
}

const LIST = "0b6f4e2a-8c55-4f49-9a51-6a3c1f1d2e01";
const TOKEN = "secret-token";

/** A few listly operations, in memory, with problem+json errors. */
function listlyServer(seen: Seen[]) {
  const items: Item[] = [];
  const byKey = new Map<string, Item>();
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
  };
  const problem = (
    res: ServerResponse,
    status: number,
    code: string,
    title: string,
    extra: Record<string, unknown> = {},
  ) => {
    res.writeHead(status, { "content-type": "application/problem+json" });
    res.end(JSON.stringify({ type: `https://api.listly.example/problems/${code}`, title, status, code, ...extra }));
  };
  const etag = (i: Item) => `"v${i.version}"`;
  const view = ({ version: _v, ...rest }: Item) => rest;

  return (req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const url = new URL(req.url!, "http://x");
      const parts = url.pathname.split("/").slice(1); // ["api", "v1", ...]
      if (parts[0] !== "api" || parts[1] !== "v1") return problem(res, 404, "internal-error", "No route");
      const route = parts.slice(2);
      if (route[0] === "health") {
        res.writeHead(503, { "content-type": "text/html" });
        return res.end("<html>down for maintenance</html>");
      }
      if (req.headers.authorization !== `Bearer ${TOKEN}`)
        return problem(res, 401, "unauthenticated", "Authentication required");
      if (route[0] === "lists" && route.length === 1)
        return send(res, 200, { items: [], nextCursor: null, hasMore: false });
      if (route[0] !== "lists" || route[2] !== "items") return problem(res, 404, "internal-error", "No route");
      if (decodeURIComponent(route[1]!) !== LIST)
        return problem(res, 404, "list-not-found", "List not found", {
          detail: `no list ${decodeURIComponent(route[1]!)}`,
        });
      const itemId = route[3] !== undefined ? decodeURIComponent(route[3]) : undefined;

      if (req.method === "POST" && itemId === undefined) {
        const key = req.headers["idempotency-key"];
        if (typeof key === "string" && byKey.has(key))
          return send(res, 201, view(byKey.get(key)!), { etag: etag(byKey.get(key)!) });
        const input = JSON.parse(body) as { title?: unknown };
        if (typeof input.title !== "string" || input.title === "") {
          return problem(res, 422, "validation-failed", "Invalid request", {
            errors: [{ pointer: "/title", detail: "Required." }],
          });
        }
        const item: Item = { ...input, id: `item-${items.length + 1}`, listId: LIST, title: input.title, version: 1 };
        items.push(item);
        if (typeof key === "string") byKey.set(key, item);
        return send(res, 201, view(item), { etag: etag(item) });
      }
      if (req.method === "GET" && itemId === undefined) {
        const start = Number(url.searchParams.get("cursor") ?? "0");
        const limit = Number(url.searchParams.get("limit") ?? "25");
        const page = items.slice(start, start + limit);
        const more = start + limit < items.length;
        return send(res, 200, {
          items: page.map(view),
          nextCursor: more ? String(start + limit) : null,
          hasMore: more,
        });
      }
      const item = items.find((i) => i.id === itemId);
      if (!item) return problem(res, 404, "item-not-found", "Item not found");
      if (req.method === "GET") {
        if (req.headers["if-none-match"] === etag(item)) {
          res.writeHead(304, { etag: etag(item) });
          return res.end();
        }
        return send(res, 200, view(item), { etag: etag(item) });
      }
      if (req.method === "PATCH") {
        if (req.headers["if-match"] !== etag(item)) return problem(res, 412, "precondition-failed", "Resource changed");
        Object.assign(item, JSON.parse(body), { version: item.version + 1 });
        return send(res, 200, view(item), { etag: etag(item) });
      }
      return problem(res, 404, "internal-error", "No route");
    });
  };
}

// The generated module, loaded at runtime: its types are proven by the compile-time tests.
type Client = Record<
  string,
  (input?: unknown, init?: unknown) => Promise<{ data: any; status: number; etag: string | undefined }>
>;
interface ClientModule {
  createClient(options: { baseUrl: string; token?: () => Promise<string | undefined> }): Client;
  paginate<T>(fetchPage: (cursor: string | undefined) => Promise<unknown>): AsyncGenerator<T>;
  ApiError: new (
    ...args: never[]
  ) => Error & { code: string; status: number; problem: Record<string, unknown>; headers: Headers };
  isApiError(e: unknown): boolean;
  servers: Record<string, string>;
}

describe("client.ts against a loopback HTTP server (listly)", () => {
  const seen: Seen[] = [];
  let server: Server;
  let dir: string;
  let mod: ClientModule;
  let client: Client;
  let baseUrl: string;

  beforeAll(async () => {
    const { files } = generateTypeScript(await loadFixture("listly"));
    dir = await mkdtemp(join(tmpdir(), "contractor-ts-client-"));
    for (const f of files) await writeFile(join(dir, f.path), f.contents);
    const js = stripTypeScriptTypes(files.find((f) => f.path === CLIENT_FILE)!.contents);
    await writeFile(join(dir, "client.mjs"), js);
    mod = (await import(pathToFileURL(join(dir, "client.mjs")).href)) as ClientModule;
    server = createServer(listlyServer(seen));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
    client = mod.createClient({ baseUrl, token: async () => TOKEN });
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("exports the servers of the design with the base path", () => {
    expect(mod.servers).toStrictEqual({
      production: "https://api.listly.example/api/v1",
      staging: "https://api.staging.listly.example/api/v1",
    });
  });

  it("a typed call: JSON body, bearer token, Idempotency-Key, 201 with data and ETag", async () => {
    const res = await client.createItem!({
      listId: LIST,
      body: { title: "Oat milk", quantity: "2.000" },
      idempotencyKey: "key-1",
    });
    expect(res.status).toBe(201);
    expect(res.data).toMatchObject({ id: "item-1", listId: LIST, title: "Oat milk", quantity: "2.000" });
    expect(res.etag).toBe('"v1"');
    const req = seen.at(-1)!;
    expect([req.method, req.url]).toStrictEqual(["POST", `/api/v1/lists/${LIST}/items`]);
    expect(req.headers["authorization"]).toBe(`Bearer ${TOKEN}`);
    expect(req.headers["idempotency-key"]).toBe("key-1");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req.body)).toStrictEqual({ title: "Oat milk", quantity: "2.000" });
    // A retry with the same key is answered with the same item.
    const retry = await client.createItem!({ listId: LIST, body: { title: "Oat milk" }, idempotencyKey: "key-1" });
    expect(retry.data.id).toBe("item-1");
  });

  it("a paginated walk across pages with paginate()", async () => {
    for (let i = 2; i <= 5; i++) await client.createItem!({ listId: LIST, body: { title: `Item ${i}` } });
    const before = seen.length;
    const titles: string[] = [];
    for await (const item of mod.paginate<{ title: string }>((cursor) =>
      client.listItems!({ listId: LIST, cursor, limit: 2 }),
    ))
      titles.push(item.title);
    expect(titles).toStrictEqual(["Oat milk", "Item 2", "Item 3", "Item 4", "Item 5"]);
    expect(seen.slice(before).map((r) => r.url)).toStrictEqual([
      `/api/v1/lists/${LIST}/items?limit=2`,
      `/api/v1/lists/${LIST}/items?cursor=2&limit=2`,
      `/api/v1/lists/${LIST}/items?cursor=4&limit=2`,
    ]);
  });

  it("If-Match: the ETag of a read updates; a stale one is a precondition-failed ApiError", async () => {
    const current = await client.getItem!({ listId: LIST, itemId: "item-2" });
    const updated = await client.updateItem!({
      listId: LIST,
      itemId: "item-2",
      body: { checked: true },
      ifMatch: current.etag,
    });
    expect(seen.at(-1)!.headers["if-match"]).toBe('"v1"');
    expect([updated.status, updated.etag, updated.data.checked]).toStrictEqual([200, '"v2"', true]);
    const stale = await client.updateItem!({
      listId: LIST,
      itemId: "item-2",
      body: { checked: false },
      ifMatch: current.etag,
    }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(mod.ApiError);
    expect(stale).toMatchObject({ code: "precondition-failed", status: 412 });
  });

  it("If-None-Match: a current ETag is answered NotModified (304, no body); a stale one with the data", async () => {
    const current = await client.getItem!({ listId: LIST, itemId: "item-3" });
    expect(current).toMatchObject({ notModified: false, status: 200 });
    const same = await client.getItem!({ listId: LIST, itemId: "item-3", ifNoneMatch: current.etag });
    expect(seen.at(-1)!.headers["if-none-match"]).toBe(current.etag);
    expect(same).toMatchObject({ notModified: true, status: 304, data: undefined, etag: current.etag });
    await client.updateItem!({ listId: LIST, itemId: "item-3", body: { checked: true }, ifMatch: current.etag });
    const changed = await client.getItem!({ listId: LIST, itemId: "item-3", ifNoneMatch: current.etag });
    expect(changed).toMatchObject({ notModified: false, status: 200, data: { id: "item-3", checked: true } });
    expect(changed.etag).not.toBe(current.etag);
    // Without ifNoneMatch no conditional header is sent.
    await client.getItem!({ listId: LIST, itemId: "item-3" });
    expect(seen.at(-1)!.headers["if-none-match"]).toBeUndefined();
  });

  it("an error response is decoded from problem+json into an ApiError with its code", async () => {
    const error = await client.getItem!({ listId: LIST, itemId: "nope" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(mod.ApiError);
    expect(mod.isApiError(error)).toBe(true);
    const e = error as InstanceType<ClientModule["ApiError"]>;
    expect([e.code, e.status, e.message, e.name]).toStrictEqual(["item-not-found", 404, "Item not found", "ApiError"]);
    expect(e.problem).toStrictEqual({
      type: "https://api.listly.example/problems/item-not-found",
      title: "Item not found",
      status: 404,
      code: "item-not-found",
    });
  });

  it("validation errors carry the field errors of the problem", async () => {
    const e = (await client.createItem!({ listId: LIST, body: { title: "" } }).catch(
      (x: unknown) => x,
    )) as InstanceType<ClientModule["ApiError"]>;
    expect([e.code, e.status]).toStrictEqual(["validation-failed", 422]);
    expect(e.problem["errors"]).toStrictEqual([{ pointer: "/title", detail: "Required." }]);
  });

  it("path parameters are encoded with encodeURIComponent", async () => {
    const e = (await client.getItem!({ listId: "a/b?c", itemId: "x y" }).catch((x: unknown) => x)) as InstanceType<
      ClientModule["ApiError"]
    >;
    expect(seen.at(-1)!.url).toBe("/api/v1/lists/a%2Fb%3Fc/items/x%20y");
    expect([e.code, e.problem["detail"]]).toStrictEqual(["list-not-found", "no list a/b?c"]);
  });

  it("query parameters: booleans and sparse fields (comma-separated)", async () => {
    await client.listLists!({ archived: true, fields: ["id", "title"] });
    expect(seen.at(-1)!.url).toBe("/api/v1/lists?archived=true&fields=id%2Ctitle");
  });

  it("without a token the server's 401 arrives as unauthenticated", async () => {
    const anonymous = mod.createClient({ baseUrl });
    const e = (await anonymous.getMe!().catch((x: unknown) => x)) as InstanceType<ClientModule["ApiError"]>;
    expect(seen.at(-1)!.headers["authorization"]).toBeUndefined();
    expect([e.code, e.status]).toStrictEqual(["unauthenticated", 401]);
  });

  it("a non-problem error body falls back to a code by status, keeping the text as detail", async () => {
    const e = (await client.getHealth!().catch((x: unknown) => x)) as InstanceType<ClientModule["ApiError"]>;
    expect(seen.at(-1)!.headers["authorization"]).toBeUndefined(); // a public operation sends no token
    expect([e.code, e.status, e.problem["detail"]]).toStrictEqual([
      "internal-error",
      503,
      "<html>down for maintenance</html>",
    ]);
  });
});

describe("client.ts with an injected fetch (marketplace: header parameters, API keys)", () => {
  const calls: Array<{ url: string; method: string; headers: Record<string, string> }> = [];
  let mod: ClientModule & { createClient(options: Record<string, unknown>): Client };
  let dir: string;

  beforeAll(async () => {
    const { files } = generateTypeScript(await loadFixture("marketplace"));
    dir = await mkdtemp(join(tmpdir(), "contractor-ts-client-"));
    await writeFile(join(dir, "client.mjs"), stripTypeScriptTypes(files.find((f) => f.path === CLIENT_FILE)!.contents));
    mod = (await import(pathToFileURL(join(dir, "client.mjs")).href)) as typeof mod;
  }, 120_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const fakeFetch = async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: String(url),
      method: init?.method ?? "GET",
      headers: { ...(init?.headers as Record<string, string>) },
    });
    return new Response(JSON.stringify({ items: [], nextCursor: null, hasMore: false }), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  };

  it("sends declared header parameters and query values, and no credentials to a public operation", async () => {
    const client = mod.createClient({
      baseUrl: "https://api.example/api/v1/",
      fetch: fakeFetch,
      token: async () => "tok",
    });
    await client.searchListings!({ q: "lamp", minPrice: "10.00", "Accept-Language": "de-DE" });
    const call = calls.at(-1)!;
    expect([call.method, call.url]).toStrictEqual(["GET", "https://api.example/api/v1/listings?q=lamp&minPrice=10.00"]);
    expect(call.headers["accept-language"]).toBe("de-DE");
    expect(call.headers["authorization"]).toBeUndefined();
  });

  it("sends the API key header to operations of an api-key scheme", async () => {
    const client = mod.createClient({
      baseUrl: "https://api.example/api/v1",
      fetch: fakeFetch,
      apiKey: async () => "partner-key",
    });
    await client.partnerListOrders!({ updatedSince: "2026-01-01T00:00:00Z" });
    expect(calls.at(-1)!.url).toBe("https://api.example/api/v1/partner/orders?updatedSince=2026-01-01T00%3A00%3A00Z");
    expect(calls.at(-1)!.headers["x-api-key"]).toBe("partner-key");
    expect(calls.at(-1)!.headers["authorization"]).toBeUndefined();
  });
});
