import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { UsageError } from "../command.ts";
import { DEFAULT_MAX_BYTES } from "../../design/load.ts";

/** `5MB`, `512kb`, `1048576` → bytes. */
export function parseSize(value: string | boolean | undefined): number {
  if (value === undefined || typeof value === "boolean") return DEFAULT_MAX_BYTES;
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?$/i.exec(value.trim());
  if (!m) throw new UsageError(`--max-size: cannot read "${value}" (try 5MB or 512kB)`);
  const unit = (m[2] ?? "b").toLowerCase()[0];
  const factor = unit === "k" ? 1024 : unit === "m" ? 1024 ** 2 : unit === "g" ? 1024 ** 3 : 1;
  return Math.round(Number(m[1]) * factor);
}

/** Writes through a sibling temp file and a rename: the file is whole or untouched. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
