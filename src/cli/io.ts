/** Output helpers shared by the commands: diagnostics lines, progress lines, colours. */
import type { Diagnostic } from "../design/diagnostics.ts";
import type { StepTiming } from "../pipeline/build.ts";

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Colours on stderr only when it is a terminal and NO_COLOR is unset. */
  color: boolean;
}

export const processIo = (): Io => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  color: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb",
});

const paint = (io: Io, code: number, text: string) => (io.color ? `\u001b[${code}m${text}\u001b[0m` : text);

/** `design.yaml#/data/entities/3  error  dangling-reference  message`; artifact findings keep `file:line`. */
export function formatDiagnostic(d: Diagnostic, source: string, io: Io): string {
  const where = d.path.startsWith("/") || d.path === "" ? `${source}#${d.path}` : d.path;
  const sev =
    d.severity === "error"
      ? paint(io, 31, "error")
      : d.severity === "warning"
        ? paint(io, 33, "warning")
        : paint(io, 36, "info");
  return `${where}  ${sev}  ${d.code}  ${d.message}`;
}

export function printDiagnostics(list: readonly Diagnostic[], source: string, io: Io): void {
  for (const d of list) io.stdout(formatDiagnostic(d, source, io) + "\n");
}

export function progressPrinter(io: Io, quiet: boolean) {
  return (s: StepTiming) => {
    if (quiet) return;
    const ms = s.ms < 10 ? s.ms.toFixed(1) : Math.round(s.ms).toString();
    io.stderr(`${paint(io, 2, "·")} ${s.step.padEnd(18)} ${ms.padStart(6)} ms${s.detail ? `  ${s.detail}` : ""}\n`);
  };
}

export function summary(list: readonly Diagnostic[]): string {
  const count = (s: string) => list.filter((d) => d.severity === s).length;
  return `${count("error")} error(s), ${count("warning")} warning(s)`;
}
