import { describe, expect, it } from "vitest";
import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pruneSnapshots, snapshotsToPrune, type TempEntry } from "../../../generators/typescript/check-process.ts";

const MB = 1024 * 1024;
const NOW = 1_000_000_000;
/** A snapshot of `group` (8 hex digits) at `version` (8 more), `minutesOld` minutes old. */
const blob = (group: string, version: string, minutesOld: number, size = 45 * MB): TempEntry => ({
  name: `contractor-tsc-${group}${version}.blob`,
  size,
  mtimeMs: NOW - minutesOld * 60_000,
});
const current = "contractor-tsc-aaaaaaaa00000002.blob";

describe("pruning the compiler snapshots in the temp dir", () => {
  const cases: [string, { given: TempEntry[]; maxBytes?: number; want: string[] }][] = [
    ["an empty temp dir", { given: [], want: [] }],
    [
      "the snapshot being built is kept; an older one of its group is superseded",
      {
        given: [blob("aaaaaaaa", "00000001", 60), blob("aaaaaaaa", "00000002", 1)],
        want: [blob("aaaaaaaa", "00000001", 60).name],
      },
    ],
    [
      "other groups keep their newest snapshot only",
      {
        given: [blob("bbbbbbbb", "00000001", 90), blob("bbbbbbbb", "00000002", 30), blob("cccccccc", "00000001", 10)],
        want: [blob("bbbbbbbb", "00000001", 90).name],
      },
    ],
    [
      "beyond the size cap the oldest go first",
      {
        given: [blob("bbbbbbbb", "00000001", 30), blob("cccccccc", "00000001", 20), blob("dddddddd", "00000001", 10)],
        maxBytes: 100 * MB,
        want: [blob("bbbbbbbb", "00000001", 30).name],
      },
    ],
    [
      "a builder's temp files are removed once they are ten minutes old",
      {
        given: [
          { name: `${current}.123.abcd`, size: MB, mtimeMs: NOW - 11 * 60_000 },
          { name: `${current}.123.abcd.libs.json`, size: MB, mtimeMs: NOW - 11 * 60_000 },
          { name: `${current}.456.beef`, size: MB, mtimeMs: NOW - 60_000 },
          { name: `${current}.lock`, size: 5, mtimeMs: NOW - 11 * 60_000 },
        ],
        want: [`${current}.123.abcd`, `${current}.123.abcd.libs.json`],
      },
    ],
    [
      "files that are not snapshots are left alone",
      {
        given: [
          { name: "contractor-pglite-0.5.16.tar", size: 25 * MB, mtimeMs: 0 },
          { name: "contractor-tsc-notes.txt", size: 1, mtimeMs: 0 },
        ],
        want: [],
      },
    ],
  ];
  it.each(cases)("%s", (_name, { given, maxBytes, want }) => {
    expect(snapshotsToPrune(given, current, NOW, maxBytes)).toStrictEqual(want);
  });

  it("removes them from the directory of the snapshot being built", async () => {
    const dir = await mkdtemp(join(tmpdir(), "contractor-tsc-prune-"));
    try {
      const old = join(dir, "contractor-tsc-aaaaaaaa00000001.blob");
      const other = join(dir, "contractor-tsc-bbbbbbbb00000001.blob");
      const unrelated = join(dir, "contractor-pglite-0.5.16.tar");
      for (const f of [old, other, unrelated]) await writeFile(f, "x");
      await utimes(old, new Date(NOW), new Date(NOW));
      pruneSnapshots(join(dir, current));
      expect((await readdir(dir)).sort()).toStrictEqual([
        "contractor-pglite-0.5.16.tar",
        "contractor-tsc-bbbbbbbb00000001.blob",
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
