/**
 * `types.ts`: enums as string-literal unions, one interface per API schema, the error catalog
 * (`ErrorCode`, `Problem` per RFC 9457) and the endpoint map (`Endpoints` type + `endpoints`
 * const). Built as ts-morph structures and printed once by `printFile`.
 */
import {
  StructureKind,
  type InterfaceDeclarationStructure,
  type OptionalKind,
  type PropertySignatureStructure,
} from "ts-morph";
import { blockStatement, docComment, jsDoc, printFile, printStatements, type Lines, type Statement } from "./print.ts";
import {
  propName,
  docTag,
  docText,
  docWithTags,
  paramType,
  type EndpointModel,
  type EnumModel,
  type PropModel,
  type SchemaModel,
  type TsModel,
} from "./model.ts";

const self = (name: string) => name;
const union = (values: readonly string[]) =>
  values.length ? values.map((v) => JSON.stringify(v)).join(" | ") : "never";

function property(p: PropModel): OptionalKind<PropertySignatureStructure> {
  return { name: propName(p.name), type: p.type, hasQuestionToken: p.optional, docs: jsDoc(p.doc) };
}

function enumAlias(e: EnumModel): Statement {
  return { kind: StructureKind.TypeAlias, name: e.name, isExported: true, type: union(e.values), docs: jsDoc(e.doc) };
}

function schemaInterface(s: SchemaModel): InterfaceDeclarationStructure {
  return {
    kind: StructureKind.Interface,
    name: s.name,
    isExported: true,
    docs: jsDoc(s.doc),
    properties: s.props.map(property),
  };
}

/** Members of an inline object type, with one-line doc comments. */
function members(props: readonly PropModel[]): string[] {
  return props.flatMap((p) => [
    ...(p.doc ? [`/** ${p.doc.replace(/\n+/g, " ")} */`] : []),
    `${propName(p.name)}${p.optional ? "?" : ""}: ${p.type};`,
  ]);
}

/** An object type: `Record<string, never>` when empty, else a nested block. */
function objectMember(name: string, props: readonly PropModel[]): Lines[number] {
  return props.length === 0
    ? `${name}: Record<string, never>;`
    : { head: `${name}: {`, lines: members(props), tail: "};" };
}

function paramProps(e: EndpointModel, where: "path" | "query" | "header"): PropModel[] {
  return e.params
    .filter((p) => p.in === where)
    .map((p) => ({ name: p.name, type: paramType(p, self), optional: !p.required, ...(p.doc ? { doc: p.doc } : {}) }));
}

