import { describe, expect, it } from "vitest";
import { Project, SyntaxKind, type SourceFile } from "ts-morph";
import { fixtureNames, loadFixture, largeFixture, normalizeOrThrow, contextFor } from "../../helpers.ts";
import {
  generateTypeScript,
  typescriptArtifact,
  TYPES_FILE,
  CLIENT_FILE,
} from "../../../generators/typescript/index.ts";
import { typeCheck } from "../../../generators/typescript/check.ts";
import { tsType, propName, docText, type Typed } from "../../../generators/typescript/model.ts";
import { generatedHeader, type GeneratedFile } from "../../../src/core/artifact.ts";
import { build } from "../../../src/pipeline/build.ts";
import { miniDesign } from "./mini.ts";
import type { Design } from "../../../src/design/schema.ts";

const q = (n: string) => `T.${n}`;

function parse(files: readonly GeneratedFile[], path: string): SourceFile {
  const project = new Project({ useInMemoryFileSystem: true });
  return project.createSourceFile(path, files.find((f) => f.path === path)!.contents);
}

/** Property name → type text of an exported interface. */
function members(file: SourceFile, name: string): Record<string, string> {
  const i = file.getInterfaceOrThrow(name);
  return Object.fromEntries(
    i
      .getProperties()
      .map((p) => [`${p.getName()}${p.hasQuestionToken() ? "?" : ""}`, p.getTypeNodeOrThrow().getText()]),
  );
}

describe("type mapping", () => {
  const cases: Array<[string, { given: Typed; want: string }]> = [
    ["string", { given: { type: "string" }, want: "string" }],
    ["text", { given: { type: "text" }, want: "string" }],
    ["email", { given: { type: "email" }, want: "string" }],
    ["url", { given: { type: "url" }, want: "string" }],
    ["uuid", { given: { type: "uuid" }, want: "string" }],
    ["date (ISO 8601 string)", { given: { type: "date" }, want: "string" }],
    ["timestamp (ISO 8601 string)", { given: { type: "timestamp" }, want: "string" }],
    ["decimal (exact, a string like OpenAPI format: decimal)", { given: { type: "decimal" }, want: "string" }],
    ["integer", { given: { type: "integer" }, want: "number" }],
    ["bigint (OpenAPI integer/int64)", { given: { type: "bigint" }, want: "number" }],
    ["boolean", { given: { type: "boolean" }, want: "boolean" }],
    ["json", { given: { type: "json" }, want: "unknown" }],
    ["enum", { given: { type: "enum", enum: "Tag" }, want: "T.Tag" }],
    ["ref", { given: { type: "ref", ref: "Note" }, want: "T.Note" }],
    ["array of scalars", { given: { type: "array", items: { type: "integer" } }, want: "number[]" }],
    ["array of refs", { given: { type: "array", items: { type: "ref", ref: "Note" } }, want: "T.Note[]" }],
    ["array of json", { given: { type: "array", items: { type: "json" } }, want: "unknown[]" }],
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    expect(tsType(given, q)).toBe(want);
  });

  it.each([
    ["listId", "listId"],
    ["X-Request-Id", '"X-Request-Id"'],
    ["default", "default"],
  ])("property name %s → %s", (given, want) => {
    expect(propName(given)).toBe(want);
  });

  it("doc text joins parts and cannot close the comment", () => {
    expect(docText("a */ b", undefined, "", "c")).toBe("a *\\/ b\n\nc");
    expect(docText(undefined)).toBeUndefined();
  });
});

