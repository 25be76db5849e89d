/**
 * A browsable API reference from an OpenAPI 3.0.3 document: operations grouped by tag (each with
 * `id="operation/<operationId>"`), parameters, request and response schemas with their examples,
 * then every component schema (`id="schema/<Name>"`). Local `$ref`s are followed (OpenAPI 3.0.3
 * §4.7.24 Reference Object); every string of the document is escaped by `el`.
 */
import type { OpenAPIV3 } from "openapi-types";
import markdownIt from "markdown-it";
import { el, raw, type Node, type Raw } from "./html.ts";

/** Links may only stay on the page or in the out dir: anything with a scheme (or `//`) renders as text. */
export function localOnly(url: string): boolean {
  return !/^\s*([a-z][a-z0-9+.-]*:|\/\/)/i.test(url);
}

/** OpenAPI descriptions are CommonMark (§4.7.1 Rich Text); raw HTML is off, so they render escaped. */
const inlineMd = markdownIt({ html: false, linkify: false });
inlineMd.validateLink = localOnly;
const prose = (s: string | undefined): Node => (s ? raw(inlineMd.renderInline(s)) : null);

type Doc = OpenAPIV3.Document;
type MaybeRef<T> = T | OpenAPIV3.ReferenceObject;

export const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  op: OpenAPIV3.OperationObject;
}

const isRef = (x: unknown): x is OpenAPIV3.ReferenceObject => typeof x === "object" && x !== null && "$ref" in x;

/** Follows a local `#/components/...` reference (one level at a time, cycles stop after 16 hops). */
export function deref<T>(doc: Doc, x: MaybeRef<T>): T | undefined {
  let cur: unknown = x;
  for (let hops = 0; isRef(cur) && hops < 16; hops++) {
    const parts = cur.$ref
      .replace(/^#\//, "")
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    cur = parts.reduce<unknown>(
      (o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined),
      doc,
    );
  }
  return isRef(cur) ? undefined : (cur as T | undefined);
}

export function operations(doc: Doc): Operation[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((m) => item?.[m]).map((method) => ({ method, path, op: item![method]! })),
  );
}

export const operationAnchor = (id: string) => `operation/${id}`;
export const schemaAnchor = (name: string) => `schema/${name}`;
export const tagAnchor = (name: string) => `tag/${name}`;

const refName = (ref: string) => ref.split("/").pop()!;

/** The type of a schema as one line: links for named schemas, `T[]`, enums, `| null`. */
export function schemaType(s: MaybeRef<OpenAPIV3.SchemaObject> | undefined): Node {
  if (!s) return "any";
  if (isRef(s)) {
    const name = refName(s.$ref);
    return s.$ref.startsWith("#/components/schemas/") ? el("a", { href: `#${schemaAnchor(name)}` }, name) : name;
  }
  const nullable = s.nullable ? " | null" : "";
  if (s.allOf || s.oneOf || s.anyOf) {
    const parts = (s.allOf ?? s.oneOf ?? s.anyOf)!;
    return [parts.map((p, i) => [i ? (s.allOf ? " & " : " | ") : "", schemaType(p)]), nullable];
  }
  if (s.type === "array") return [schemaType(s.items), "[]", nullable];
  if (s.enum) return [s.enum.map((v) => JSON.stringify(v)).join(" | "), nullable];
  return [`${s.type ?? "object"}${s.format ? ` (${s.format})` : ""}`, nullable];
}

function constraints(s: MaybeRef<OpenAPIV3.SchemaObject> | undefined): string {
  if (!s || isRef(s)) return "";
  const c: string[] = [];
  if (s.minLength !== undefined) c.push(`min length ${s.minLength}`);
  if (s.maxLength !== undefined) c.push(`max length ${s.maxLength}`);
  if (s.minimum !== undefined) c.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined) c.push(`≤ ${s.maximum}`);
  if (s.pattern !== undefined) c.push(`pattern ${s.pattern}`);
  if (s.default !== undefined) c.push(`default ${JSON.stringify(s.default)}`);
  if (s.readOnly) c.push("read-only");
  return c.join(", ");
}

const json = (v: unknown) => el("pre", { class: "example" }, el("code", null, JSON.stringify(v, null, 2)));

