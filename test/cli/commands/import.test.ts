import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { main } from "../../../src/cli/main.ts";
import type { Io } from "../../../src/cli/io.ts";
import { validateDesign } from "../../../src/design/validate.ts";

let dir = "";
const spec = {
  openapi: "3.1.0",
  info: { title: "Tiny", version: "2.0.0" },
  servers: [{ url: "https://api.example.com/v1" }],
  paths: {
    "/items": {
      get: {
        operationId: "listItems",
        parameters: [{ name: "page_size", in: "query", schema: { type: "integer" } }],
        responses: {
          "200": {
            description: "OK",
            content: { "application/json": { schema: { type: "object", properties: { total: { type: "number" } } } } },
          },
        },
      },
    },
  },
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "contractor-import-cli-"));
  await writeFile(join(dir, "spec.json"), JSON.stringify(spec));
  await writeFile(join(dir, "swagger.yaml"), "swagger: '2.0'\ninfo: { title: x, version: '1' }\npaths: {}\n");
  await writeFile(join(dir, "broken.yaml"), "openapi: 3.0.0\ninfo: [\n");
  await mkdir(join(dir, "a-directory"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), color: false };
  const code = await main(["import", ...args], io);
  return { code, stdout, stderr };
}

describe("contractor import", () => {
  it("prints the design on stdout and a loss summary on stderr", async () => {
    const r = await run(["openapi", join(dir, "spec.json")]);
    expect(r.code).toBe(0);
    const design = parse(r.stdout);
    expect(validateDesign(design).diagnostics.filter((d) => d.severity === "error")).toStrictEqual([]);
    expect(design.api.endpoints[0].params[0].name).toBe("pageSize");
    expect(r.stderr).toContain("query-param-name");
    expect(r.stderr).toContain("number-type");
    expect(r.stderr).toContain("imported 1 endpoint(s)");
  });

  it("writes --out and --report, the same bytes on every run", async () => {
    const out = join(dir, "out", "design.yaml");
    const report = join(dir, "out", "loss.json");
    const first = await run(["openapi", join(dir, "spec.json"), "--out", out, "--report", report]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe("");
    const yaml = await readFile(out, "utf8");
    const losses = JSON.parse(await readFile(report, "utf8")).losses;
    expect(losses.map((l: { pointer: string; class: string }) => `${l.class} ${l.pointer}`)).toStrictEqual([
      "query-param-name /paths/~1items/get/parameters/0",
      "number-type /paths/~1items/get/responses/200/content/application~1json/schema/properties/total",
    ]);
    await run(["openapi", join(dir, "spec.json"), "--out", out, "--report", report]);
    expect(await readFile(out, "utf8")).toBe(yaml);
  });

  it.each([
    ["Swagger 2.0", "swagger.yaml", "unsupported-openapi-version"],
    ["invalid YAML", "broken.yaml", "parse-error"],
    ["a missing file", "missing.yaml", "file-not-found"],
    ["a directory", "a-directory", "not-a-regular-file"],
  ])("%s: exit 1, a diagnostic, no stack trace, nothing written", async (_name, file, code) => {
    const out = join(dir, `never-${code}.yaml`);
    const r = await run(["openapi", join(dir, file), "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(code);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect((await readdir(dir)).filter((f) => f.startsWith("never-"))).toStrictEqual([]);
  });

  it("--help lists the three sources, the merged form, the baseline and the database options", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("contractor import [source] [file] [options]");
    expect(r.stdout).toContain("openapi | postgres | sql");
    for (const flag of [
      "--database-url <url>",
      "--schema <name>",
      "--openapi <spec.yaml>",
      "--sql <file.sql>",
      "--baseline <out dir>",
      "--migrations-format <format>",
    ])
      expect(r.stdout).toContain(flag);
  });

  it.each([
    ["an unknown source", ["graphql", "x.yaml"]],
    ["a missing spec", ["openapi"]],
    ["an unknown option", ["openapi", "x.yaml", "--nope"]],
    ["postgres without --database-url", ["postgres"]],
    ["postgres with a file", ["postgres", "x.sql", "--database-url", "postgres://localhost/db"]],
    ["sql without a file", ["sql"]],
    ["sql with --database-url", ["sql", "x.sql", "--database-url", "postgres://localhost/db"]],
    ["openapi with --schema", ["openapi", "x.yaml", "--schema", "app"]],
  ])("%s: usage error, exit 2", async (_name, args) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("contractor import");
  });

  it.each([
    ["no source", [], "missing source"],
    ["a source with --openapi", ["sql", "x.sql", "--openapi", "s.yaml"], 'unexpected argument "sql"'],
    ["--openapi without a database", ["--openapi", "s.yaml"], "--openapi needs the database to merge with"],
    [
      "--openapi with two databases",
      ["--openapi", "s.yaml", "--sql", "x.sql", "--database-url", "postgres://localhost/db"],
      "--database-url and --sql name two databases",
    ],
    ["--sql without --openapi", ["sql", "x.sql", "--sql", "y.sql"], "--sql goes with --openapi"],
    ["--baseline without a database", ["openapi", "x.yaml", "--baseline", "out"], "--baseline needs a database"],
    ["an empty --baseline", ["sql", "x.sql", "--baseline", ""], "--baseline needs a value"],
    [
      "--migrations-format without --baseline",
      ["sql", "x.sql", "--migrations-format", "dbmate"],
      "--migrations-format goes with --baseline",
    ],
    [
      "an unknown --migrations-format",
      ["sql", "x.sql", "--baseline", "out", "--migrations-format", "liquibase"],
      "--migrations-format must be one of golang-migrate, dbmate, flyway",
    ],
    ["a third argument", ["sql", "x.sql", "y.sql"], 'unexpected argument "y.sql"'],
  ])("%s: usage error, exit 2, saying why", async (_name, args, why) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(why);
    expect(r.stderr).toContain("contractor import");
  });
});
