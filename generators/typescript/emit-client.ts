/**
 * `client.ts`: a dependency-free typed client over `fetch` — one method per operation, bearer
 * (and api-key) credentials from async providers, problem+json errors (RFC 9457) raised as
 * `ApiError` carrying the catalog `code`, ETag / If-Match, If-None-Match (304 → `NotModified`) and
 * Idempotency-Key headers where the design declares them, and `paginate()` walking cursor pages. It imports only types from
 * `./types.ts`, so the runtime needs nothing but `fetch`; the syntax is erasable (no enums,
 * namespaces or parameter properties), so Node's type stripping runs it as is.
 */
import {
  StructureKind,
  VariableDeclarationKind,
  type FunctionDeclarationStructure,
  type InterfaceDeclarationStructure,
  type MethodSignatureStructure,
  type OptionalKind,
  type PropertySignatureStructure,
} from "ts-morph";
import { blockStatement, jsDoc, printFile, type Statement } from "./print.ts";
import { docText, paramType, propName, type EndpointModel, type TsModel } from "./model.ts";

const qualify = (name: string) => `T.${name}`;

/** Input property names the client reserves for a feature of the operation. */
export const RESERVED_INPUT: ReadonlyArray<{ name: string; applies: (e: EndpointModel) => boolean }> = [
  { name: "body", applies: (e) => e.body !== undefined },
  { name: "ifMatch", applies: (e) => e.ifMatch },
  { name: "ifNoneMatch", applies: (e) => e.ifNoneMatch },
  { name: "idempotencyKey", applies: (e) => e.idempotencyKey },
];

const pascal = (s: string) => s[0]!.toUpperCase() + s.slice(1);
export const inputName = (e: EndpointModel) => `${pascal(e.operationId)}Input`;

function inputProps(e: EndpointModel): Array<OptionalKind<PropertySignatureStructure>> {
  const props: Array<OptionalKind<PropertySignatureStructure>> = e.params.map((p) => ({
    name: propName(p.name),
    type: p.required ? paramType(p, qualify) : `${paramType(p, qualify)} | undefined`,
    hasQuestionToken: !p.required,
    docs: jsDoc(docText(p.doc, p.in === "header" ? `Sent as the \`${p.name}\` header.` : undefined)),
  }));
  if (e.body) props.push({ name: "body", type: qualify(e.body), docs: jsDoc("The request body.") });
  if (e.ifMatch)
    props.push({
      name: "ifMatch",
      type: "string",
      docs: jsDoc(
        "The ETag of the version being changed (`etag` of an earlier response); a stale one fails with `precondition-failed`.",
      ),
    });
  if (e.ifNoneMatch) {
    props.push({
      name: "ifNoneMatch",
      type: "string | undefined",
      hasQuestionToken: true,
      docs: jsDoc(
        "The ETag of the copy you hold (`etag` of an earlier response), sent as If-None-Match: while it is current the answer is `NotModified` (304), with no body.",
      ),
    });
  }
  if (e.idempotencyKey) {
    props.push({
      name: "idempotencyKey",
      type: "string | undefined",
      hasQuestionToken: true,
      docs: jsDoc("Sent as Idempotency-Key: reuse the same key when retrying so the server applies the request once."),
    });
  }
  return props;
}

function inputInterface(e: EndpointModel): InterfaceDeclarationStructure {
  return {
    kind: StructureKind.Interface,
    name: inputName(e),
    isExported: true,
    docs: jsDoc(`Input of \`${e.operationId}\`.`),
    properties: inputProps(e),
  };
}

function methodDoc(e: EndpointModel): ReturnType<typeof jsDoc> {
  const tags: Array<{ tagName: string; text?: string }> = [];
  if (e.deprecated) {
    const d = e.deprecated;
    const text = docText(
      [
        `Since ${d.since}.`,
        d.sunset ? `Removed after ${d.sunset}.` : "",
        d.replacement ? `Use \`${d.replacement}\`.` : "",
        d.reason ?? "",
      ]
        .filter(Boolean)
        .join(" "),
    );
    tags.push({ tagName: "deprecated", ...(text ? { text } : {}) });
  }
  tags.push({ tagName: "throws", text: `{ApiError} with one of: ${e.errors.map((c) => `\`${c}\``).join(", ")}.` });
  return jsDoc(docText(`${e.summary}`, e.description, `\`${e.method} ${e.path}\``), tags);
}

