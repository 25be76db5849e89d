/**
 * `importOpenApi`: an OpenAPI 3.0.x or 3.1.x document → a design, a loss report and diagnostics.
 *
 * The document is read like a design file (size, UTF-8, YAML/JSON bounds), then swagger-parser
 * resolves its local `$ref`s with external resolution off, so nothing is ever fetched; a remote
 * `$ref` is a diagnostic. Each construct is mapped as faithfully as the design format allows and
 * everything else is a `Loss` (see loss.ts). Problems of the source itself (an undeclared path
 * parameter) are diagnostics with a pointer into the source, and the import goes on. The result
 * is checked with contractor's own validator before it is returned.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import type { OpenAPI } from "openapi-types";
import { loadDesignFile, parseDesignText, DEFAULT_MAX_BYTES } from "../design/load.ts";
import { assert, hasErrors, pointer, type Diagnostic } from "../design/diagnostics.ts";
import type { AuthScheme, Design, Endpoint, ErrorDef, Parameter } from "../design/schema.ts";
import { HTTP_METHODS, PATTERNS } from "../design/schema.ts";
import { validateDesign } from "../design/validate.ts";
import { BUILTIN_ERRORS } from "../design/normalize.ts";
import { importDiag } from "./codes.ts";
import type { Loss } from "./loss.ts";
import { SchemaMapper, escapePointer, isObject, memberName, typeName, type Node } from "./openapi-schemas.ts";

export type { Loss, LossClass } from "./loss.ts";
export { LOSS_CLASSES } from "./loss.ts";

export interface ImportOptions {
  /** Largest source file accepted, in bytes (default 5 MB). */
  maxBytes?: number;
}

export interface ImportResult {
  /** The design, absent when the source could not be read or imported at all. */
  design?: Design;
  losses: Loss[];
  /** Problems of the source (pointers into it) and of the import; errors mean no design. */
  diagnostics: Diagnostic[];
}

/** The name of the internal entity a design needs when the source describes no storage. */
const PLACEHOLDER_ENTITY = "ImportPlaceholder";

const OPERATION_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
const DEFAULT_STYLE: Record<string, string> = { query: "form", path: "simple", header: "simple" };
/** The builtin errors a status maps to (the design adds their responses itself). */
const BUILTIN_BY_STATUS = new Map(BUILTIN_ERRORS.map((e) => [e.status, e] as const));
const REASONS: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  402: "Payment required",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  406: "Not acceptable",
  408: "Request timeout",
  409: "Conflict",
  410: "Gone",
  413: "Payload too large",
  415: "Unsupported media type",
  422: "Unprocessable content",
  429: "Too many requests",
  500: "Internal server error",
  501: "Not implemented",
  502: "Bad gateway",
  503: "Service unavailable",
  504: "Gateway timeout",
};
/** A lifetime the format requires and an OpenAPI document never states. */
const ASSUMED_TTL_SECONDS = 3600;

/** Imports an OpenAPI 3.0.x / 3.1.x document (a file path or its text). */
export async function importOpenApi(
  input: { file: string } | { text: string },
  options: ImportOptions = {},
): Promise<ImportResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const loaded =
    "file" in input ? await loadDesignFile(input.file, { maxBytes }) : parseDesignText(input.text, "auto", maxBytes);
  if (hasErrors(loaded.diagnostics) || loaded.value === undefined)
    return { losses: [], diagnostics: loaded.diagnostics };
  const doc = loaded.value;
  if (!isObject(doc) || !isObject(doc.info) || !isObject(doc.paths)) {
    if (isObject(doc) && (typeof doc.swagger === "string" || typeof doc.openapi === "string")) {
      // fall through to the version check, which names the version
    } else
      return {
        losses: [],
        diagnostics: [
          ...loaded.diagnostics,
          importDiag(
            "not-an-openapi-document",
            "the document has no `info` and `paths` objects: not an OpenAPI document",
            "",
          ),
        ],
      };
  }
  const d = doc as Node;
  const version = typeof d.openapi === "string" ? d.openapi : undefined;
  if (!version || !/^3\.[01]\.\d+/.test(version)) {
    const said =
      typeof d.swagger === "string" ? `Swagger ${d.swagger}` : version ? `OpenAPI ${version}` : "no `openapi` version";
    return {
      losses: [],
      diagnostics: [
        ...loaded.diagnostics,
        importDiag(
          "unsupported-openapi-version",
          `${said}: only OpenAPI 3.0.x and 3.1.x are imported (convert Swagger 2.0 with swagger2openapi first)`,
          typeof d.swagger === "string" ? "/swagger" : "/openapi",
        ),
      ],
    };
  }
  if (!isObject(d.info) || !isObject(d.paths))
    return {
      losses: [],
      diagnostics: [importDiag("not-an-openapi-document", "the document has no `info` and `paths` objects", "")],
    };

  const inPageLinks = unlinkInPageAnchors(d, "");

  // swagger-parser resolves the document's own references; external resolution is off, so a
  // remote $ref is never fetched (the mapper reports it when it meets one).
  // The resolver checks `info.version` (a string), which only matters to the import as a loss.
  let $refs: Awaited<ReturnType<typeof SwaggerParser.resolve>>;
  try {
    $refs = await SwaggerParser.resolve(
      { ...structuredClone(d), info: { title: "", version: "" } } as unknown as OpenAPI.Document,
      {
        resolve: { external: false },
      },
    );
  } catch (error) {
    return {
      losses: [],
      diagnostics: [
        ...loaded.diagnostics,
        importDiag("not-an-openapi-document", `swagger-parser cannot read it: ${(error as Error).message}`, ""),
      ],
    };
  }
  const mapper = new SchemaMapper(d, (ref) => $refs.get(ref));
  for (const at of inPageLinks)
    mapper.lose(at, "info", "a link to an anchor of the source's documentation page", "the link's text");
  const importer = new Importer(d, mapper);
  const design = importer.run();
  const diagnostics = [...loaded.diagnostics, ...mapper.diagnostics, ...importer.diagnostics];
  if (!design) return { losses: mapper.losses, diagnostics };
  // The importer's own guarantee: what it produces is a valid design (anything else is our bug).
  const invalid = validateDesign(JSON.parse(JSON.stringify(design))).diagnostics.filter((x) => x.severity === "error");
  assert(
    invalid.length === 0,
    `import produced an invalid design: ${invalid.map((x) => `${x.code} at ${x.path}: ${x.message}`).join("; ")}`,
  );
  return hasErrors(diagnostics)
    ? { losses: dedupe(mapper.losses), diagnostics: diagnostics.filter((x) => x.code !== "placeholder-entity") }
    : { design, losses: dedupe(mapper.losses), diagnostics };
}