function examplesOf(doc: Doc, media: OpenAPIV3.MediaTypeObject | undefined): Node {
  if (!media) return null;
  if (media.example !== undefined)
    return el("details", { class: "ex" }, el("summary", null, "Example"), json(media.example));
  const named = Object.entries(media.examples ?? {});
  return named.map(([name, ex]) => {
    const e = deref(doc, ex);
    return e
      ? el("details", { class: "ex" }, el("summary", null, `Example: ${e.summary ?? name}`), json(e.value))
      : null;
  });
}

function contentBlock(doc: Doc, content: Record<string, OpenAPIV3.MediaTypeObject> | undefined): Node {
  return Object.entries(content ?? {}).map(([type, media]) =>
    el("div", { class: "media" }, el("code", null, type), " ", schemaType(media.schema), examplesOf(doc, media)),
  );
}

function parametersTable(doc: Doc, params: readonly MaybeRef<OpenAPIV3.ParameterObject>[]): Node {
  const rows = params.map((p) => deref(doc, p)).filter((p): p is OpenAPIV3.ParameterObject => Boolean(p));
  if (rows.length === 0) return null;
  return [
    el("h4", null, "Parameters"),
    el(
      "table",
      null,
      el(
        "thead",
        null,
        el(
          "tr",
          null,
          el("th", null, "Name"),
          el("th", null, "In"),
          el("th", null, "Type"),
          el("th", null, "Required"),
          el("th", null, "Description"),
        ),
      ),
      el(
        "tbody",
        null,
        rows.map((p) =>
          el(
            "tr",
            null,
            el("td", null, el("code", null, p.name)),
            el("td", null, p.in),
            el(
              "td",
              null,
              schemaType(p.schema),
              constraints(p.schema) ? el("div", { class: "muted" }, constraints(p.schema)) : null,
            ),
            el("td", null, p.required ? "yes" : "no"),
            el(
              "td",
              null,
              prose(p.description),
              p.example !== undefined
                ? el("div", { class: "muted" }, "Example: ", el("code", null, JSON.stringify(p.example)))
                : null,
            ),
          ),
        ),
      ),
    ),
  ];
}

function responsesBlock(doc: Doc, responses: OpenAPIV3.ResponsesObject): Node {
  return [
    el("h4", null, "Responses"),
    el(
      "div",
      { class: "responses" },
      Object.entries(responses).map(([status, r]) => {
        const res = deref(doc, r);
        const named = isRef(r) ? refName(r.$ref) : undefined;
        const headers = Object.keys(res?.headers ?? {});
        return el(
          "div",
          { class: `response s${status[0]}` },
          el(
            "div",
            { class: "status" },
            el("strong", null, status),
            " ",
            prose(res?.description),
            named ? el("span", { class: "muted" }, ` (${named})`) : null,
          ),
          headers.length ? el("div", { class: "muted" }, "Headers: ", headers.join(", ")) : null,
          contentBlock(doc, res?.content),
        );
      }),
    ),
  ];
}

function securityLine(doc: Doc, op: OpenAPIV3.OperationObject): Node {
  const req = op.security ?? doc.security ?? [];
  if (req.length === 0) return el("span", { class: "badge public" }, "public");
  return req.map((r, i) => [
    i ? " or " : "",
    Object.entries(r).map(([name, scopes]) =>
      el("span", { class: "badge auth" }, name, scopes.length ? `: ${scopes.join(", ")}` : ""),
    ),
  ]);
}

function rateLimit(op: OpenAPIV3.OperationObject): Node {
  const x = (op as Record<string, unknown>)["x-rate-limit"] as
    | { tier?: string; requests?: number; windowSeconds?: number; scope?: string }
    | undefined;
  if (!x?.tier) return null;
  return el(
    "span",
    { class: "badge tier" },
    `${x.tier}: ${x.requests ?? "?"} / ${x.windowSeconds ?? "?"} s per ${x.scope ?? "?"}`,
  );
}

function operationSection(doc: Doc, { method, path, op }: Operation): Raw {
  const id = op.operationId ?? `${method}-${path}`;
  return el(
    "section",
    { class: `op${op.deprecated ? " deprecated" : ""}`, id: operationAnchor(id) },
    el(
      "h3",
      null,
      el("span", { class: `method m-${method}` }, method.toUpperCase()),
      " ",
      el("code", { class: "path" }, path),
      op.deprecated ? el("span", { class: "badge dep" }, "deprecated") : null,
    ),
    el("p", { class: "summary" }, op.summary ?? "", " ", el("code", { class: "opid" }, id)),
    op.description ? el("p", null, prose(op.description)) : null,
    el("p", { class: "meta" }, securityLine(doc, op), " ", rateLimit(op)),
    parametersTable(doc, op.parameters ?? []),
    op.requestBody
      ? (() => {
          const body = deref(doc, op.requestBody);
          return [
            el("h4", null, "Request body", body?.required ? "" : " (optional)"),
            body?.description ? el("p", null, prose(body.description)) : null,
            contentBlock(doc, body?.content),
          ];
        })()
      : null,
    responsesBlock(doc, op.responses),
  );
}

