/**
 * generators/typescript/runtime/client-runtime.ts, the fixed part of client.ts: it compiles on its own
 * under the settings the generated client is checked with, and the client emitted for a design holds
 * its declarations exactly as written there, with only the design's parts in between.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ts } from "ts-morph";
import { loadFixture } from "../../helpers.ts";
import { CLIENT_FILE, generateTypeScript } from "../../../generators/typescript/index.ts";
import { typeCheck } from "../../../generators/typescript/check.ts";

const runtimeDir = new URL("../../../generators/typescript/runtime/", import.meta.url);
const runtimeText = readFileSync(new URL("client-runtime.ts", runtimeDir), "utf8");
const standInTypes = readFileSync(new URL("types.ts", runtimeDir), "utf8");

/** The runtime's declarations that stand in for what the generator derives from the design. */
const STAND_INS = ["ClientOptions", "operations", "Client", "ListThingsInput", "GetThingInput"];

/** What client.ts holds besides the runtime: the design's declarations. */
const DESIGN_DERIVED = /^(servers|ClientOptions|operations|Client|\w+Input)$/;

function parse(text: string): ts.SourceFile {
  return ts.createSourceFile("client.ts", text, ts.ScriptTarget.Latest, /* setParentNodes */ true);
}

function nameOf(statement: ts.Statement): string {
  if (ts.isImportDeclaration(statement)) return "import";
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations[0]!.name.getText();
  const named = statement as ts.Statement & { name?: ts.Identifier };
  return named.name?.text ?? `<${ts.SyntaxKind[statement.kind]}>`;
}

/** Top-level statements by name, each as written (JSDoc included, other comments before it not). */
function declarations(file: ts.SourceFile): Map<string, ts.Statement> {
  return new Map(file.statements.map((s) => [nameOf(s), s]));
}

/** A statement as written, with its JSDoc (not for the import: the file's own doc comment comes before it). */
const fullText = (file: ts.SourceFile, node: ts.Node) =>
  file.text.slice(node.getStart(file, /* includeJsDocComment */ !ts.isImportDeclaration(node)), node.end);

function functionNamed(file: ts.SourceFile, statements: readonly ts.Statement[], name: string): ts.FunctionDeclaration {
  const fn = statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name);
  if (!fn?.body) throw new Error(`${file.fileName}: no function ${name}`);
  return fn;
}

async function emittedClient(fixture: string): Promise<ts.SourceFile> {
  const { files } = generateTypeScript(await loadFixture(fixture));
  return parse(files.find((f) => f.path === CLIENT_FILE)!.contents);
}

describe("the client runtime", () => {
  it("compiles on its own (with its stand-in types.ts) under the generated client's checker settings", () => {
    const files = [
      { path: "client-runtime.ts", contents: runtimeText },
      { path: "types.ts", contents: standInTypes },
    ];
    expect(typeCheck(files)).toStrictEqual([]);
    // The settings are the strict ones: a dotted read of an index signature is an error there
    // (noPropertyAccessFromIndexSignature), though the repository's own tsconfig allows it.
    const dotted = runtimeText.replace(`typeof values["ifMatch"] === "string"`, `typeof values.ifMatch === "string"`);
    expect(dotted).not.toBe(runtimeText);
    expect(typeCheck([{ path: "client-runtime.ts", contents: dotted }, files[1]!]).map((d) => d.message)).toEqual([
      expect.stringMatching(/^TS4111: Property 'ifMatch' comes from an index signature/),
    ]);
  });

  it("listly's client.ts holds every runtime declaration as written, and otherwise only the design's", async () => {
    const runtime = parse(runtimeText);
    const client = await emittedClient("listly");
    const ours = declarations(runtime);
    const theirs = declarations(client);
    const spliced = [...ours.keys()].filter((n) => !STAND_INS.includes(n) && n !== "createClient");
    expect(spliced.length).toBeGreaterThan(5);
    for (const name of spliced) {
      expect(theirs.has(name), name).toBe(true);
      expect(fullText(client, theirs.get(name)!), name).toBe(fullText(runtime, ours.get(name)!));
    }
    for (const name of STAND_INS.filter((n) => !n.endsWith("Input"))) expect(theirs.has(name), name).toBe(true);
    const rest = [...theirs.keys()].filter((n) => !ours.has(n) || STAND_INS.includes(n));
    expect(rest.filter((n) => !DESIGN_DERIVED.test(n))).toStrictEqual([]);
  });

  it("listly's createClient is the runtime's, statement for statement, but for the returned methods", async () => {
    const runtime = parse(runtimeText);
    const client = await emittedClient("listly");
    const ours = functionNamed(runtime, runtime.statements, "createClient");
    const theirs = functionNamed(client, client.statements, "createClient");
    const head = (file: ts.SourceFile, fn: ts.FunctionDeclaration) =>
      file.text.slice(fn.getStart(file, true), fn.body!.getStart(file));
    expect(head(client, theirs)).toBe(head(runtime, ours));
    // Statement texts; send's one by one, as the runtime's holds the API-key marker comment.
    const body = (file: ts.SourceFile, fn: ts.FunctionDeclaration) =>
      fn
        .body!.statements.slice(0, -1)
        .flatMap((s) =>
          ts.isFunctionDeclaration(s) && s.name?.text === "send"
            ? s.body!.statements.map((t) => t.getText(file))
            : [s.getText(file)],
        );
    // listly has plain and revalidating operations, so both call and callConditional are kept.
    expect(body(client, theirs)).toStrictEqual(body(runtime, ours));
    expect(ts.isReturnStatement(theirs.body!.statements.at(-1)!)).toBe(true);
  });

  it("an API-key design's send has the runtime's statements plus the key's, on the marker's line", async () => {
    const runtime = parse(runtimeText);
    const client = await emittedClient("marketplace");
    const send = (file: ts.SourceFile) =>
      functionNamed(file, functionNamed(file, file.statements, "createClient").body!.statements, "send").body!
        .statements;
    const ours = send(runtime);
    const bearer = ours.findIndex((s) => s.getText(runtime).startsWith(`if (op.auth.includes("bearer")`));
    expect(bearer).toBeGreaterThan(0);
    const markerLine = runtimeText.split("\n").findIndex((l) => l.includes("the API-key statement of the design"));
    expect(markerLine).toBe(runtime.getLineAndCharacterOfPosition(ours[bearer]!.end).line + 1);
    const texts = ours.map((s) => s.getText(runtime));
    expect(send(client).map((s) => s.getText(client))).toStrictEqual([
      ...texts.slice(0, bearer + 1),
      `if (op.auth.includes("apiKey") && options.apiKey && !headers["authorization"]) { const key = await options.apiKey(); if (key) headers["x-api-key"] = key; }`,
      ...texts.slice(bearer + 1),
    ]);
  });
});
