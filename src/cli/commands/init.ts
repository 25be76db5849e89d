/**
 * `contractor init [dir]`: starts a design. Writes the starter design (templates/design.yaml, a
 * small mobile backend that builds without findings) as `design.yaml`, with a yaml-language-server
 * modeline pointing at the design's JSON Schema, and wires VS Code's YAML extension to that schema
 * in `.vscode/settings.json` when the project has no such file. Never overwrites: an existing
 * design is refused, an existing settings file is left alone (what to add is printed instead).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { defineCommand } from "../command.ts";
import { printDiagnostics } from "../io.ts";
import { cliDiag } from "../codes.ts";
import { packageFile, packageRoot } from "../../core/package-files.ts";

const DESIGN_FILE = "design.yaml";
const STARTER = "templates/design.yaml";
const SCHEMA = "schemas/design.schema.json";

/**
 * How `dir`'s files name the design schema: a relative path when `packageDir` is installed in a
 * `node_modules` of `dir` or of a folder above it (so the path stays valid in the project and in
 * its repository), else the published copy of this exact version (run through `npx` without
 * installing, or from a global install, the package lives outside the project).
 */
export function schemaReference(dir: string, packageDir: string, name: string, version: string): string {
  const parts = packageDir.split(sep);
  const nm = parts.lastIndexOf("node_modules");
  if (nm > 0) {
    const project = parts.slice(0, nm).join(sep) || sep;
    const fromProject = relative(project, dir);
    if (fromProject === "" || (!fromProject.startsWith("..") && !isAbsolute(fromProject))) {
      return relative(dir, join(packageDir, SCHEMA)).split(sep).join("/");
    }
  }
  return `https://unpkg.com/${name}@${version}/${SCHEMA}`;
}

/** The `.vscode/settings.json` that maps the schema to design.yaml, for a project without one. */
export function vscodeSettings(schema: string): string {
  return JSON.stringify({ "yaml.schemas": { [schema]: [DESIGN_FILE] } }, null, 2) + "\n";
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message}` : String(error);
}

export const initCommand = defineCommand({
  name: "init",
  summary:
    "Start a design: write a starter design.yaml (a small mobile backend) wired to the design schema for your editor.",
  positionals: [
    { name: "dir", description: "Directory to start the design in (default: the current directory)", required: false },
  ],
  options: {},
  async run({ positionals }, io) {
    const dir = resolve(positionals[0] ?? ".");
    const design = join(dir, DESIGN_FILE);
    const shown = relative(process.cwd(), design) || DESIGN_FILE;
    const fail = (code: "init-design-exists" | "init-write-failed", message: string) => {
      printDiagnostics([cliDiag(code, message, shown)], shown, io);
      io.stderr("nothing written\n");
      return 1;
    };

    const pkg = JSON.parse(await readFile(packageFile("package.json"), "utf8")) as { name: string; version: string };
    const schema = schemaReference(dir, packageRoot(), pkg.name, pkg.version);
    const starter = await readFile(packageFile(STARTER), "utf8");
    try {
      await mkdir(dir, { recursive: true });
      // `wx`: fails when the file exists, even one created a moment ago by someone else.
      await writeFile(design, `# yaml-language-server: $schema=${schema}\n${starter}`, { flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") {
        return fail("init-design-exists", `${shown} already exists; init never overwrites a design`);
      }
      return fail("init-write-failed", `could not write ${shown} (${reason(error)})`);
    }
    const written = [shown];

    const settings = join(dir, ".vscode", "settings.json");
    const settingsShown = relative(process.cwd(), settings);
    const existing = await readFile(settings, "utf8").catch(() => undefined);
    let settingsNote = "";
    if (existing === undefined) {
      try {
        await mkdir(dirname(settings), { recursive: true });
        await writeFile(settings, vscodeSettings(schema), { flag: "wx" });
        written.push(settingsShown);
      } catch (error) {
        settingsNote = `could not write ${settingsShown} (${reason(error)}); the modeline in ${shown} is enough for editors with the YAML language server.\n`;
      }
    } else if (!existing.includes(schema)) {
      settingsNote =
        `${settingsShown} exists and was left as it is. For schema checks and completion in VS Code's YAML extension, add:\n` +
        `  "yaml.schemas": { ${JSON.stringify(schema)}: [${JSON.stringify(DESIGN_FILE)}] }\n`;
    }

    const designArg = relative(process.cwd(), design) || DESIGN_FILE;
    const outArg = relative(process.cwd(), join(dir, "out")) || "out";
    const build = `npx contractor build ${designArg}${outArg === "out" ? "" : ` --out ${outArg}`}`;
    const next: Array<[string, string]> = [
      [build, `every artifact into ${outArg}/, each checked before it is written`],
      [`${build} --watch`, "rebuild on every save"],
      [`${build} --check`, `in CI: exit 1 when ${outArg}/ is stale`],
    ];
    const width = Math.max(...next.map(([c]) => c.length)) + 2;
    io.stdout(
      [
        `wrote ${written.join(" and ")}: a starter design (a habit-tracking mobile backend) to edit into yours.`,
        ...(settingsNote ? [settingsNote.trimEnd()] : []),
        "",
        "Next:",
        ...next.map(([c, what]) => `  ${c.padEnd(width)}${what}`),
        `then open ${join(outArg, "index.html")} in a browser to review the design.`,
        "",
      ].join("\n"),
    );
    return 0;
  },
});