function unlinkInPageAnchors(node: unknown, at: string, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((v, i) => unlinkInPageAnchors(v, `${at}/${i}`, out));
  else if (isObject(node))
    for (const [k, v] of Object.entries(node)) {
      const where = `${at}/${escapePointer(k)}`;
      if (k === "description" && typeof v === "string" && /\]\(#[^)]*\)/.test(v)) {
        node[k] = v.replace(/\[([^\]]*)\]\(#[^)]*\)/g, "$1");
        out.push(where);
      } else unlinkInPageAnchors(v, where, out);
    }
  return out;
}

function dedupe(losses: Loss[]): Loss[] {
  const seen = new Set<string>();
  return losses.filter((l) => {
    const key = `${l.pointer}\u0000${l.class}\u0000${l.lost}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface Security {
  public: boolean;
  schemes: string[];
  scopes: string[];
}

class Importer {
  readonly diagnostics: Diagnostic[] = [];
  private readonly doc: Node;
  private readonly m: SchemaMapper;
  private readonly errors = new Map<string, ErrorDef>();
  private readonly schemes = new Map<string, { name: string; scheme?: AuthScheme }>();
  private readonly scopes = new Set<string>();
  private readonly tags = new Map<string, { name: string; description?: string }>();
  private readonly operationIds = new Set<string>();

  constructor(doc: Node, mapper: SchemaMapper) {
    this.doc = doc;
    this.m = mapper;
  }

  run(): Design | undefined {
    const d = this.doc;
    const info = d.info as Node;
    this.securitySchemes();
    this.declaredTags();
    const prefix = this.basePath();
    const endpoints: Endpoint[] = [];
    const paths = d.paths as Node;
    for (const [path, rawItem] of Object.entries(paths)) {
      const at = pointer("paths", path);
      const item = this.m.deref(rawItem, at);
      if (!item) continue;
      if (item.node.servers !== undefined)
        this.lose(`${at}/servers`, "unsupported", "servers of this path", "the API's servers");
      for (const method of OPERATION_METHODS) {
        const op = item.node[method];
        if (!isObject(op)) continue;
        const e = this.endpoint(path, method, op, item.node, `${at}/${method}`, prefix);
        if (e) endpoints.push(e);
      }
    }
    if (isObject(d.webhooks) || isObject(d["x-webhooks"]))
      this.lose(isObject(d.webhooks) ? "/webhooks" : "/x-webhooks", "unsupported", "webhooks", "nothing");
    this.m.reportUnused();
    if (endpoints.length === 0) {
      this.diagnostics.push(importDiag("no-importable-operation", "no operation could be imported", "/paths"));
      return undefined;
    }
    this.diagnostics.push(
      importDiag(
        "placeholder-entity",
        `the design holds an internal entity ${PLACEHOLDER_ENTITY} (a design needs one; an OpenAPI document describes no storage)`,
        "",
      ),
    );
    const usedTags = new Set(endpoints.flatMap((e) => e.tags ?? []));
    const schemes = [...this.schemes.values()].flatMap((s) => (s.scheme ? [s.scheme] : []));
    const errors = [...this.errors.values()];
    if (errors.length === 0) errors.push({ ...BUILTIN_BY_STATUS.get(422)! });
    const title = (typeof info.title === "string" && info.title.trim()) || "Imported API";
    if (title.length > 120)
      this.lose("/info/title", "info", "the title beyond 120 characters", "its first 120 characters");
    const design: Design = {
      contractor: 1,
      info: {
        name: slug(title) || "imported-api",
        title: title.slice(0, 120),
        version: this.version(info.version),
        ...(typeof info.description === "string" && info.description ? { description: info.description } : {}),
        ...this.contact(info.contact),
      },
      api: {
        basePath: prefix.basePath,
        versioning: { strategy: "url-prefix", current: prefix.version },
        ...(prefix.servers.length ? { servers: prefix.servers } : {}),
        ...(usedTags.size
          ? {
              tags: [...usedTags].sort().map((t) => {
                const tag = [...this.tags.values()].find((x) => x.name === t);
                return { name: t, ...(tag?.description ? { description: tag.description } : {}) };
              }),
            }
          : {}),
        endpoints,
      },
      data: {
        ...(this.m.enums.length ? { enums: this.m.enums } : {}),
        entities: [
          {
            name: PLACEHOLDER_ENTITY,
            description:
              "Added by `contractor import openapi`: an OpenAPI document describes no storage. Replace it with the real data model.",
            fields: [{ name: "id", type: "uuid", primaryKey: true, default: { kind: "uuid" }, visibility: [] }],
            timestamps: false,
          },
        ],
      },
      ...(this.m.payloads.length ? { schemas: this.m.payloads } : {}),
      errors,
      ...(schemes.length
        ? {
            auth: {
              schemes,
              ...(this.scopes.size ? { scopes: [...this.scopes].sort().map((name) => ({ name })) } : {}),
            },
          }
        : {}),
    };
    return design;
  }

  private lose(at: string, cls: Loss["class"], lost: string, instead: string) {
    this.m.lose(at, cls, lost, instead);
  }

  private version(v: unknown): string {
    if (typeof v === "string" && new RegExp(PATTERNS.semver).test(v)) return v;
    const m =
      typeof v === "string" || typeof v === "number" ? /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(String(v)) : null;
    const out = m ? `${Number(m[1])}.${Number(m[2] ?? 0)}.${Number(m[3] ?? 0)}` : "0.0.0";
    this.lose("/info/version", "info", `version ${JSON.stringify(v)} (not semver)`, out);
    return out;
  }

  private contact(c: unknown): Partial<Design["info"]> {
    if (!isObject(c)) return {};
    const out: NonNullable<Design["info"]["contact"]> = {};
    if (typeof c.name === "string") out.name = c.name;
    if (typeof c.email === "string" && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(c.email)) out.email = c.email;
    if (typeof c.url === "string" && /^https?:\/\/\S+$/.test(c.url)) out.url = c.url;
    return Object.keys(out).length ? { contact: out } : {};
  }

  // ---- servers and the base path ----

  /**
   * The design's `<basePath>/v<N>` prefix, from the first server's path and the literal segments
   * every path starts with; what is left becomes part of each endpoint's path.
   */
  private basePath(): {
    basePath: string;
    version: string;
    strip: string;
    servers: NonNullable<Design["api"]["servers"]>;
  } {
    const servers: NonNullable<Design["api"]["servers"]> = [];
    const list = Array.isArray(this.doc.servers) ? this.doc.servers : [];
    let serverPath: string | undefined;
    const names = new Set<string>();
    list.forEach((s, i) => {
      const at = pointer("servers", i);
      if (!isObject(s) || typeof s.url !== "string") return;
      let url = s.url;
      if (isObject(s.variables)) {
        for (const [k, v] of Object.entries(s.variables))
          url = url.replaceAll(`{${k}}`, isObject(v) && typeof v.default === "string" ? v.default : "");
        this.lose(`${at}/variables`, "server-url", "server variables", `their defaults (${url})`);
      }
      const m = /^(https?:\/\/[^/\s?#]+)(\/[^?#]*)?$/.exec(url);
      const path = (m ? (m[2] ?? "") : url.startsWith("/") ? url : "").replace(/\/+$/, "");
      if (serverPath === undefined) serverPath = path;
      else if (path !== serverPath)
        this.lose(
          `${at}/url`,
          "server-url",
          `base path ${path || "/"} of this server`,
          `the first server's (${serverPath || "/"})`,
        );
      if (!m) {
        if (!url.startsWith("/")) this.lose(`${at}/url`, "server-url", `server URL ${url}`, "nothing");
        return;
      }
      let name = slug(typeof s.description === "string" ? s.description : "")
        .slice(0, 40)
        .replace(/-+$/, "");
      if (!name || names.has(name) || !new RegExp(PATTERNS.slug).test(name))
        name = i === 0 ? "production" : `server-${i + 1}`;
      names.add(name);
      servers.push({
        name,
        url: m[1]!,
        ...(typeof s.description === "string" && s.description ? { description: s.description } : {}),
      });
    });
    const pathKeys = Object.keys(this.doc.paths as Node);
    const segmentsOf = (p: string) => p.split("/").slice(1);
    // Literal leading segments shared by every path (not the last segment of any path).
    const shared: string[] = [];
    if (pathKeys.length) {
      const first = segmentsOf(pathKeys[0]!);
      for (let i = 0; i < first.length; i++) {
        const seg = first[i]!;
        if (seg.includes("{") || !pathKeys.every((p) => segmentsOf(p)[i] === seg && segmentsOf(p).length > i + 1))
          break;
        shared.push(seg);
      }
    }
    const serverSegs = (serverPath ?? "").split("/").slice(1).filter(Boolean);
    const all = [...serverSegs, ...shared];
    const versionAt = all.findIndex((s) => /^v[1-9][0-9]*$/.test(s));
    const lower = (segs: string[]) => segs.every((s) => /^[a-z0-9-]+$/.test(s));
    if (versionAt >= 0 && versionAt >= serverSegs.length - 1 && lower(all.slice(0, versionAt))) {
      const strip = all.slice(serverSegs.length, versionAt + 1);
      return {
        basePath: all
          .slice(0, versionAt)
          .map((s) => `/${s}`)
          .join(""),
        version: all[versionAt]!,
        strip: strip.length ? `/${strip.join("/")}` : "",
        servers,
      };
    }
    const full = serverSegs.map((s) => `/${s}`).join("");
    this.lose(
      serverPath !== undefined ? "/servers/0/url" : "/paths",
      "base-path",
      `the URL prefix "${full || "/"}"`,
      lower(serverSegs)
        ? `${full}/v1 (a design always has a version segment)`
        : "/v1 (a design's base path is lowercase segments and a version)",
    );
    return { basePath: lower(serverSegs) ? full : "", version: "v1", strip: "", servers };
  }

  // ---- auth ----

  private securitySchemes(): void {
    const comps = isObject(this.doc.components) ? this.doc.components : {};
    const schemes = isObject(comps.securitySchemes) ? comps.securitySchemes : {};
    const taken = new Set<string>();
    for (const [key, raw] of Object.entries(schemes)) {
      const at = pointer("components", "securitySchemes", key);
      const r = this.m.deref(raw, at);
      let name = memberName(key);
      while (taken.has(name)) name = `${name}2`;
      taken.add(name);
      const entry: { name: string; scheme?: AuthScheme } = { name };
      this.schemes.set(key, entry);
      if (!r) continue;
      const s = r.node;
      const description = typeof s.description === "string" && s.description ? { description: s.description } : {};
      if (s.type === "http" && typeof s.scheme === "string" && s.scheme.toLowerCase() === "bearer") {
        this.lose(
          at,
          "auth",
          "token lifetimes (not stated by an OpenAPI document)",
          `jwt with an assumed ${ASSUMED_TTL_SECONDS} s access-token lifetime`,
        );
        if (s.bearerFormat !== undefined && s.bearerFormat !== "JWT")
          this.lose(`${at}/bearerFormat`, "auth", `bearer format ${JSON.stringify(s.bearerFormat)}`, "JWT");
        entry.scheme = { name, type: "jwt", ...description, jwt: { accessTokenTtlSeconds: ASSUMED_TTL_SECONDS } };
      } else if (s.type === "apiKey" && (s.in === "header" || s.in === "query") && typeof s.name === "string") {
        if (/^[A-Za-z][A-Za-z0-9-]{0,62}$/.test(s.name))
          entry.scheme = { name, type: "api-key", ...description, apiKey: { in: s.in, name: s.name } };
        else
          this.lose(
            `${at}/name`,
            "auth",
            `API key name "${s.name}"`,
            "no scheme (the name has characters a design does not allow)",
          );
      } else if (
        s.type === "apiKey" &&
        s.in === "cookie" &&
        typeof s.name === "string" &&
        /^[A-Za-z0-9_-]{1,64}$/.test(s.name)
      ) {
        this.lose(
          at,
          "auth",
          "a cookie API key (session lifetime not stated)",
          `a session cookie with an assumed ${ASSUMED_TTL_SECONDS} s lifetime`,
        );
        entry.scheme = {
          name,
          type: "session",
          ...description,
          session: { cookieName: s.name, ttlSeconds: ASSUMED_TTL_SECONDS },
        };
      } else if (s.type === "oauth2" && isObject(s.flows)) {
        entry.scheme = this.oauth2(name, s.flows, at, description);
      } else {
        this.lose(
          at,
          "auth",
          `security scheme of type ${JSON.stringify(s.type)}${typeof s.scheme === "string" ? ` (${s.scheme})` : ""}`,
          "nothing: operations requiring only it become public",
        );
      }
    }
  }

  private oauth2(name: string, flows: Node, at: string, description: { description?: string }): AuthScheme | undefined {
    const code = isObject(flows.authorizationCode) ? flows.authorizationCode : undefined;
    const other = (["implicit", "password", "clientCredentials"] as const).filter((f) => isObject(flows[f]));
    for (const f of other) {
      const flow = flows[f] as Node;
      this.collectScopes(flow.scopes, `${at}/flows/${f}/scopes`);
    }
    if (code) this.collectScopes(code.scopes, `${at}/flows/authorizationCode/scopes`);
    const https = (u: unknown) => (typeof u === "string" && /^https:\/\//.test(u) ? u : undefined);
    if (code && https(code.authorizationUrl) && https(code.tokenUrl)) {
      for (const f of other) this.lose(`${at}/flows/${f}`, "auth", `the ${f} flow`, "the authorization code flow only");
      return {
        name,
        type: "oauth2",
        ...description,
        oauth2: {
          authorizationUrl: code.authorizationUrl as string,
          tokenUrl: code.tokenUrl as string,
          ...(https(code.refreshUrl) ? { refreshUrl: code.refreshUrl as string } : {}),
        },
      };
    }
    const implicit = isObject(flows.implicit) ? flows.implicit : undefined;
    if (implicit && https(implicit.authorizationUrl)) {
      this.lose(
        `${at}/flows/implicit`,
        "auth",
        "the implicit flow",
        "an authorization code flow with the same URL as authorization and token endpoint",
      );
      for (const f of other.filter((x) => x !== "implicit"))
        this.lose(`${at}/flows/${f}`, "auth", `the ${f} flow`, "nothing");
      return {
        name,
        type: "oauth2",
        ...description,
        oauth2: {
          authorizationUrl: implicit.authorizationUrl as string,
          tokenUrl: implicit.authorizationUrl as string,
        },
      };
    }
    this.lose(
      `${at}/flows`,
      "auth",
      "OAuth2 flows without https authorization and token URLs",
      "nothing: operations requiring only it become public",
    );
    return undefined;
  }

  private collectScopes(scopes: unknown, at: string): void {
    if (!isObject(scopes)) return;
    for (const s of Object.keys(scopes)) {
      if (new RegExp(PATTERNS.scope).test(s)) this.scopes.add(s);
      else this.lose(`${at}/${escapePointer(s)}`, "security", `scope "${s}"`, "not declared (scopes are lowercase)");
    }
  }

  private security(requirements: unknown, at: string): Security {
    if (!Array.isArray(requirements) || requirements.length === 0) return { public: true, schemes: [], scopes: [] };
    if (requirements.some((r) => isObject(r) && Object.keys(r).length === 0)) {
      if (requirements.length > 1)
        this.lose(at, "security", "optional authentication (an empty requirement beside others)", "a public endpoint");
      return { public: true, schemes: [], scopes: [] };
    }
    const schemes: string[] = [];
    const scopes = new Set<string>();
    requirements.forEach((req, i) => {
      if (!isObject(req)) return;
      const keys = Object.keys(req);
      if (keys.length > 1)
        this.lose(`${at}/${i}`, "security", `schemes required together (${keys.join(" and ")})`, `any one of them`);
      for (const k of keys) {
        const s = this.schemes.get(k);
        if (!s?.scheme) {
          this.lose(
            `${at}/${i}/${escapePointer(k)}`,
            "security",
            `scheme ${k}`,
            s ? "nothing (the scheme was not imported)" : "nothing (the scheme is not declared)",
          );
          continue;
        }
        if (!schemes.includes(s.scheme.name)) schemes.push(s.scheme.name);
        const list = req[k];
        if (Array.isArray(list))
          for (const sc of list) if (typeof sc === "string" && this.scopes.has(sc)) scopes.add(sc);
      }
    });
    if (schemes.length === 0) return { public: true, schemes: [], scopes: [] };
    return { public: false, schemes, scopes: [...scopes] };
  }

  private declaredTags(): void {
    if (!Array.isArray(this.doc.tags)) return;
    for (const t of this.doc.tags)
      if (isObject(t) && typeof t.name === "string")
        this.tags.set(t.name, {
          name: typeName(t.name),
          ...(typeof t.description === "string" && t.description ? { description: t.description } : {}),
        });
  }

  // ---- operations ----

  private endpoint(
    rawPath: string,
    method: (typeof OPERATION_METHODS)[number],
    op: Node,
    item: Node,
    at: string,
    prefix: { strip: string },
  ): Endpoint | undefined {
    const upper = method.toUpperCase();
    if (!(HTTP_METHODS as readonly string[]).includes(upper)) {
      this.lose(at, "method", `the ${upper} operation`, "nothing");
      return undefined;
    }
    const strip = prefix.strip && rawPath.startsWith(`${prefix.strip}/`) ? prefix.strip : "";
    const relative = rawPath.slice(strip.length) || "/";

    // Parameters: the path item's, overridden by the operation's (same name and location).
    const params = new Map<string, { node: Node; at: string }>();
    for (const [list, where] of [
      [item.parameters, `${at.replace(/\/[^/]+$/, "")}/parameters`],
      [op.parameters, `${at}/parameters`],
    ] as const) {
      if (!Array.isArray(list)) continue;
      list.forEach((p, i) => {
        const r = this.m.deref(p, `${where}/${i}`);
        if (r && typeof r.node.name === "string" && typeof r.node.in === "string")
          params.set(`${r.node.in}:${r.node.in === "header" ? r.node.name.toLowerCase() : r.node.name}`, r);
      });
    }

    // The path template: literal segments or one whole {param}, with camelCase names.
    const renames = new Map<string, string>();
    const segs = relative.split("/").slice(1);
    for (const seg of segs) {
      const whole = /^\{([^{}]+)\}$/.exec(seg);
      if (whole) {
        const name = memberName(whole[1]!);
        renames.set(whole[1]!, name);
      } else if (!/^[A-Za-z0-9._~-]*$/.test(seg)) {
        this.lose(at, "path-template", `path ${rawPath} (segment "${seg}")`, "nothing: the operation is left out");
        return undefined;
      }
    }
    const path =
      "/" +
      segs
        .map((s) => {
          const whole = /^\{([^{}]+)\}$/.exec(s);
          return whole ? `{${renames.get(whole[1]!)}}` : s;
        })
        .join("/");
    if (new Set(renames.values()).size !== renames.size) {
      this.lose(
        at,
        "path-template",
        `path ${rawPath} (two parameters with the same camelCase name)`,
        "nothing: the operation is left out",
      );
      return undefined;
    }

    const operationId = this.operationId(op, upper, relative, at);
    const e: Endpoint = {
      operationId,
      method: upper as Endpoint["method"],
      path,
      summary: this.summary(op, upper, rawPath, at),
      response: { status: 204 },
    };
    if (typeof op.description === "string" && op.description) e.description = op.description;
    const tags = Array.isArray(op.tags) ? op.tags.filter((t): t is string => typeof t === "string") : [];
    if (tags.length) e.tags = [...new Set(tags.map((t) => this.tags.get(t)?.name ?? typeName(t)))];

    const sec = this.security(
      op.security ?? this.doc.security,
      op.security !== undefined ? `${at}/security` : "/security",
    );
    e.auth = sec.public
      ? { public: true }
      : { schemes: sec.schemes, ...(sec.scopes.length ? { scopes: sec.scopes } : {}) };

    const out: Parameter[] = [];
    const declaredPath = new Set<string>();
    for (const { node: p, at: pat } of params.values()) {
      const param = this.parameter(p, pat, e, renames, operationId);
      if (!param) continue;
      if (param.in === "path") declaredPath.add(param.name);
      if (out.some((x) => x.in === param.in && x.name.toLowerCase() === param.name.toLowerCase())) {
        this.lose(
          pat,
          "query-param-name",
          `parameter "${String(p.name)}" (same name as another after renaming)`,
          "left out",
        );
        continue;
      }
      out.push(param);
    }
    for (const [orig, name] of renames) {
      if (declaredPath.has(name)) continue;
      this.diagnostics.push(
        importDiag(
          "source-path-param-undeclared",
          `{${orig}} in ${rawPath} is not declared as a path parameter of ${upper} (the source spec is invalid here)`,
          at,
        ),
      );
      this.lose(
        at,
        "source-invalid",
        `the type of the undeclared path parameter {${orig}}`,
        "a required text parameter",
      );
      out.push({ name, in: "path", type: "text", required: true });
    }
    // Order: path parameters in template order, then the rest as the source lists them.
    const pathOrder = [...renames.values()];
    out.sort((a, b) =>
      a.in === "path" && b.in === "path"
        ? pathOrder.indexOf(a.name) - pathOrder.indexOf(b.name)
        : a.in === "path"
          ? -1
          : b.in === "path"
            ? 1
            : 0,
    );
    if (out.length) e.params = out;

    this.requestBody(op, at, e);
    this.responses(op, at, e);
    if (op.deprecated === true) {
      e.deprecated = { since: "an earlier version" };
      this.lose(
        `${at}/deprecated`,
        "deprecation",
        "deprecation (since when is not stated)",
        `deprecated since "an earlier version"`,
      );
    }
    for (const k of ["callbacks", "servers"] as const)
      if (op[k] !== undefined) this.lose(`${at}/${k}`, "unsupported", k, "nothing");
    return e;
  }

  private operationId(op: Node, method: string, path: string, at: string): string {
    const source = typeof op.operationId === "string" ? op.operationId : undefined;
    let id = source
      ? memberName(source)
      : memberName(`${method.toLowerCase()} ${path.replace(/[{}]/g, "").replace(/\//g, " ")}`);
    if (!/^[a-z]/.test(id)) id = `op${id}`;
    let n = 2;
    let candidate = id;
    while ([...this.operationIds].some((x) => x.toLowerCase() === candidate.toLowerCase())) candidate = `${id}${n++}`;
    this.operationIds.add(candidate);
    if (source && candidate !== source)
      this.lose(
        `${at}/operationId`,
        "operation-id",
        `operationId "${source}"`,
        `"${candidate}" (operationIds are camelCase and unique)`,
      );
    return candidate;
  }

  private summary(op: Node, method: string, path: string, at: string): string {
    const text =
      (typeof op.summary === "string" && op.summary.trim()) ||
      (typeof op.description === "string" && op.description.trim().split("\n")[0]!.trim()) ||
      `${method} ${path}`;
    if (text.length > 200) {
      this.lose(`${at}/summary`, "info", "the summary beyond 200 characters", "its first 200 characters");
      return text.slice(0, 200);
    }
    return text;
  }

  private parameter(
    p: Node,
    at: string,
    e: Endpoint,
    renames: Map<string, string>,
    operationId: string,
  ): Parameter | undefined {
    const where = p.in as string;
    const raw = p.name as string;
    if (where === "cookie") {
      this.lose(at, "cookie-param", `cookie parameter "${raw}"`, "nothing");
      return undefined;
    }
    if (where !== "path" && where !== "query" && where !== "header") return undefined;
    if (where === "header" && ["accept", "content-type", "authorization"].includes(raw.toLowerCase())) {
      this.lose(at, "header-param-name", `header parameter "${raw}" (OpenAPI ignores it)`, "nothing");
      return undefined;
    }
    if (
      where === "header" &&
      raw.toLowerCase() === "idempotency-key" &&
      ["POST", "PUT", "PATCH", "DELETE"].includes(e.method)
    ) {
      e.idempotencyKey = true;
      if (p.required === true)
        this.lose(at, "param-serialisation", "a required Idempotency-Key", "an optional Idempotency-Key header");
      return undefined;
    }
    let name = raw;
    if (where === "path") {
      const renamed = renames.get(raw);
      if (!renamed) {
        this.lose(at, "source-invalid", `path parameter "${raw}", which the path template does not have`, "nothing");
        return undefined;
      }
      name = renamed;
      if (name !== raw) this.lose(at, "path-param-name", `path parameter name "${raw}"`, `"${name}"`);
    } else if (where === "query") {
      name = memberName(raw);
      if (name !== raw)
        this.lose(at, "query-param-name", `query parameter name "${raw}"`, `"${name}" (a different name on the wire)`);
    } else if (!/^[A-Za-z][A-Za-z0-9-]{0,62}$/.test(raw)) {
      this.lose(at, "header-param-name", `header "${raw}"`, "nothing");
      return undefined;
    }
    if (p.style !== undefined && p.style !== DEFAULT_STYLE[where])
      this.lose(
        `${at}/style`,
        "param-serialisation",
        `style ${JSON.stringify(p.style)}`,
        `style ${DEFAULT_STYLE[where]}`,
      );
    const defaultExplode = (p.style ?? DEFAULT_STYLE[where]) === "form";
    if (p.explode !== undefined && p.explode !== defaultExplode)
      this.lose(
        `${at}/explode`,
        "param-serialisation",
        `explode: ${String(p.explode)}`,
        `explode: ${String(defaultExplode)}`,
      );
    for (const k of ["deprecated", "allowEmptyValue", "allowReserved"])
      if (p[k] === true) this.lose(`${at}/${k}`, "param-serialisation", k, "nothing");
    let schema = p.schema;
    if (schema === undefined && isObject(p.content)) {
      this.lose(`${at}/content`, "param-serialisation", "a parameter with content", "a text parameter");
      schema = { type: "string" };
    }
    const t = this.m.typeOf(schema ?? {}, `${at}/schema`, `${typeName(operationId)}${typeName(raw)}`, "param");
    const param: Parameter = { name, in: where, type: t.type as Parameter["type"] };
    for (const k of [
      "maxLength",
      "minLength",
      "minimum",
      "maximum",
      "pattern",
      "precision",
      "scale",
      "enum",
      "items",
      "example",
    ] as const)
      if (t[k] !== undefined) (param as unknown as Record<string, unknown>)[k] = t[k];
    if (t.nullable) this.lose(`${at}/schema`, "param-type", "a nullable parameter", "a non-null parameter");
    if (where === "path") param.required = true;
    else if (p.required === true) param.required = true;
    const description = (typeof p.description === "string" && p.description) || t.description;
    if (description) param.description = description;
    return param;
  }

  /** The JSON media type of a content map, and a loss for each other one. */
  private jsonContent(content: unknown, at: string): { schema: unknown; at: string } | undefined {
    if (!isObject(content)) return undefined;
    const types = Object.keys(content);
    const json =
      types.find((t) => t === "application/json") ?? types.find((t) => /^application\/([\w.-]+\+)?json\b/.test(t));
    for (const t of types)
      if (t !== json)
        this.lose(
          `${at}/${escapePointer(t)}`,
          "media-type",
          `media type ${t}`,
          json ? "application/json only" : "nothing",
        );
    if (!json) return undefined;
    const media = content[json];
    if (json !== "application/json")
      this.lose(`${at}/${escapePointer(json)}`, "media-type", `media type ${json}`, "application/json");
    return { schema: isObject(media) ? media.schema : undefined, at: `${at}/${escapePointer(json)}/schema` };
  }

  private requestBody(op: Node, at: string, e: Endpoint): void {
    if (op.requestBody === undefined) return;
    const r = this.m.deref(op.requestBody, `${at}/requestBody`);
    if (!r) return;
    if (e.method === "GET" || e.method === "DELETE") {
      this.lose(r.at, "body-on-get", `the request body of ${e.method}`, "nothing");
      return;
    }
    const json = this.jsonContent(r.node.content, `${r.at}/content`);
    if (!json) return;
    const name = this.m.objectPayload(json.schema ?? {}, json.at, `${typeName(e.operationId)}Request`);
    if (!name) {
      this.lose(json.at, "bare-body", "a request body that is not an object with properties", "no body");
      return;
    }
    if (r.node.required !== true) this.lose(r.at, "optional-body", "an optional request body", "a required body");
    e.body = {
      schema: name,
      ...(typeof r.node.description === "string" && r.node.description ? { description: r.node.description } : {}),
    };
  }

  private responses(op: Node, at: string, e: Endpoint): void {
    const responses = isObject(op.responses) ? op.responses : {};
    const statuses = Object.keys(responses);
    const success = statuses.filter((s) => /^2\d\d$/.test(s)).sort();
    const chosen = success.find((s) => ["200", "201", "202", "204"].includes(s));
    const errorCodes: string[] = [];
    for (const s of statuses) {
      const rat = `${at}/responses/${escapePointer(s)}`;
      if (s === chosen) continue;
      if (/^[45]\d\d$/.test(s)) {
        for (const code of this.errorsFor(Number(s), responses[s], rat))
          if (!errorCodes.includes(code)) errorCodes.push(code);
      } else if (/^2\d\d$/.test(s))
        this.lose(rat, "success-responses", `a second success response ${s}`, `only ${chosen ?? "the first"}`);
      else
        this.lose(
          rat,
          s === "default" || /XX$/i.test(s) ? "error-model" : "success-responses",
          `response ${s}`,
          "nothing",
        );
    }
    if (errorCodes.length) e.errors = errorCodes;
    if (!chosen) {
      this.lose(`${at}/responses`, "success-responses", "no 200, 201, 202 or 204 response", "a 204 response");
      return;
    }
    const rat = `${at}/responses/${chosen}`;
    const r = this.m.deref(responses[chosen], rat);
    const status = Number(chosen) as 200 | 201 | 202 | 204;
    if (r && typeof r.node.description === "string" && r.node.description) e.response.description = r.node.description;
    if (r && isObject(r.node.headers))
      for (const h of Object.keys(r.node.headers))
        this.lose(`${r.at}/headers/${escapePointer(h)}`, "response-headers", `response header ${h}`, "nothing");
    if (r && r.node.links !== undefined) this.lose(`${r.at}/links`, "unsupported", "links", "nothing");
    const json = r && status !== 204 ? this.jsonContent(r.node.content, `${r.at}/content`) : undefined;
    if (r && status === 204 && r.node.content !== undefined)
      this.lose(`${r.at}/content`, "success-responses", "a body on 204", "no body");
    e.response.status = status;
    if (!json) {
      if (status === 200 || status === 201) {
        this.lose(rat, "empty-200", `a ${status} response without a JSON body`, "204 No Content");
        e.response.status = 204;
      }
      return;
    }
    const name = this.m.objectPayload(json.schema ?? {}, json.at, `${typeName(e.operationId)}Response`);
    if (name) {
      e.response.schema = name;
      return;
    }
    // A bare array, map or scalar: the format needs a named object, so the value is wrapped.
    const wrapper = this.m.claim(`${typeName(e.operationId)}Response`);
    const t = this.m.typeOf(json.schema ?? {}, json.at, `${wrapper}Value`, "property");
    const prop = { name: "value", type: t.type } as NonNullable<Design["schemas"]>[number]["properties"][number];
    for (const k of [
      "maxLength",
      "minLength",
      "minimum",
      "maximum",
      "pattern",
      "precision",
      "scale",
      "enum",
      "ref",
      "items",
    ] as const)
      if (t[k] !== undefined) (prop as unknown as Record<string, unknown>)[k] = t[k];
    if (t.nullable) prop.nullable = true;
    this.m.payloads.push({ name: wrapper, properties: [prop] });
    this.lose(
      json.at,
      "bare-body",
      "a response body that is not an object with properties",
      `an object ${wrapper} with the value in "value"`,
    );
    e.response.schema = wrapper;
  }

  /**
   * The catalog codes of an error response: the ones it names in `x-error-codes` (contractor's own
   * responses, each with a problem+json example holding its title and detail), else one code for
   * the status (the builtin one for the statuses contractor answers itself).
   */
  private errorsFor(status: number, raw: unknown, at: string): string[] {
    const r = this.m.deref(raw, at);
    const description = r && typeof r.node.description === "string" ? r.node.description.trim() : "";
    if (r && isObject(r.node.content) && Object.keys(r.node.content).length)
      this.lose(
        `${r.at}/content`,
        "error-model",
        `the ${status} error body (${Object.keys(r.node.content).join(", ")})`,
        "an RFC 9457 problem+json body",
      );
    const named = r ? this.namedErrors(status, r.node) : [];
    if (named.length) return named;
    const builtin = BUILTIN_BY_STATUS.get(status);
    if (builtin) return [builtin.code];
    const title = description.split("\n")[0]!.slice(0, 120) || REASONS[status] || `Error ${status}`;
    let code = title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .split("-")
      .slice(0, 6)
      .join("-");
    if (!/^[a-z]/.test(code)) code = `http-${status}${code ? `-${code}` : ""}`;
    const existing = this.errors.get(code);
    if (existing && existing.status !== status) code = `${code}-${status}`;
    if (BUILTIN_ERRORS.some((b) => b.code === code)) code = `${code}-${status}`;
    if (!this.errors.has(code)) {
      this.errors.set(code, {
        code,
        status,
        title,
        ...(description && description !== title ? { description } : {}),
      });
    }
    return [code];
  }

  /** The codes of `x-error-codes`, registered with the title and detail of their problem+json examples. */
  private namedErrors(status: number, response: Node): string[] {
    const listed = response["x-error-codes"];
    if (!Array.isArray(listed)) return [];
    const kebab = new RegExp(PATTERNS.kebab);
    const codes = listed.filter((c): c is string => typeof c === "string" && kebab.test(c));
    const problem = isObject(response.content) ? response.content["application/problem+json"] : undefined;
    const examples = isObject(problem) && isObject(problem.examples) ? problem.examples : {};
    const out: string[] = [];
    for (const code of codes) {
      const builtin = BUILTIN_ERRORS.find((b) => b.code === code);
      const existing = this.errors.get(code);
      // A code is one entry of the catalog: a code already held with another status is not this one.
      if ((builtin && builtin.status !== status) || (existing && existing.status !== status)) continue;
      out.push(code);
      if (builtin || existing) continue;
      const example = examples[code];
      const title = isObject(example) && typeof example.summary === "string" && example.summary ? example.summary : "";
      const detail = isObject(example) && typeof example.description === "string" ? example.description : "";
      this.errors.set(code, {
        code,
        status,
        title: (title || REASONS[status] || `Error ${status}`).slice(0, 120),
        ...(detail && detail !== title ? { description: detail } : {}),
      });
    }
    return out;
  }
}

/** A lowercase slug (`Swagger Petstore - OpenAPI 3.0` → `swagger-petstore-openapi-3-0`). */
function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return /^[a-z]/.test(s) ? s : s ? `api-${s}`.slice(0, 63).replace(/-+$/, "") : "";
}
