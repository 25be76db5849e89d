/**
 * `client.ts`: a dependency-free typed client over `fetch` — one method per operation, bearer
 * (and api-key) credentials from async providers, problem+json errors (RFC 9457) raised as
 * `ApiError` carrying the catalog `code`, ETag / If-Match, If-None-Match (304 → `NotModified`) and
 * Idempotency-Key headers where the design declares them, and `paginate()` walking cursor pages. It imports only types from
 * `./types.ts`, so the runtime needs nothing but `fetch`; the syntax is erasable (no enums,
 * namespaces or parameter properties), so Node's type stripping runs it as is.
 */
import { readFileSync } from "node:fs";
import {
  StructureKind,
  ts,
  type InterfaceDeclarationStructure,
  type MethodSignatureStructure,
  type OptionalKind,
  type PropertySignatureStructure,
} from "ts-morph";
import { blockStatement, jsDoc, printFile, type Statement } from "./print.ts";
import { docText, paramType, propName, type EndpointModel, type TsModel } from "./model.ts";
import { assert } from "../../src/design/diagnostics.ts";

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

/** The fixed part of client.ts: a type-checked TypeScript file beside this module, read as text. */
const RUNTIME_FILE = new URL("./runtime/client-runtime.ts", import.meta.url);

/** The comment line of the runtime's `send` that the design's API-key statement replaces. */
const API_KEY_MARKER = "// emit-client.ts: the API-key statement of the design, when it has an api-key scheme.";

/** The runtime declarations that client.ts holds as written, before and after the design's `operations`. */
const BEFORE_OPERATIONS = [
  "CallOptions",
  "ApiResponse",
  "NotModified",
  "ApiError",
  "isApiError",
  "paginate",
  "Operation",
];
const AFTER_OPERATIONS = ["fallbackCodes", "toApiError"];

interface Range {
  readonly start: number;
  readonly end: number;
}

interface ClientRuntime {
  /** The import of types.ts, as written. */
  readonly imports: string;
  /** Each top-level declaration by name, as written, JSDoc included. */
  readonly declarations: ReadonlyMap<string, string>;
  /** `createClient` as written, with the parts the design decides as ranges into `text`. */
  readonly createClient: {
    readonly text: string;
    /** The marker line, its indentation and line break included. */
    readonly apiKey: Range & { readonly indent: string };
    /** Each optional function with the blank line before it. */
    readonly call: Range;
    readonly callConditional: Range;
    /** The returned object (the stand-in design's operations). */
    readonly returned: Range;
    readonly returnIndent: string;
  };
}

function declarationName(statement: ts.Statement): string {
  if (ts.isVariableStatement(statement)) {
    const [first] = statement.declarationList.declarations;
    if (first && ts.isIdentifier(first.name)) return first.name.text;
  } else if (
    (ts.isInterfaceDeclaration(statement) ||
      ts.isClassDeclaration(statement) ||
      ts.isFunctionDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement)) &&
    statement.name
  ) {
    return statement.name.text;
  }
  assert(false, `client runtime: a top-level statement that is not a named declaration: ${statement.getText()}`);
}