describe("types.ts of a small design", () => {
  const { files, diagnostics } = generateTypeScript(normalizeOrThrow(miniDesign()));
  const types = parse(files, TYPES_FILE);

  it("emits types.ts and client.ts with the fixed header and no diagnostics", () => {
    expect(diagnostics).toStrictEqual([]);
    expect(files.map((f) => f.path)).toStrictEqual([TYPES_FILE, CLIENT_FILE]);
    for (const f of files) {
      expect(f.contents.startsWith(generatedHeader("//"))).toBe(true);
      expect(f.contents.endsWith("\n")).toBe(true);
      expect(f.contents.endsWith("\n\n")).toBe(false);
      expect(f.contents).not.toContain("\r");
    }
  });

  it("read shape: every read-visible field required, nullable as | null, internal fields absent", () => {
    expect(members(types, "Note")).toStrictEqual({
      id: "string",
      title: "string",
      body: "string | null",
      amount: "string | null",
      views: "number",
      pinned: "boolean",
      due: "string | null",
      meta: "unknown",
      tags: "Tag[]",
      createdAt: "string",
      updatedAt: "string",
    });
  });

  it("create shape: required unless nullable or defaulted; update shape: all optional", () => {
    expect(members(types, "NoteCreate")).toStrictEqual({
      title: "string",
      "body?": "string | null",
      "amount?": "string | null",
      "pinned?": "boolean",
      "due?": "string | null",
      "meta?": "unknown",
      "tags?": "Tag[]",
    });
    expect(Object.keys(members(types, "NoteUpdate")).every((k) => k.endsWith("?"))).toBe(true);
  });

  it("page envelope, enums as unions, unused enums left out", () => {
    expect(members(types, "NotePage")).toStrictEqual({
      items: "Note[]",
      nextCursor: "string | null",
      hasMore: "boolean",
    });
    expect(types.getTypeAliasOrThrow("Tag").getTypeNodeOrThrow().getText()).toBe('"work" | "home"');
    expect(types.getTypeAlias("Unused")).toBeUndefined();
  });

  it("ErrorCode is the whole catalog (built-ins included) and Problem follows RFC 9457", () => {
    expect(types.getTypeAliasOrThrow("ErrorCode").getTypeNodeOrThrow().getText()).toBe(
      '"forbidden" | "internal-error" | "note-not-found" | "precondition-failed" | "rate-limited" | "unauthenticated" | "validation-failed"',
    );
    expect(members(types, "Problem")).toStrictEqual({
      type: "string",
      title: "string",
      status: "number",
      "detail?": "string",
      "instance?": "string",
      code: "ErrorCode",
      "errors?": "ProblemFieldError[]",
    });
    expect(members(types, "ProblemFieldError")).toStrictEqual({ pointer: "string", detail: "string" });
  });

  it("endpoint map: method, path, params, body, response, errors", () => {
    const endpoints = types.getInterfaceOrThrow("Endpoints");
    const update = endpoints
      .getPropertyOrThrow("updateNote")
      .getTypeNodeOrThrow()
      .asKindOrThrow(SyntaxKind.TypeLiteral);
    const member = (n: string) => update.getPropertyOrThrow(n).getTypeNodeOrThrow().getText().replace(/\s+/g, " ");
    expect(member("method")).toBe('"PATCH"');
    expect(member("path")).toBe('"/notes/{noteId}"');
    expect(member("pathParams")).toBe("{ noteId: string; }");
    expect(member("body")).toBe("NoteUpdate");
    expect(member("response")).toBe("Note");
    expect(member("errors")).toBe(
      '"note-not-found" | "unauthenticated" | "precondition-failed" | "validation-failed" | "internal-error"',
    );
    const list = endpoints.getPropertyOrThrow("listNotes").getTypeNodeOrThrow().asKindOrThrow(SyntaxKind.TypeLiteral);
    expect(list.getPropertyOrThrow("query").getTypeNodeOrThrow().getText()).toMatch(
      /tag\?: Tag\[\];[\s\S]*cursor\?: string;[\s\S]*limit\?: number;/,
    );
    const table = types.getVariableDeclarationOrThrow("endpoints").getInitializerOrThrow().getText();
    expect(table).toContain(
      'updateNote: { method: "PATCH", path: "/notes/{noteId}", status: 200, paginated: false, idempotencyKey: false, ifMatch: true, etag: true, auth: ["bearer"]',
    );
  });

  it("doc comments come from descriptions and examples, escaped", () => {
    const note = types.getInterfaceOrThrow("Note");
    expect(note.getJsDocs()[0]!.getDescription().trim()).toBe("A note. Never *\\/ closes a comment.");
    expect(note.getPropertyOrThrow("title").getJsDocs()[0]!.getText()).toContain('@example "Milk"');
  });

  it("is deterministic: the same design gives the same bytes", () => {
    const again = generateTypeScript(normalizeOrThrow(miniDesign())).files;
    expect(again).toStrictEqual(files);
  });
});

