import { describe, expect, it } from "vitest";
import { mkdtemp, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOutDir, compareOutDir, readPrevious, MANIFEST } from "../../src/pipeline/write.ts";

const files = (entries: Record<string, string>) => Object.entries(entries).map(([path, contents]) => ({ path, contents }));

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name).slice(dir.length + 1)] = await readFile(join(e.parentPath, e.name), "utf8");
  }
  return out;
}

describe("writeOutDir", () => {
  it("writes the files and a sorted manifest of what the build owns", async () => {
    const root = await mkdtemp(join(tmpdir(), "contractor-write-"));
    const out = join(root, "out");
    await writeOutDir(out, files({ "b.txt": "b\n", "a/x.txt": "x\n" }));
    expect(await tree(out)).toStrictEqual({
      "a/x.txt": "x\n",
      "b.txt": "b\n",
      [MANIFEST]: JSON.stringify({ generator: "contractor", files: ["a/x.txt", "b.txt"] }, null, 2) + "\n",
    });
    expect(await readdir(root)).toStrictEqual(["out"]);
  });

  it("keeps files it does not own and removes owned files that are no longer generated", async () => {
    const root = await mkdtemp(join(tmpdir(), "contractor-write-"));
    const out = join(root, "out");
    await writeOutDir(out, files({ "old.txt": "old\n", "keep/me.txt": "v1\n" }));
    await mkdir(join(out, "notes"), { recursive: true });
    await writeFile(join(out, "notes", "mine.md"), "hand-written\n");
    await writeOutDir(out, files({ "keep/me.txt": "v2\n" }));
    const t = await tree(out);
    expect(Object.keys(t).sort()).toStrictEqual([MANIFEST, "keep/me.txt", "notes/mine.md"]);
    expect(t["keep/me.txt"]).toBe("v2\n");
    expect(t["notes/mine.md"]).toBe("hand-written\n");
    expect(await readdir(root)).toStrictEqual(["out"]);
  });

  it("refuses a path that would escape the out dir (a contractor bug, so it throws) and leaves the old tree", async () => {
    const root = await mkdtemp(join(tmpdir(), "contractor-write-"));
    const out = join(root, "out");
    await writeOutDir(out, files({ "a.txt": "a\n" }));
    await expect(writeOutDir(out, files({ "../evil.txt": "x\n" }))).rejects.toThrow(/unsafe output path/);
    expect((await tree(out))["a.txt"]).toBe("a\n");
    expect((await readdir(root)).sort()).toStrictEqual(["out"]);
  });
});

describe("compareOutDir and readPrevious", () => {
  it("reports missing, different and no-longer-generated files", async () => {
    const out = join(await mkdtemp(join(tmpdir(), "contractor-cmp-")), "out");
    await writeOutDir(out, files({ "same.txt": "s\n", "changed.txt": "1\n", "gone.txt": "g\n" }));
    const stale = await compareOutDir(out, files({ "same.txt": "s\n", "changed.txt": "2\n", "new.txt": "n\n" }));
    expect(stale).toStrictEqual([
      { path: "changed.txt", reason: "different" },
      { path: "new.txt", reason: "missing" },
      { path: MANIFEST, reason: "different" },
      { path: "gone.txt", reason: "no longer generated" },
    ]);
    expect(await compareOutDir(out, files({ "same.txt": "s\n", "changed.txt": "1\n", "gone.txt": "g\n" }))).toStrictEqual([]);
  });

  it("reads back what the previous build owned", async () => {
    const out = join(await mkdtemp(join(tmpdir(), "contractor-prev-")), "out");
    expect(await readPrevious(out)).toBeUndefined();
    await writeOutDir(out, files({ "design.json": "{}\n", "x.txt": "x\n" }));
    const prev = await readPrevious(out);
    expect(prev?.designJson).toBe("{}\n");
    expect([...prev!.files.keys()]).toStrictEqual(["design.json", "x.txt"]);
  });
});