function endpointEntry(e: EndpointModel): Lines {
  return [
    ...docComment(
      docWithTags(
        docText(e.summary, e.description),
        e.deprecated
          ? docTag(
              "deprecated",
              `Since ${e.deprecated.since}.${e.deprecated.replacement ? ` Use \`${e.deprecated.replacement}\`.` : ""}`,
            )
          : undefined,
      ),
    ),
    {
      head: `${e.operationId}: {`,
      lines: [
        `method: ${JSON.stringify(e.method)};`,
        `path: ${JSON.stringify(e.path)};`,
        objectMember("pathParams", paramProps(e, "path")),
        objectMember("query", paramProps(e, "query")),
        objectMember("headers", paramProps(e, "header")),
        `body: ${e.body ?? "never"};`,
        `status: ${e.status};`,
        `response: ${e.responseType ?? "void"};`,
        `errors: ${union(e.errors)};`,
      ],
      tail: "};",
    },
  ];
}

/** `export const name = { key: value, … } suffix;` with one entry per line. */
function constTable(
  name: string,
  doc: string,
  entries: ReadonlyArray<readonly [string, string]>,
  suffix: string,
): Statement {
  return blockStatement(
    doc,
    `export const ${name} = {`,
    entries.map(([k, v]) => `${k}: ${v},`),
    `} ${suffix};`,
  );
}

function endpointConst(endpoints: readonly EndpointModel[]): Statement {
  const list = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`;
  const entries = endpoints.map(
    (e) =>
      [
        e.operationId,
        `{ method: ${JSON.stringify(e.method)}, path: ${JSON.stringify(e.path)}, status: ${e.status}, paginated: ${e.paginated}, idempotencyKey: ${e.idempotencyKey}, ifMatch: ${e.ifMatch}, etag: ${e.etag}, auth: ${list(e.auth)}, errors: ${list(e.errors)} }`,
      ] as const,
  );
  const shape = `{ readonly [K in keyof Endpoints]: { readonly method: Endpoints[K]["method"]; readonly path: Endpoints[K]["path"]; readonly status: Endpoints[K]["status"]; readonly paginated: boolean; readonly idempotencyKey: boolean; readonly ifMatch: boolean; readonly etag: boolean; readonly auth: readonly ("bearer" | "apiKey" | "session")[]; readonly errors: readonly Endpoints[K]["errors"][] } }`;
  return constTable(
    "endpoints",
    "Runtime facts of every operation: method, path, success status, the headers it honours, accepted credentials and error codes.",
    entries,
    `as const satisfies ${shape}`,
  );
}

function errorCatalog(model: TsModel): Statement[] {
  const entries = model.errors.map(
    (e) => [JSON.stringify(e.code), `{ status: ${e.status}, title: ${JSON.stringify(e.title)} }`] as const,
  );
  const list = model.errors.map((e) => `- \`${e.code}\` (${e.status}): ${(e.doc ?? e.title).replace(/\n+/g, " — ")}`);
  return [
    {
      kind: StructureKind.TypeAlias,
      name: "ErrorCode",
      isExported: true,
      type: union(model.errors.map((e) => e.code)),
      docs: jsDoc(["Every `code` a problem+json error response may carry (the error catalog):", ...list].join("\n")),
    },
    constTable(
      "errorCatalog",
      "HTTP status and title of every error code.",
      entries,
      "as const satisfies Record<ErrorCode, { readonly status: number; readonly title: string }>",
    ),
    {
      kind: StructureKind.Interface,
      name: "Problem",
      isExported: true,
      docs: jsDoc("An error response body: `application/problem+json` (RFC 9457) whose `code` is the error catalog."),
      properties: [
        {
          name: "type",
          type: "string",
          docs: jsDoc("A URI reference identifying the problem type (RFC 9457 §3.1.1)."),
        },
        { name: "title", type: "string", docs: jsDoc("Short human-readable summary of the problem type.") },
        { name: "status", type: "number", docs: jsDoc("The HTTP status code.") },
        {
          name: "detail",
          type: "string",
          hasQuestionToken: true,
          docs: jsDoc("Explanation specific to this occurrence."),
        },
        {
          name: "instance",
          type: "string",
          hasQuestionToken: true,
          docs: jsDoc("A URI reference identifying this occurrence."),
        },
        { name: "code", type: "ErrorCode", docs: jsDoc("The error catalog code clients switch on.") },
        {
          name: "errors",
          type: "ProblemFieldError[]",
          hasQuestionToken: true,
          docs: jsDoc("For `validation-failed`: each problem with its JSON pointer."),
        },
      ],
    },
    {
      kind: StructureKind.Interface,
      name: "ProblemFieldError",
      isExported: true,
      docs: jsDoc("One invalid part of a request."),
      properties: [
        {
          name: "pointer",
          type: "string",
          docs: jsDoc("JSON pointer (RFC 6901) into the request body (`/items/0/title`), or `#name` for a parameter."),
        },
        { name: "detail", type: "string", docs: jsDoc("What is wrong, for humans.") },
      ],
    },
  ];
}

/** The text of `types.ts`. */
export function emitTypes(model: TsModel): string {
  const endpoints = blockStatement(
    "Every operation by operationId: method, path, parameters, request body, success status and response, error codes.",
    "export interface Endpoints {",
    model.endpoints.flatMap(endpointEntry),
    "}",
  );
  return printFile([
    `/** Base path every endpoint path is relative to. */\nexport const basePath = ${JSON.stringify(model.versionedBasePath)};`,
    ...model.enums.map(enumAlias),
    ...errorCatalog(model),
    ...model.schemas.map(schemaInterface),
    endpoints,
    endpointConst(model.endpoints),
  ]);
}

/**
 * The interfaces of the request and response bodies (a paginated response as its page), printed
 * as types.ts prints them; undefined when no operation has a body. DESIGN.md shows these.
 */
export function emitBodyDeclarations(model: TsModel): string | undefined {
  const bodies = new Set<string>();
  for (const e of model.endpoints) {
    if (e.body) bodies.add(e.body);
    if (e.responseType) bodies.add(e.responseType);
  }
  const schemas = model.schemas.filter((s) => bodies.has(s.name));
  return schemas.length ? printStatements(schemas.map(schemaInterface)) : undefined;
}