describe("client.ts of listly", () => {
  it("one documented method per operation; deprecation carried as @deprecated", async () => {
    const design = await loadFixture("listly");
    const client = parse(generateTypeScript(design).files, CLIENT_FILE).getInterfaceOrThrow("Client");
    const names = client.getMethods().map((m) => m.getName());
    expect([...new Set(names)]).toStrictEqual(design.api.endpoints.map((e) => e.operationId));
    // A cached GET with an ETag has two signatures: plain, and revalidating (If-None-Match → NotModified).
    const revalidating = design.api.endpoints
      .filter((e) => e.method === "GET" && e.caching?.etag)
      .map((e) => e.operationId);
    expect(revalidating.length).toBeGreaterThan(0);
    for (const op of design.api.endpoints.map((e) => e.operationId))
      expect(names.filter((n) => n === op).length, op).toBe(revalidating.includes(op) ? 2 : 1);
    expect(
      client
        .getMethods()
        .filter((m) => m.getName() === "getItem")
        .map((m) => m.getReturnTypeNodeOrThrow().getText()),
    ).toStrictEqual(["Promise<ApiResponse<T.Item>>", "Promise<ApiResponse<T.Item> | NotModified>"]);
    const legacy = client.getMethodOrThrow("getLegacyProfile").getJsDocs()[0]!;
    expect(legacy.getTags().map((t) => [t.getTagName(), t.getCommentText()])).toStrictEqual([
      [
        "deprecated",
        "Since 1.2.0. Removed after 2027-06-30. Use `getMe`. Renamed to /me so profile, devices and settings share one prefix.",
      ],
      ["throws", "with one of: `unauthenticated`, `rate-limited`, `internal-error`."], // the {ApiError} type expression is not part of the comment
    ]);
    expect(
      client
        .getMethodOrThrow("updateItem")
        .getParameters()
        .map((p) => p.getText()),
    ).toStrictEqual(["input: UpdateItemInput", "init?: CallOptions"]);
  });
});

describe("strict type check (the artifact's checker)", () => {
  it.each(fixtureNames)(
    "fixture %s: types.ts and client.ts have zero diagnostics",
    async (name) => {
      const { files, diagnostics } = generateTypeScript(await loadFixture(name));
      expect(diagnostics).toStrictEqual([]);
      expect(typeCheck(files)).toStrictEqual([]);
    },
    120_000,
  );

  it.each([
    [
      "only revalidating GETs (no plain call)",
      (d: Design) => {
        d.api.endpoints = [
          {
            operationId: "listNotes",
            method: "GET",
            path: "/notes",
            summary: "Notes",
            response: { status: 200, schema: "Note", paginated: true },
            caching: { maxAgeSeconds: 0, etag: true },
          },
        ];
      },
    ],
    [
      "no revalidating GET (no conditional call)",
      (d: Design) => {
        for (const e of d.api.endpoints) delete e.caching;
      },
    ],
  ])(
    "client.ts with %s has zero diagnostics",
    (_name, patch) => {
      expect(typeCheck(generateTypeScript(normalizeOrThrow(miniDesign(patch))).files)).toStrictEqual([]);
    },
    60_000,
  );

  it("a generated large design (40 entities) has zero diagnostics", () => {
    expect(typeCheck(generateTypeScript(largeFixture(40)).files)).toStrictEqual([]);
  }, 120_000);

  it("compile-time contract of the client: required inputs, typed bodies, no stray keys", () => {
    const { files } = generateTypeScript(normalizeOrThrow(miniDesign()));
    // A consumer in bundler resolution imports without extensions.
    const usage = `import { createClient, paginate, isApiError } from "./client";
import type * as T from "./types";
const client = createClient({ baseUrl: "https://x/api/v1", token: async () => "t" });
export async function run(): Promise<void> {
  const created = await client.createNote({ body: { title: "a", tags: ["work"] }, idempotencyKey: "k" });
  const note: T.Note = created.data;
  const etag: string | undefined = created.etag;
  await client.updateNote({ noteId: note.id, body: { pinned: true }, ifMatch: etag ?? "" });
  // @ts-expect-error ifMatch is required where the design declares it
  await client.updateNote({ noteId: note.id, body: {} });
  // @ts-expect-error path parameters are required
  await client.updateNote({ body: {}, ifMatch: "x" });
  // @ts-expect-error create bodies need their required fields
  await client.createNote({ body: { tags: [] } });
  // @ts-expect-error enum values are checked
  await client.listNotes({ tag: ["gym"] });
  // @ts-expect-error unknown inputs are rejected
  await client.listNotes({ page: 2 });
  await client.listNotes();
  // A cached GET: without ifNoneMatch the data is there; with it the answer may be NotModified.
  const first = await client.listNotes({ limit: 1 });
  const page: T.NotePage = first.data;
  const again = await client.listNotes({ limit: 1, ifNoneMatch: first.etag ?? "" });
  // @ts-expect-error a revalidation may be NotModified: narrow on notModified first
  void again.data.items;
  if (again.notModified) {
    const none: undefined = again.data;
    const status: 304 = again.status;
    void none; void status;
  } else {
    const fresh: T.NotePage = again.data;
    void fresh;
  }
  const held: string | undefined = page.nextCursor ?? undefined;
  const maybe = await client.listNotes({ ifNoneMatch: held });
  // @ts-expect-error an ifNoneMatch that may be a string may be answered NotModified too
  const notNarrowed: T.NotePage = maybe.data;
  void notNarrowed;
  // @ts-expect-error only cached GETs take ifNoneMatch
  await client.updateNote({ noteId: note.id, body: {}, ifMatch: "x", ifNoneMatch: "y" });
  for await (const item of paginate((cursor) => client.listNotes({ cursor, limit: 10 }))) {
    const title: string = item.title;
    void title;
  }
  try {
    await client.listNotes();
  } catch (e) {
    if (isApiError(e)) {
      const code: T.ErrorCode = e.code;
      // @ts-expect-error codes are the catalog
      const bad: typeof e.code = "no-such-code";
      void code; void bad;
    }
  }
}
`;
    expect(typeCheck(files, [{ path: "usage.ts", contents: usage }])).toStrictEqual([]);
  }, 60_000);

  it("ts-type-error: a compiler finding becomes a diagnostic at file:line", () => {
    const { files } = generateTypeScript(normalizeOrThrow(miniDesign()));
    const types = files.find((f) => f.path === TYPES_FILE)!;
    const line = types.contents.split("\n").findIndex((l) => l.includes("hasMore: boolean;")) + 1;
    const broken = files.map((f) =>
      f === types ? { ...f, contents: f.contents.replace("hasMore: boolean;", "hasMore: Boolen;") } : f,
    );
    const found = typeCheck(broken);
    expect(found.map((d) => [d.code, d.severity, d.path])).toStrictEqual([
      ["ts-type-error", "error", `types.ts:${line}`],
    ]);
    expect(found[0]!.message).toMatch(/^TS2552: Cannot find name 'Boolen'/);
  }, 60_000);

  it("the artifact's check runs the compiler and notes the result", async () => {
    const ctx = contextFor(normalizeOrThrow(miniDesign()));
    const out = typescriptArtifact.generate(ctx);
    const files = Array.isArray(out) ? out : out.files;
    const notes: string[] = [];
    expect(await typescriptArtifact.check!(files, { ...ctx, files, note: (m) => notes.push(m) })).toStrictEqual([]);
    expect(notes).toStrictEqual(["tsc strict: 2 files, 0 diagnostics"]);
  }, 60_000);
});