/**
 * The method's signature; a revalidating GET has two: without `ifNoneMatch` it resolves to the
 * data as any other call, with one it may resolve to `NotModified`.
 */
function clientMethods(e: EndpointModel): Array<OptionalKind<MethodSignatureStructure>> {
  const props = inputProps(e);
  const optional = props.every((p) => p.hasQuestionToken);
  const init = { name: "init", type: "CallOptions", hasQuestionToken: true };
  const response = `ApiResponse<${e.responseType ? qualify(e.responseType) : "undefined"}>`;
  if (props.length === 0)
    return [{ name: e.operationId, parameters: [init], returnType: `Promise<${response}>`, docs: methodDoc(e) }];
  const input = (type: string) => ({ name: "input", type, hasQuestionToken: optional });
  if (!e.ifNoneMatch)
    return [
      {
        name: e.operationId,
        parameters: [input(inputName(e)), init],
        returnType: `Promise<${response}>`,
        docs: methodDoc(e),
      },
    ];
  return [
    {
      name: e.operationId,
      parameters: [input(`${inputName(e)} & { ifNoneMatch?: undefined }`), init],
      returnType: `Promise<${response}>`,
      docs: methodDoc(e),
    },
    {
      name: e.operationId,
      parameters: [input(inputName(e)), init],
      returnType: `Promise<${response} | NotModified>`,
      docs: methodDoc(e),
    },
  ];
}

