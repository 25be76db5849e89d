import { afterAll, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { main } from "../../../src/cli/main.ts";
import type { Io } from "../../../src/cli/io.ts";
import { schemaReference, vscodeSettings } from "../../../src/cli/commands/init.ts";
import { validate } from "../../../src/pipeline/build.ts";
import { repoRoot } from "../../helpers.ts";

const temp = await mkdtemp(join(tmpdir(), "contractor-init-"));
afterAll(() => rm(temp, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(temp, `p${n++}`);

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), color: false };
  const code = await main(["init", ...args], io);
  return { code, stdout, stderr };
}

describe("schemaReference", () => {
  const cases: Array<[string, { dir: string; pkg: string; want: string }]> = [
    [
      "installed in the project",
      {
        dir: "/p",
        pkg: "/p/node_modules/contractor-cli",
        want: "node_modules/contractor-cli/schemas/design.schema.json",
      },
    ],
    [
      "design in a sub-folder of the project",
      {
        dir: "/p/api",
        pkg: "/p/node_modules/contractor-cli",
        want: "../node_modules/contractor-cli/schemas/design.schema.json",
      },
    ],
    [
      "installed in a workspace root above",
      {
        dir: "/mono/services/api",
        pkg: "/mono/node_modules/contractor-cli",
        want: "../../node_modules/contractor-cli/schemas/design.schema.json",
      },
    ],
    [
      "run through npx without installing",
      {
        dir: "/p",
        pkg: "/home/u/.npm/_npx/1a2b/node_modules/contractor-cli",
        want: "https://unpkg.com/contractor-cli@1.2.3/schemas/design.schema.json",
      },
    ],
    [
      "a sibling project's install",
      {
        dir: "/a",
        pkg: "/b/node_modules/contractor-cli",
        want: "https://unpkg.com/contractor-cli@1.2.3/schemas/design.schema.json",
      },
    ],
    [
      "a repository checkout",
      { dir: "/p", pkg: "/src/contractor", want: "https://unpkg.com/contractor-cli@1.2.3/schemas/design.schema.json" },
    ],
  ];
  it.each(cases)("%s", (_, { dir, pkg, want }) => {
    expect(schemaReference(dir, pkg, "contractor-cli", "1.2.3")).toBe(want);
  });
});

describe("contractor init", () => {
  it("writes the starter design with the schema modeline and the editor settings, and prints the next commands", async () => {
    const dir = fresh();
    const r = await run([dir]);
    expect(r.code).toBe(0);
    const text = await readFile(join(dir, "design.yaml"), "utf8");
    const [modeline] = text.split("\n");
    const schema = modeline!.replace("# yaml-language-server: $schema=", "");
    expect(modeline).toBe(`# yaml-language-server: $schema=${schema}`);
    expect(schema).toMatch(/^https:\/\/unpkg\.com\/contractor-cli@\d+\.\d+\.\d+\/schemas\/design\.schema\.json$/);
    expect(text.slice(modeline!.length + 1)).toBe(await readFile(join(repoRoot, "templates/design.yaml"), "utf8"));
    expect(JSON.parse(await readFile(join(dir, ".vscode/settings.json"), "utf8"))).toStrictEqual({
      "yaml.schemas": { [schema]: ["design.yaml"] },
    });
    expect(r.stdout).toContain("design.yaml and ");
    expect(r.stdout).toMatch(/npx contractor build \S*design\.yaml --out \S*out --check +in CI: exit 1 when/);
    expect(r.stdout).toMatch(/npx contractor build \S*design\.yaml --out \S*out --watch +rebuild on every save/);
  });

  it("the starter design is valid, with no warning and no note", async () => {
    const dir = fresh();
    await run([dir]);
    const r = await validate({ file: join(dir, "design.yaml") });
    expect(r.diagnostics).toStrictEqual([]);
    expect(r.ok).toBe(true);
    expect(parse(await readFile(join(dir, "design.yaml"), "utf8")).info.name).toBe("habits");
  });

  it("refuses to overwrite a design: exit 1, a diagnostic, the file untouched, nothing else written", async () => {
    const dir = fresh();
    await mkdir(dir);
    await writeFile(join(dir, "design.yaml"), "mine\n");
    const r = await run([dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /design\.yaml {2}error {2}init-design-exists {2}.*already exists; init never overwrites a design/,
    );
    expect(r.stderr).toBe("nothing written\n");
    expect(await readFile(join(dir, "design.yaml"), "utf8")).toBe("mine\n");
    expect(await readdir(dir)).toStrictEqual(["design.yaml"]);
  });

  it("leaves an existing .vscode/settings.json alone and prints the entry to add", async () => {
    const dir = fresh();
    const mine = '{\n  // my settings\n  "editor.tabSize": 2\n}\n';
    await mkdir(join(dir, ".vscode"), { recursive: true });
    await writeFile(join(dir, ".vscode/settings.json"), mine);
    const r = await run([dir]);
    expect(r.code).toBe(0);
    expect(await readFile(join(dir, ".vscode/settings.json"), "utf8")).toBe(mine);
    const schema = (await readFile(join(dir, "design.yaml"), "utf8"))
      .split("\n")[0]!
      .replace("# yaml-language-server: $schema=", "");
    expect(r.stdout).toContain(
      `settings.json exists and was left as it is. For schema checks and completion in VS Code's YAML extension, add:\n  "yaml.schemas": { "${schema}": ["design.yaml"] }\n`,
    );
  });

  it("says nothing about a settings file that already maps the schema", async () => {
    const dir = fresh();
    const first = await run([dir]);
    expect(first.code).toBe(0);
    await rm(join(dir, "design.yaml"));
    const settings = await readFile(join(dir, ".vscode/settings.json"), "utf8");
    const again = await run([dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain("settings.json");
    expect(await readFile(join(dir, ".vscode/settings.json"), "utf8")).toBe(settings);
  });

  it("a directory that cannot be created is a diagnostic, not a crash", async () => {
    const file = fresh();
    await writeFile(file, "a file, not a directory\n");
    const r = await run([join(file, "sub")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/init-write-failed {2}could not write \S*design\.yaml \((ENOTDIR|EEXIST): /);
    expect(await readFile(file, "utf8")).toBe("a file, not a directory\n");
  });

  it("vscodeSettings maps the schema to design.yaml", () => {
    expect(vscodeSettings("s.json")).toBe(
      '{\n  "yaml.schemas": {\n    "s.json": [\n      "design.yaml"\n    ]\n  }\n}\n',
    );
  });

  it("a second positional is a usage error", async () => {
    expect((await run([fresh(), "extra"])).code).toBe(2);
  });
});
