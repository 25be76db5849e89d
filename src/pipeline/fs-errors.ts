/**
 * File-system trouble as diagnostics. A user's situation (a read-only disk, a full disk, an out
 * dir that is a file, a FIFO where an owned file goes) is never a crash: every errno the write
 * path can meet is mapped here, in one table, to a code of `codes.ts`.
 */
import { relative } from "node:path";
import type { Diagnostic } from "../design/diagnostics.ts";
import { diagnosticsFor } from "../design/diagnostics.ts";
import { pipelineCodes } from "./codes.ts";

const diag = diagnosticsFor(pipelineCodes);
type PipelineCode = keyof typeof pipelineCodes & string;

/** A Node system error: `code` (EACCES…), usually `syscall` and `path`. */
export interface SystemError extends Error {
  code: string;
  syscall?: string;
  path?: string;
  dest?: string;
}

export function isSystemError(error: unknown): error is SystemError {
  const e = error as Partial<SystemError> | null;
  return (
    error instanceof Error &&
    typeof e?.code === "string" &&
    /^E[A-Z0-9]+$/.test(e.code) &&
    (typeof e.syscall === "string" || typeof e.path === "string")
  );
}

/**
 * A diagnostic's location for a file outside the design: relative to the cwd, so that it reads as
 * a file and never as a JSON pointer into the design (those start with `/`).
 */
export function shownPath(path: string): string {
  return path === "" ? "" : relative(process.cwd(), path) || ".";
}

/** A problem with the out dir found by contractor itself (not an errno): already a diagnostic. */
export class OutDirProblem extends Error {
  readonly diagnostic: Diagnostic;
  constructor(code: PipelineCode, message: string, path: string) {
    super(message);
    this.diagnostic = diag(code, message, shownPath(path));
  }
}

/** errno → code and a plain-words reason. Anything unlisted is `fs-error`. */
const errnoTable: Record<string, { code: PipelineCode; reason: string }> = {
  EACCES: { code: "fs-permission-denied", reason: "permission denied" },
  EPERM: { code: "fs-permission-denied", reason: "operation not permitted" },
  EROFS: { code: "fs-read-only", reason: "read-only file system" },
  ENOSPC: { code: "fs-no-space", reason: "no space left on device" },
  EDQUOT: { code: "fs-no-space", reason: "disk quota exceeded" },
  EBUSY: { code: "fs-busy", reason: "resource busy (a mount point or a file in use)" },
  ETXTBSY: { code: "fs-busy", reason: "file in use" },
  EMFILE: { code: "fs-too-many-open-files", reason: "too many open files in this process" },
  ENFILE: { code: "fs-too-many-open-files", reason: "too many open files in the system" },
  ENOTDIR: { code: "out-not-a-directory", reason: "a part of the path is not a directory" },
  EISDIR: { code: "out-file-not-regular", reason: "is a directory" },
  EXDEV: { code: "fs-error", reason: "crosses file systems (the out dir's owned files must live on one file system)" },
  ELOOP: { code: "fs-error", reason: "too many levels of symbolic links" },
  ENAMETOOLONG: { code: "fs-error", reason: "name too long" },
  EIO: { code: "fs-error", reason: "input/output error" },
};

/** The diagnostic for a system error; `undefined` for anything that is not one (a bug: rethrow). */
export function fsDiagnostic(error: unknown): Diagnostic | undefined {
  if (error instanceof OutDirProblem) return error.diagnostic;
  if (!isSystemError(error)) return undefined;
  const entry = errnoTable[error.code] ?? {
    code: "fs-error" as const,
    reason: error.message.replace(/^E[A-Z0-9]+: /, "").replace(/, .*$/, ""),
  };
  const where = [error.syscall, error.path, error.dest ? `-> ${error.dest}` : undefined].filter(Boolean).join(" ");
  return diag(entry.code, `file-system error: ${where}: ${entry.reason} (${error.code})`, shownPath(error.path ?? ""));
}
