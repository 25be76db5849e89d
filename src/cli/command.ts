/** A declarative command: options for node:util parseArgs, positionals, and a run function. */
import type { ParseArgsConfig } from "node:util";
import type { Io } from "./io.ts";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>[string] & { description: string; valueHint?: string };

export interface Command {
  name: string;
  summary: string;
  /** e.g. `<design>` */
  positionals: Array<{ name: string; description: string; required: boolean }>;
  options: Record<string, OptionSpec>;
  /** Returns the exit code: 0 success, 1 design or check errors, 2 usage errors. */
  run(args: { positionals: string[]; values: Record<string, string | boolean | undefined> }, io: Io): Promise<number>;
}

export class UsageError extends Error {}

export function defineCommand(c: Command): Command {
  return c;
}

export function commandHelp(c: Command): string {
  const pos = c.positionals.map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`)).join(" ");
  const lines = [`contractor ${c.name} ${pos} [options]`, "", c.summary, ""];
  if (c.positionals.length) {
    lines.push("Arguments:");
    for (const p of c.positionals) lines.push(`  ${p.name.padEnd(28)} ${p.description}`);
    lines.push("");
  }
  lines.push("Options:");
  for (const [name, o] of Object.entries(c.options)) {
    // A boolean that defaults to true is only ever given as its negation.
    const flag =
      o.type === "boolean"
        ? o.default === true
          ? `--no-${name}`
          : `--${name}`
        : `--${name} <${o.valueHint ?? "value"}>`;
    lines.push(`  ${flag.padEnd(28)} ${o.description}`);
  }
  lines.push(`  ${"--help".padEnd(28)} Show this help`);
  return lines.join("\n") + "\n";
}
