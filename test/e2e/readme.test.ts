/**
 * The README's 30-second example is true: its design builds with no finding at all, writes the
 * number of files it says, the out dir lists exactly what `ls -F out` shows, and the schemas and
 * paths the text promises exist. Every `contractor` command in its shell blocks exists with its flags.
 */
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { build } from "../../src/pipeline/build.ts";
import { commands } from "../../src/cli/main.ts";
import { repoRoot } from "../helpers.ts";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
const example = readme.slice(
  readme.indexOf("## 30-second example"),
  readme.indexOf("\n## ", readme.indexOf("## 30-second example") + 1),
);
const design = /```yaml\n([\s\S]*?)```/.exec(example)![1]!;
const session = /```console\n([\s\S]*?)```/.exec(example)![1]!;

const temp = await mkdtemp(join(tmpdir(), "contractor-readme-"));
afterAll(() => rm(temp, { recursive: true, force: true }));

describe("README", () => {
  it("the 30-second example builds as shown", async () => {
    const out = join(temp, "out");
    const result = await build({ text: design, name: "todo.yaml" }, { out });
    expect(result.diagnostics).toStrictEqual([]);
    expect(result.ok).toBe(true);
    const wrote = /wrote (\d+) files to out \(0 error\(s\), 0 warning\(s\)\)/.exec(session);
    expect(wrote, "the session's last build line").not.toBeNull();
    expect(result.files.length).toBe(Number(wrote![1]));

    const listing = session
      .slice(session.indexOf("$ ls -F out\n") + "$ ls -F out\n".length)
      .split(/\s+/)
      .filter(Boolean)
      .sort();
    const entries = await readdir(out);
    const shown = await Promise.all(
      entries
        .filter((e) => !e.startsWith("."))
        .map(async (e) => ((await stat(join(out, e))).isDirectory() ? `${e}/` : e)),
    );
    expect(shown.sort()).toStrictEqual(listing);

    const openapi = parse(await readFile(join(out, "openapi.yaml"), "utf8")) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown>; parameters: Record<string, unknown> };
    };
    for (const s of ["Todo", "TodoCreate", "TodoUpdate", "TodoPage"])
      expect(Object.keys(openapi.components.schemas), s).toContain(s);
    expect(Object.keys(openapi.paths)).toContain("/sync/changes");
    expect(Object.keys(openapi.components.parameters)).toEqual(expect.arrayContaining(["Cursor", "Limit"]));
    const up = await readFile(join(out, "migrations/0001_todo.up.sql"), "utf8");
    for (const column of ['"updated_at"', '"deleted_at"', '"version"']) expect(up).toContain(column);
    expect((await readdir(join(out, "migrations"))).sort()).toStrictEqual([
      "0001_todo.down.sql",
      "0001_todo.up.sql",
      "contractor.lock.json",
    ]);
  });

  it("every npm script it names exists in package.json", () => {
    const { scripts } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const named = [...new Set([...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!))];
    expect(named).toEqual(expect.arrayContaining(["test:unit", "lint", "knip", "typecheck"]));
    for (const name of named) expect(Object.keys(scripts), `npm run ${name}`).toContain(name);
  });

  it("every contractor command in its shell blocks exists, with the flags it is given", () => {
    const blocks = [...readme.matchAll(/```(?:sh|console)\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const seen = blocks.flatMap((b) =>
      [...b.matchAll(/(?:^|\s)contractor ([^\n|>&;#]+)/g)].map((m) => m[1]!.trim().split(/\s+/)),
    );
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const [name, ...args] of seen) {
      const command = commands.find((c) => c.name === name);
      expect(command, `contractor ${name}`).toBeDefined();
      for (const flag of args.filter((a) => a.startsWith("--")))
        expect(Object.keys(command!.options), `contractor ${name} ${flag}`).toContain(
          flag.slice(2).replace(/^no-/, ""),
        );
    }
  });
});