describe("generator diagnostics", () => {
  it("ts-input-name-reserved: a parameter named like a client input of that operation", () => {
    const design = miniDesign((d) => {
      d.api.endpoints[1]!.params = [{ name: "body", in: "query", type: "string" }];
    });
    const { diagnostics } = generateTypeScript(normalizeOrThrow(design));
    expect(diagnostics.map((d) => [d.code, d.path])).toStrictEqual([
      ["ts-input-name-reserved", "/api/endpoints/1/params/0/name"],
    ]);
  });

  it("ts-input-name-reserved: ifNoneMatch on a cached GET, but not on a GET without an ETag", () => {
    const named = (patch: (d: Design) => void) =>
      generateTypeScript(
        normalizeOrThrow(
          miniDesign((d) => {
            d.api.endpoints[0]!.params = [{ name: "ifNoneMatch", in: "query", type: "string" }];
            patch(d);
          }),
        ),
      ).diagnostics.map((x) => [x.code, x.path]);
    expect(named(() => {})).toStrictEqual([["ts-input-name-reserved", "/api/endpoints/0/params/0/name"]]);
    expect(named((d) => void delete d.api.endpoints[0]!.caching)).toStrictEqual([]);
  });

  it("the same parameter name is fine where the operation has no such input", () => {
    const design = miniDesign((d) => {
      d.api.endpoints[0]!.params = [{ name: "ifMatch", in: "query", type: "string" }];
    });
    expect(generateTypeScript(normalizeOrThrow(design)).diagnostics).toStrictEqual([]);
  });
});

describe("in the build", () => {
  it("contractor build of listly writes types.ts and client.ts and passes the check", async () => {
    const { fixturePath } = await import("../../helpers.ts");
    const result = await build({ file: fixturePath("listly") }, { engine: false });
    expect(result.diagnostics.filter((d) => d.severity === "error")).toStrictEqual([]);
    expect(result.files.map((f) => f.path)).toEqual(expect.arrayContaining([TYPES_FILE, CLIENT_FILE]));
    expect(result.timings.some((t) => t.step === "check typescript")).toBe(true);
  }, 300_000);
});