function schemaSection(doc: Doc, name: string, s: MaybeRef<OpenAPIV3.SchemaObject>): Raw {
  const schema = deref(doc, s);
  const props = Object.entries(schema?.properties ?? {});
  const required = new Set(schema?.required ?? []);
  return el(
    "section",
    { class: "schema", id: schemaAnchor(name) },
    el("h3", null, name),
    schema?.description ? el("p", null, prose(schema.description)) : null,
    props.length
      ? el(
          "table",
          null,
          el(
            "thead",
            null,
            el(
              "tr",
              null,
              el("th", null, "Property"),
              el("th", null, "Type"),
              el("th", null, "Required"),
              el("th", null, "Description"),
            ),
          ),
          el(
            "tbody",
            null,
            props.map(([prop, ps]) =>
              el(
                "tr",
                null,
                el("td", null, el("code", null, prop)),
                el("td", null, schemaType(ps), constraints(ps) ? el("div", { class: "muted" }, constraints(ps)) : null),
                el("td", null, required.has(prop) ? "yes" : "no"),
                el("td", null, prose(isRef(ps) ? undefined : ps.description)),
              ),
            ),
          ),
        )
      : el("p", null, "Type: ", schemaType(s)),
    schema?.example !== undefined
      ? el("details", { class: "ex" }, el("summary", null, "Example"), json(schema.example))
      : null,
  );
}

/** Operations grouped by their first tag, in the document's tag order (untagged last). */
export function groupByTag(doc: Doc): Array<{ tag: string; description?: string; ops: Operation[] }> {
  const ops = operations(doc);
  const tags = [...(doc.tags ?? []).map((t) => t.name)];
  for (const o of ops) for (const t of o.op.tags ?? ["default"]) if (!tags.includes(t)) tags.push(t);
  const desc = new Map((doc.tags ?? []).map((t) => [t.name, t.description] as const));
  return tags
    .map((tag) => ({
      tag,
      ...(desc.get(tag) ? { description: desc.get(tag)! } : {}),
      ops: ops.filter((o) => (o.op.tags?.[0] ?? "default") === tag),
    }))
    .filter((g) => g.ops.length > 0);
}

/** The reference's navigation entries and its body. */
export function apiReference(doc: Doc): { nav: Node; body: Node } {
  const groups = groupByTag(doc);
  const schemas = Object.entries(doc.components?.schemas ?? {});
  const nav = [
    groups.map((g) =>
      el(
        "li",
        null,
        el("a", { href: `#${tagAnchor(g.tag)}` }, g.tag),
        el(
          "ul",
          null,
          g.ops.map((o) =>
            el(
              "li",
              null,
              el(
                "a",
                { href: `#${operationAnchor(o.op.operationId ?? `${o.method}-${o.path}`)}` },
                el("span", { class: `m m-${o.method}` }, o.method.toUpperCase()),
                " ",
                o.op.operationId ?? o.path,
              ),
            ),
          ),
        ),
      ),
    ),
    schemas.length ? el("li", null, el("a", { href: "#reference/schemas" }, "Schemas")) : null,
  ];
  const body = [
    el("h1", { id: "reference/top" }, "API reference"),
    el(
      "p",
      null,
      `${doc.info.title} ${doc.info.version}, OpenAPI ${doc.openapi}. Servers: `,
      (doc.servers ?? []).map((s, i) => [i ? ", " : "", el("code", null, s.url)]),
    ),
    groups.map((g) =>
      el(
        "section",
        { class: "tag", id: tagAnchor(g.tag) },
        el("h2", null, g.tag),
        g.description ? el("p", null, prose(g.description)) : null,
        g.ops.map((o) => operationSection(doc, o)),
      ),
    ),
    schemas.length
      ? [el("h2", { id: "reference/schemas" }, "Schemas"), schemas.map(([name, s]) => schemaSection(doc, name, s))]
      : null,
  ];
  return { nav, body };
}
