/**
 * The `contractor` entry point: parses arguments, dispatches to one command, maps outcomes to
 * exit codes (0 success, 1 design or check errors, 2 usage errors). The only place that exits.
 */
import { parseArgs } from "node:util";
import { packageVersion } from "../core/package-files.ts";
import { commandHelp, UsageError, type Command } from "./command.ts";
import { processIo, type Io } from "./io.ts";
import { buildCommand } from "./commands/build.ts";
import { validateCommand } from "./commands/validate.ts";
import { diffCommand } from "./commands/diff.ts";
import { draftCommand } from "./commands/draft.ts";
import { fsDiagnostic } from "../pipeline/fs-errors.ts";
import { initCommand } from "./commands/init.ts";
import { importCommand } from "./commands/import.ts";

export const commands: Command[] = [
  initCommand,
  buildCommand,
  validateCommand,
  draftCommand,
  diffCommand,
  importCommand,
];

function version(): string {
  return packageVersion();
}

export function mainHelp(): string {
  const lines = [
    "contractor — one backend design in; checked OpenAPI, migrations, diagrams, types and a design document out.",
    "",
    "Usage: contractor <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    "",
    "Run `contractor <command> --help` for a command's options. `contractor --version` prints the version.",
    "Exit codes: 0 success, 1 design or check errors, 2 usage errors (draft adds 3: no usable answer, 4: API failure).",
  ];
  return lines.join("\n") + "\n";
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout(mainHelp());
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(version() + "\n");
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`unknown command "${name}"\n\n${mainHelp()}`);
    return 2;
  }
  try {
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout(commandHelp(command));
      return 0;
    }
    const options = Object.fromEntries(
      Object.entries(command.options).map(([k, { description: _d, valueHint: _v, ...o }]) => [k, o]),
    );
    const parsed = parseArgs({ args: rest, options, allowPositionals: true, allowNegative: true, strict: true });
    const required = command.positionals.filter((p) => p.required).length;
    if (parsed.positionals.length < required)
      throw new UsageError(`missing ${command.positionals[parsed.positionals.length]!.name}`);
    if (parsed.positionals.length > command.positionals.length)
      throw new UsageError(`unexpected argument "${parsed.positionals[command.positionals.length]}"`);
    return await command.run(
      { positionals: parsed.positionals, values: parsed.values as Record<string, string | boolean | undefined> },
      io,
    );
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (error instanceof UsageError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))) {
      io.stderr(`contractor ${command.name}: ${(error as Error).message}\n\n${commandHelp(command)}`);
      return 2;
    }
    // A file-system error that reached here is the user's situation (a full disk, a read-only
    // mount), not a bug: one diagnostic line and exit 1. Anything else is a bug and is rethrown.
    const fs = fsDiagnostic(error);
    if (fs) {
      io.stderr(`contractor ${command.name}: ${fs.severity}  ${fs.code}  ${fs.message}\n`);
      return 1;
    }
    throw error;
  }
}