/** Splits the runtime's text into the import, its declarations by name, and the design's places in `createClient`. */
function parseRuntime(text: string): ClientRuntime {
  const file = ts.createSourceFile(RUNTIME_FILE.pathname, text, ts.ScriptTarget.Latest, /* setParentNodes */ true);
  let imports: string | undefined;
  const declarations = new Map<string, string>();
  let create: ts.FunctionDeclaration | undefined;
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      assert(imports === undefined, "client runtime: one import, of types.ts");
      imports = statement.getText(file);
      continue;
    }
    const name = declarationName(statement);
    const start = statement.getStart(file, /* includeJsDocComment */ true);
    declarations.set(name, text.slice(start, statement.end));
    if (name === "createClient" && ts.isFunctionDeclaration(statement)) create = statement;
  }
  assert(imports !== undefined && create?.body !== undefined, "client runtime: an import and a createClient");
  const base = create.getStart(file, /* includeJsDocComment */ true);
  const nested = (name: string): Range => {
    const fn = create.body!.statements.find((s) => ts.isFunctionDeclaration(s) && s.name?.text === name);
    assert(fn !== undefined, `client runtime: createClient declares ${name}`);
    return { start: fn.getFullStart() - base, end: fn.end - base };
  };
  const returned = create.body.statements.at(-1);
  assert(returned !== undefined && ts.isReturnStatement(returned), "client runtime: createClient ends in its return");
  const createText = text.slice(base, create.end);
  const marker = createText.indexOf(API_KEY_MARKER);
  assert(marker >= 0 && createText.indexOf(API_KEY_MARKER, marker + 1) < 0, "client runtime: one API-key marker");
  const lineStart = createText.lastIndexOf("\n", marker) + 1;
  return {
    imports,
    declarations,
    createClient: {
      text: createText,
      apiKey: {
        start: lineStart,
        end: createText.indexOf("\n", marker) + 1,
        indent: createText.slice(lineStart, marker),
      },
      call: nested("call"),
      callConditional: nested("callConditional"),
      returned: { start: returned.getStart(file) - base, end: returned.end - base },
      returnIndent: " ".repeat(file.getLineAndCharacterOfPosition(returned.getStart(file)).character),
    },
  };
}

let loaded: ClientRuntime | undefined;

/** The runtime, read and split once per process. */
function clientRuntime(): ClientRuntime {
  return (loaded ??= parseRuntime(readFileSync(RUNTIME_FILE, "utf8")));
}

function runtimeDeclaration(name: string): string {
  const text = clientRuntime().declarations.get(name);
  assert(text !== undefined, `client runtime: no declaration ${name}`);
  return text;
}

/** The statement sending the design's API key, in a header or the query, to operations that accept one. */
function apiKeyStatement(apiKey: NonNullable<TsModel["apiKey"]>): string {
  const send =
    apiKey.in === "header"
      ? `headers[${JSON.stringify(apiKey.name.toLowerCase())}] = key;`
      : `search.append(${JSON.stringify(apiKey.name)}, key);`;
  return `if (op.auth.includes("apiKey") && options.apiKey && !headers["authorization"]) { const key = await options.apiKey(); if (key) ${send} }`;
}

/**
 * The runtime's `createClient` for the design: its API-key statement at the marker, `call` and
 * `callConditional` only when an operation uses each (the client is checked with noUnusedLocals),
 * and the design's operations as the returned object.
 */
function createClient(model: TsModel): string {
  const runtime = clientRuntime().createClient;
  const edits: Array<Range & { text: string }> = [
    { ...runtime.apiKey, text: model.apiKey ? `${runtime.apiKey.indent}${apiKeyStatement(model.apiKey)}\n` : "" },
    { ...runtime.returned, text: returnedClient(model, runtime.returnIndent) },
  ];
  if (!model.endpoints.some((e) => !e.ifNoneMatch)) edits.push({ ...runtime.call, text: "" });
  if (!model.endpoints.some((e) => e.ifNoneMatch)) edits.push({ ...runtime.callConditional, text: "" });
  let text = runtime.text;
  for (const edit of edits.sort((a, b) => b.start - a.start))
    text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  return text;
}

/** `return { … };` with one method per operation, its lines after the first indented as the return statement. */
function returnedClient(model: TsModel, indent: string): string {
  return [`return {`, ...model.endpoints.map(implementation), `};`].join(`\n${indent}`);
}

function runtime(model: TsModel): Statement[] {
  const hasApiKey = model.apiKey !== undefined;
  const hasSession = model.endpoints.some((e) => e.auth.includes("session"));
  const opsEntries = model.endpoints.map(operationEntry);
  const operations = blockStatement(
    undefined,
    "const operations = {",
    opsEntries.map(([k, v]) => `${k}: ${v},`),
    "} as const satisfies Record<keyof T.Endpoints, Operation>;",
  );

  return [
    clientRuntime().imports,
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
    ...BEFORE_OPERATIONS.map(runtimeDeclaration),
    operations,
    ...AFTER_OPERATIONS.map(runtimeDeclaration),
    createClient(model),
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