function operationEntry(e: EndpointModel): readonly [string, string] {
  const list = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`;
  const names = (where: string) => e.params.filter((p) => p.in === where).map((p) => p.name);
  const fields = [
    `method: ${JSON.stringify(e.method)}`,
    `path: ${JSON.stringify(e.path)}`,
    `query: ${list(names("query"))}`,
    `comma: ${list(e.params.filter((p) => p.commaSeparated).map((p) => p.name))}`,
    `headers: ${list(names("header"))}`,
    `auth: ${list(e.auth)}`,
    `body: ${e.body !== undefined}`,
    `ifMatch: ${e.ifMatch}`,
    `ifNoneMatch: ${e.ifNoneMatch}`,
    `idempotencyKey: ${e.idempotencyKey}`,
  ];
  return [e.operationId, `{ ${fields.join(", ")} }`];
}

function implementation(e: EndpointModel): string {
  const hasInput = inputProps(e).length > 0;
  if (e.ifNoneMatch) {
    // One implementation for both overloads: it answers NotModified only to a request that sent If-None-Match.
    const data = e.responseType ? qualify(e.responseType) : "undefined";
    // ifNoneMatch is an input, so a revalidating operation always has one (optional when every part is).
    const input = `input${inputProps(e).every((p) => p.hasQuestionToken) ? "?" : ""}: ${inputName(e)}`;
    return `${e.operationId}: ((${input}, init?: CallOptions) => callConditional<${data}>(operations.${e.operationId}, input, init)) as Client["${e.operationId}"],`;
  }
  return hasInput
    ? `${e.operationId}: (input, init) => call(operations.${e.operationId}, input, init),`
    : `${e.operationId}: (init) => call(operations.${e.operationId}, undefined, init),`;
}

const FALLBACK_CODES: ReadonlyArray<readonly [number, string]> = [
  [400, "validation-failed"],
  [401, "unauthenticated"],
  [403, "forbidden"],
  [412, "precondition-failed"],
  [422, "validation-failed"],
  [429, "rate-limited"],
];

function runtime(model: TsModel): Statement[] {
  const hasApiKey = model.apiKey !== undefined;
  const hasSession = model.endpoints.some((e) => e.auth.includes("session"));
  const apiKeyLine = model.apiKey
    ? model.apiKey.in === "header"
      ? `if (op.auth.includes("apiKey") && options.apiKey && !headers["authorization"]) { const key = await options.apiKey(); if (key) headers[${JSON.stringify(model.apiKey.name.toLowerCase())}] = key; }\n`
      : `if (op.auth.includes("apiKey") && options.apiKey && !headers["authorization"]) { const key = await options.apiKey(); if (key) search.append(${JSON.stringify(model.apiKey.name)}, key); }\n`
    : "";
  const sendBody = `const values = (input ?? {}) as Record<string, unknown>;
const path = op.path.replace(/\\{([A-Za-z0-9]+)\\}/g, (_match, name: string) => encodeURIComponent(String(values[name])));
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
  if (token) headers["authorization"] = \`Bearer \${token}\`;
}
${apiKeyLine}if (op.ifMatch && typeof values["ifMatch"] === "string") headers["if-match"] = values["ifMatch"];
if (op.ifNoneMatch && typeof values["ifNoneMatch"] === "string") headers["if-none-match"] = values["ifNoneMatch"];
if (op.idempotencyKey && typeof values["idempotencyKey"] === "string") headers["idempotency-key"] = values["idempotencyKey"];
let body: string | undefined;
if (op.body && values["body"] !== undefined) {
  headers["content-type"] = "application/json";
  body = JSON.stringify(values["body"]);
}
Object.assign(headers, init?.headers);
const query = search.toString();
return fetchImpl(root + path + (query ? \`?\${query}\` : ""), {
  method: op.method,
  headers,
  ...(body !== undefined ? { body } : {}),
  ...(init?.signal ? { signal: init.signal } : {}),
  ...(options.credentials ? { credentials: options.credentials } : {}),
});`;
  const readBody = `if (!response.ok) throw await toApiError(response);
const text = response.status === 204 ? "" : await response.text();
return { notModified: false, data: (text ? JSON.parse(text) : undefined) as Data, status: response.status, etag: response.headers.get("etag") ?? undefined, headers: response.headers };`;
  // Each of call / callConditional is emitted only when an operation uses it (noUnusedLocals).
  const revalidates = model.endpoints.some((e) => e.ifNoneMatch);
  const plain = model.endpoints.some((e) => !e.ifNoneMatch);

  const operationShape = `{ readonly method: string; readonly path: string; readonly query: readonly string[]; readonly comma: readonly string[]; readonly headers: readonly string[]; readonly auth: readonly string[]; readonly body: boolean; readonly ifMatch: boolean; readonly ifNoneMatch: boolean; readonly idempotencyKey: boolean }`;
  const opsEntries = model.endpoints.map(operationEntry);
  const operations = blockStatement(
    undefined,
    "const operations = {",
    opsEntries.map(([k, v]) => `${k}: ${v},`),
    "} as const satisfies Record<keyof T.Endpoints, Operation>;",
  );

  return [
    `import type * as T from "./types.ts";`,
    blockStatement(
      `The API's servers, base path included: pass one as \`baseUrl\`.`,
      "export const servers = {",
      model.servers.map((s) => `${propName(s.name)}: ${JSON.stringify(s.url)},`),
      "} as const;",
    ),
    {
      kind: StructureKind.Interface,
      name: "ClientOptions",
      isExported: true,
      docs: jsDoc("How `createClient` reaches the API."),
      properties: [
        {
          name: "baseUrl",
          type: "string",
          docs: jsDoc(
            `Server URL including the base path, e.g. \`${model.servers[0]?.url ?? `https://api.example.com${model.versionedBasePath}`}\` (see \`servers\`).`,
          ),
        },
        {
          name: "token",
          type: "(() => Promise<string | undefined>) | undefined",
          hasQuestionToken: true,
          docs: jsDoc(
            "Returns the current access token, sent as `Authorization: Bearer …`; called before every authenticated request, so it can refresh.",
          ),
        },
        ...(hasApiKey
          ? [
              {
                name: "apiKey",
                type: "(() => Promise<string | undefined>) | undefined",
                hasQuestionToken: true,
                docs: jsDoc(
                  `Returns the API key, sent as \`${model.apiKey!.name}\` (${model.apiKey!.in}) to operations that accept one when no bearer token is available.`,
                ),
              },
            ]
          : []),
        {
          name: "fetch",
          type: "typeof fetch | undefined",
          hasQuestionToken: true,
          docs: jsDoc(
            "The fetch implementation (defaults to the global one): for polyfills, tests, retries or logging.",
          ),
        },
        {
          name: "headers",
          type: "Record<string, string> | undefined",
          hasQuestionToken: true,
          docs: jsDoc("Headers sent with every request (lower-case names)."),
        },
        {
          name: "credentials",
          type: "RequestCredentials | undefined",
          hasQuestionToken: true,
          docs: jsDoc(
            hasSession
              ? "Cookie policy of fetch; `include` sends the session cookie cross-origin."
              : "Cookie policy of fetch.",
          ),
        },
      ],
    },
    {
      kind: StructureKind.Interface,
      name: "CallOptions",
      isExported: true,
      docs: jsDoc("Per-call options."),
      properties: [
        { name: "signal", type: "AbortSignal | undefined", hasQuestionToken: true, docs: jsDoc("Aborts the request.") },
        {
          name: "headers",
          type: "Record<string, string> | undefined",
          hasQuestionToken: true,
          docs: jsDoc("Extra headers for this call (lower-case names)."),
        },
      ],
    },
    {
      kind: StructureKind.Interface,
      name: "ApiResponse",
      isExported: true,
      typeParameters: ["Data"],
      docs: jsDoc("A successful response."),
      properties: [
        {
          name: "notModified",
          type: "false",
          docs: jsDoc("`false`: this response carries the current representation (see `NotModified`)."),
        },
        { name: "data", type: "Data", docs: jsDoc("The parsed JSON body (`undefined` for 204 No Content).") },
        { name: "status", type: "number", docs: jsDoc("The HTTP status.") },
        {
          name: "etag",
          type: "string | undefined",
          docs: jsDoc("The ETag header: pass it as `ifMatch` to update this version."),
        },
        { name: "headers", type: "Headers", docs: jsDoc("All response headers.") },
      ],
    },
    {
      kind: StructureKind.Interface,
      name: "NotModified",
      isExported: true,
      docs: jsDoc("304 Not Modified: the copy whose ETag was sent as `ifNoneMatch` is still current; keep using it."),
      properties: [
        { name: "notModified", type: "true" },
        { name: "data", type: "undefined", docs: jsDoc("No body: use the copy you hold.") },
        { name: "status", type: "304" },
        { name: "etag", type: "string | undefined", docs: jsDoc("The ETag header (the same version).") },
        { name: "headers", type: "Headers", docs: jsDoc("All response headers (Cache-Control may have changed).") },
      ],
    },
    {
      kind: StructureKind.Class,
      name: "ApiError",
      isExported: true,
      extends: "Error",
      docs: jsDoc("An error response, decoded from `application/problem+json` (RFC 9457). Switch on `code`."),
      properties: [
        { name: "status", type: "number", isReadonly: true, docs: jsDoc("The HTTP status.") },
        { name: "code", type: "T.ErrorCode", isReadonly: true, docs: jsDoc("The error catalog code.") },
        { name: "problem", type: "T.Problem", isReadonly: true, docs: jsDoc("The whole problem document.") },
        {
          name: "headers",
          type: "Headers",
          isReadonly: true,
          docs: jsDoc("Response headers (e.g. Retry-After on `rate-limited`)."),
        },
      ],
      ctors: [
        {
          parameters: [
            { name: "problem", type: "T.Problem" },
            { name: "headers", type: "Headers" },
          ],
          statements: `super(problem.detail ?? problem.title);\nthis.name = "ApiError";\nthis.status = problem.status;\nthis.code = problem.code;\nthis.problem = problem;\nthis.headers = headers;`,
        },
      ],
    },
    {
      kind: StructureKind.Function,
      name: "isApiError",
      isExported: true,
      docs: jsDoc("True for an `ApiError` (also across bundles, where `instanceof` can fail)."),
      parameters: [{ name: "error", type: "unknown" }],
      returnType: "error is ApiError",
      statements: `return error instanceof ApiError || (error instanceof Error && error.name === "ApiError" && typeof (error as { code?: unknown }).code === "string");`,
    },
    {
      kind: StructureKind.Function,
      name: "paginate",
      isExported: true,
      isAsync: true,
      isGenerator: true,
      typeParameters: ["Item"],
      docs: jsDoc(
        "Walks a cursor-paginated operation, yielding every item of every page:\n`for await (const item of paginate((cursor) => client.listThings({ cursor }))) …`",
      ),
      parameters: [
        {
          name: "fetchPage",
          type: "(cursor: string | undefined) => Promise<ApiResponse<{ items: Item[]; nextCursor: string | null; hasMore?: boolean }>>",
        },
      ],
      returnType: "AsyncGenerator<Item, void, undefined>",
      statements: `let cursor: string | undefined;
const seen = new Set<string>();
while (true) {
  const page = await fetchPage(cursor);
  yield* page.data.items;
  const next = page.data.nextCursor;
  if (!next || page.data.hasMore === false || seen.has(next)) return;
  seen.add(next);
  cursor = next;
}`,
    },
    {
      kind: StructureKind.TypeAlias,
      name: "Operation",
      type: operationShape,
    },
    operations,
    {
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [
        {
          name: "fallbackCodes",
          type: "Partial<Record<number, T.ErrorCode>>",
          initializer: `{ ${FALLBACK_CODES.map(([s, c]) => `${s}: ${JSON.stringify(c)}`).join(", ")} }`,
        },
      ],
    },
    {
      kind: StructureKind.Function,
      name: "toApiError",
      isAsync: true,
      parameters: [{ name: "response", type: "Response" }],
      returnType: "Promise<ApiError>",
      statements: `const text = await response.text();
let body: unknown;
try {
  body = text ? JSON.parse(text) : undefined;
} catch {
  body = undefined;
}
const base = { type: "about:blank", title: response.statusText || \`HTTP \${response.status}\`, status: response.status };
if (typeof body === "object" && body !== null && typeof (body as { code?: unknown }).code === "string") {
  return new ApiError({ ...base, ...(body as T.Problem) }, response.headers);
}
const code = fallbackCodes[response.status] ?? "internal-error";
return new ApiError({ ...base, code, ...(text ? { detail: text.slice(0, 500) } : {}) }, response.headers);`,
    },
    {
      kind: StructureKind.Function,
      name: "createClient",
      isExported: true,
      docs: jsDoc(
        "Creates the client: one method per operation, each resolving to `ApiResponse` or rejecting with `ApiError`.",
      ),
      parameters: [{ name: "options", type: "ClientOptions" }],
      returnType: "Client",
      statements: [
        `const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);`,
        `const root = options.baseUrl.replace(/\\/+$/, "");`,
        {
          kind: StructureKind.Function,
          name: "send",
          isAsync: true,
          parameters: [
            { name: "op", type: "Operation" },
            { name: "input", type: "object | undefined" },
            { name: "init", type: "CallOptions | undefined" },
          ],
          returnType: "Promise<Response>",
          statements: sendBody,
        },
        ...(plain
          ? [
              {
                kind: StructureKind.Function,
                name: "call",
                isAsync: true,
                typeParameters: ["Data"],
                parameters: [
                  { name: "op", type: "Operation" },
                  { name: "input", type: "object | undefined" },
                  { name: "init", type: "CallOptions | undefined" },
                ],
                returnType: "Promise<ApiResponse<Data>>",
                statements: `const response = await send(op, input, init);\n${readBody}`,
              } satisfies FunctionDeclarationStructure,
            ]
          : []),
        ...(revalidates
          ? [
              {
                kind: StructureKind.Function,
                name: "callConditional",
                isAsync: true,
                typeParameters: ["Data"],
                parameters: [
                  { name: "op", type: "Operation" },
                  { name: "input", type: "object | undefined" },
                  { name: "init", type: "CallOptions | undefined" },
                ],
                returnType: "Promise<ApiResponse<Data> | NotModified>",
                statements: `const response = await send(op, input, init);
if (response.status === 304) return { notModified: true, data: undefined, status: 304, etag: response.headers.get("etag") ?? undefined, headers: response.headers };
${readBody}`,
              } satisfies FunctionDeclarationStructure,
            ]
          : []),
        `return {\n${model.endpoints.map(implementation).join("\n")}\n};`,
      ],
    },
  ];
}

/** The text of `client.ts`. */
export function emitClient(model: TsModel): string {
  const client: InterfaceDeclarationStructure = {
    kind: StructureKind.Interface,
    name: "Client",
    isExported: true,
    docs: jsDoc("The API: one method per operation."),
    methods: model.endpoints.flatMap(clientMethods),
  };
  return printFile([
    ...runtime(model),
    client,
    ...model.endpoints.filter((e) => inputProps(e).length > 0).map(inputInterface),
  ]);
}
