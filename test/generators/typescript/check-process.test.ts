import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { existsSync, statSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadFixture, normalizeOrThrow } from "../../helpers.ts";
import { generateTypeScript, TYPES_FILE, CLIENT_FILE } from "../../../generators/typescript/index.ts";
import { typeCheck, toDiagnostic, CHECK_OPTIONS } from "../../../generators/typescript/check.ts";
import {
  buildSnapshotInBackground,
  prestartCheckProcess,
  snapshotFile,
  startCheckProcess,
  takeCheckProcess,
  tsMorphLibs,
} from "../../../generators/typescript/check-process.ts";
import type { GeneratedFile } from "../../../src/core/artifact.ts";
import { miniDesign } from "./mini.ts";

const savedTmp = process.env.TMPDIR;
let dir = "";
let listly: GeneratedFile[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "contractor-tsc-snapshot-"));
  process.env.TMPDIR = dir;
  listly = generateTypeScript(await loadFixture("listly")).files;
}, 60_000);

afterAll(async () => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  await rm(dir, { recursive: true, force: true });
});

const replaceIn = (files: GeneratedFile[], path: string, from: string | RegExp, to: string) =>
  files.map((f) => (f.path === path ? { ...f, contents: f.contents.replace(from, to) } : f));

describe("the compiler snapshot process", () => {
  it("without a snapshot, a one-shot build is told to check in process", () => {
    expect(existsSync(snapshotFile())).toBe(false);
    prestartCheckProcess();
    expect(takeCheckProcess()).toBe("no snapshot");
    expect(takeCheckProcess()).toBeUndefined();
  });

  it("is built in the background into the temp dir, keyed by Node binary, compiler and entry", async () => {
    expect(await buildSnapshotInBackground(tsMorphLibs(), CHECK_OPTIONS, listly)).toBe(true);
    expect(snapshotFile().startsWith(dir)).toBe(true);
    expect(existsSync(snapshotFile())).toBe(true);
  }, 60_000);

  it("finds exactly what the in-process check finds, clean or broken", async () => {
    const mini = generateTypeScript(normalizeOrThrow(miniDesign())).files;
    const cases: Array<[string, GeneratedFile[]]> = [
      ["listly, clean", listly],
      ["mini, clean", mini],
      ["an unknown type", replaceIn(mini, TYPES_FILE, "hasMore: boolean;", "hasMore: Boolen;")],
      [
        "an unused local and a wrong return",
        replaceIn(listly, CLIENT_FILE, /\nexport function /, "\nconst unused = 1;\nexport function "),
      ],
      ["a missing module", replaceIn(listly, CLIENT_FILE, './types.ts"', './nowhere.ts"')],
      ["a syntax error", replaceIn(mini, TYPES_FILE, "hasMore: boolean;", "hasMore: boolean;;; {")],
      [
        "exactOptionalPropertyTypes and noUncheckedIndexedAccess",
        [
          ...mini,
          {
            path: "usage.ts",
            contents:
              "const a: { x?: string } = { x: undefined };\nconst b: string[] = [];\nexport const c: string = b[0];\nexport { a };\n",
          },
        ],
      ],
    ];
    for (const [name, files] of cases) {
      const raw = await startCheckProcess()!.check(files, CHECK_OPTIONS);
      expect(raw, name).toBeDefined();
      const inProcess = typeCheck(files);
      expect(raw!.map(toDiagnostic), name).toStrictEqual(inProcess);
      if (!name.endsWith("clean")) expect(inProcess.length, name).toBeGreaterThan(0);
    }
  }, 120_000);

  it("a snapshot others could have written (group- or world-writable) is not run", async () => {
    const mode = statSync(snapshotFile()).mode & 0o777;
    try {
      await chmod(snapshotFile(), 0o666);
      expect(startCheckProcess()).toBeUndefined();
    } finally {
      await chmod(snapshotFile(), mode);
    }
    expect(await startCheckProcess()!.check(listly, CHECK_OPTIONS)).toStrictEqual([]);
  }, 60_000);

  it("a damaged snapshot is removed and the caller told to check in process", async () => {
    await writeFile(snapshotFile(), "not a snapshot");
    expect(await startCheckProcess()!.check(listly, CHECK_OPTIONS)).toBeUndefined();
    expect(existsSync(snapshotFile())).toBe(false);
  }, 60_000);
});
