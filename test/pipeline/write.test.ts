import { afterAll, describe, expect, it } from "vitest";
import {
  chmod,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  writeOutDir,
  compareOutDir,
  readPrevious,
  recoverOutDir,
  MANIFEST,
  WORK_DIR,
} from "../../src/pipeline/write.ts";
import { build } from "../../src/pipeline/build.ts";
import type { Artifact } from "../../src/core/artifact.ts";
import { fixturePath } from "../helpers.ts";

const files = (entries: Record<string, string>) =>
  Object.entries(entries).map(([path, contents]) => ({ path, contents }));

const roots: string[] = [];
async function tempRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "contractor-write-"));
  roots.push(root);
  return root;
}
afterAll(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile())
      out[join(e.parentPath, e.name).slice(dir.length + 1)] = await readFile(join(e.parentPath, e.name), "utf8");
  }
  return out;
}

/** An artifact whose files are given by the test. */
const fixed = (entries: Record<string, string>): Artifact => ({ name: "fixed", generate: () => files(entries) });

describe("writeOutDir", () => {
  it("writes the files and a sorted manifest of what the build owns, and leaves no scratch space", async () => {
    const root = await tempRoot();
    const out = join(root, "out");
    await mkdir(out);
    await writeOutDir(out, files({ "b.txt": "b\n", "a/x.txt": "x\n" }));
    expect(await tree(out)).toStrictEqual({
      "a/x.txt": "x\n",
      "b.txt": "b\n",
      [MANIFEST]: JSON.stringify({ generator: "contractor", files: ["a/x.txt", "b.txt"] }, null, 2) + "\n",
    });
    expect((await readdir(out)).sort()).toStrictEqual([MANIFEST, "a", "b.txt"]);
    expect(await readdir(root)).toStrictEqual(["out"]);
  });

  it("keeps files it does not own and removes owned files that are no longer generated", async () => {
    const root = await tempRoot();
    const out = join(root, "out");
    await mkdir(out);
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
    const root = await tempRoot();
    const out = join(root, "out");
    await mkdir(out);
    await writeOutDir(out, files({ "a.txt": "a\n" }));
    await expect(writeOutDir(out, files({ "../evil.txt": "x\n" }))).rejects.toThrow(/unsafe output path/);
    await expect(writeOutDir(out, files({ [`${WORK_DIR}/lock`]: "x\n" }))).rejects.toThrow(/unsafe output path/);
    expect((await tree(out))["a.txt"]).toBe("a\n");
    expect((await readdir(root)).sort()).toStrictEqual(["out"]);
  });

  it("leaves the user's files, empty dirs, modes, symlinks and hard links exactly as they were", async () => {
    const root = await tempRoot();
    const out = join(root, "out");
    await mkdir(out);
    await writeOutDir(out, files({ "gen/a.txt": "1\n", "same.txt": "s\n" }));
    await mkdir(join(out, "secret"), { mode: 0o700 });
    await chmod(join(out, "secret"), 0o700);
    await writeFile(join(out, "secret", "key"), "k\n", { mode: 0o600 });
    await chmod(join(out, "secret", "key"), 0o600);
    await mkdir(join(out, "empty"));
    await symlink("secret/key", join(out, "link-to-key"));
    await symlink("/nonexistent/target", join(out, "dangling"));
    await writeFile(join(root, "shared.txt"), "shared\n");
    await link(join(root, "shared.txt"), join(out, "hard.txt"));
    await chmod(join(out, "gen"), 0o750);
    const before = async () => ({
      secret: (await stat(join(out, "secret"))).mode & 0o7777,
      key: await lstat(join(out, "secret", "key")),
      empty: (await stat(join(out, "empty"))).isDirectory(),
      link: await readlink(join(out, "link-to-key")),
      dangling: await readlink(join(out, "dangling")),
      hard: await lstat(join(out, "hard.txt")),
      gen: (await stat(join(out, "gen"))).mode & 0o7777,
      same: await lstat(join(out, "same.txt")),
    });
    const was = await before();
    await writeOutDir(out, files({ "gen/a.txt": "2\n", "same.txt": "s\n", "new/b.txt": "b\n" }));
    const now = await before();
    expect(now.secret).toBe(0o700);
    expect([now.key.ino, now.key.mode, now.key.mtimeMs]).toStrictEqual([was.key.ino, was.key.mode, was.key.mtimeMs]);
    expect(now.empty).toBe(true);
    expect([now.link, now.dangling]).toStrictEqual(["secret/key", "/nonexistent/target"]);
    expect([now.hard.ino, now.hard.nlink]).toStrictEqual([was.hard.ino, 2]);
    expect(now.gen).toBe(0o750);
    // An unchanged owned file is not touched at all.
    expect([now.same.ino, now.same.mtimeMs]).toStrictEqual([was.same.ino, was.same.mtimeMs]);
    expect((await tree(out))["gen/a.txt"]).toBe("2\n");
  });

  it("replaces a changed owned file by a new file with the old one's mode; another hard link keeps the old bytes", async () => {
    const root = await tempRoot();
    const out = join(root, "out");
    await mkdir(out);
    await writeOutDir(out, files({ "a.txt": "1\n" }));
    await chmod(join(out, "a.txt"), 0o640);
    await link(join(out, "a.txt"), join(root, "elsewhere.txt"));
    await writeOutDir(out, files({ "a.txt": "2\n" }));
    expect((await stat(join(out, "a.txt"))).mode & 0o777).toBe(0o640);
    expect(await readFile(join(out, "a.txt"), "utf8")).toBe("2\n");
    expect(await readFile(join(root, "elsewhere.txt"), "utf8")).toBe("1\n");
  });
});

describe("build into an out dir", () => {
  it("writes through an out dir that is a symlink and keeps the link", async () => {
    const root = await tempRoot();
    await mkdir(join(root, "real"));
    await writeFile(join(root, "real", "mine.txt"), "mine\n");
    await symlink("real", join(root, "out"));
    const r = await build(
      { file: fixturePath("listly") },
      { out: join(root, "out"), artifacts: [fixed({ "a.txt": "a\n" })] },
    );
    expect(r.diagnostics).toStrictEqual([]);
    expect(await readlink(join(root, "out"))).toBe("real");
    expect(await tree(join(root, "real"))).toMatchObject({ "a.txt": "a\n", "mine.txt": "mine\n" });
    expect((await readdir(root)).sort()).toStrictEqual(["out", "real"]);
  });

  it("a build with errors leaves no out dir it created", async () => {
    const root = await tempRoot();
    const failing: Artifact = {
      name: "failing",
      generate: () => ({ files: [], diagnostics: [{ code: "x", severity: "error", message: "no", path: "" }] }),
    };
    const r = await build({ file: fixturePath("listly") }, { out: join(root, "a", "b", "out"), artifacts: [failing] });
    expect(r.ok).toBe(false);
    expect(await readdir(root)).toStrictEqual([]);
  });

  it.each([
    [
      "a generated path holding a file contractor did not write",
      "out-file-not-owned",
      async (out: string) => writeFile(join(out, "a.txt"), "the user's\n"),
    ],
    [
      "a FIFO where an owned file goes",
      "out-file-not-regular",
      async (out: string) => void spawnSync("mkfifo", [join(out, "a.txt")]),
    ],
    ["a directory where an owned file goes", "out-file-not-regular", async (out: string) => mkdir(join(out, "a.txt"))],
    [
      "a file where a directory of owned files goes",
      "out-not-a-directory",
      async (out: string) => writeFile(join(out, "dir"), "x\n"),
    ],
  ])("%s: a diagnostic, and the out dir is left as it was", async (_name, code, arrange) => {
    const root = await tempRoot();
    const out = join(root, "out");
    await mkdir(out);
    await arrange(out);
    const listing = async () => (await readdir(out, { recursive: true })).sort();
    const before = await listing();
    const r = await build(
      { file: fixturePath("listly") },
      { out, artifacts: [fixed({ "a.txt": "a\n", "dir/b.txt": "b\n" })] },
    );
    expect(r.ok).toBe(false);
    expect(r.written).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toStrictEqual([code]);
    expect(await listing()).toStrictEqual(before);
  });

  it("a FIFO at a path the previous build owned is reported, never opened", async () => {
    const root = await tempRoot();
    const out = join(root, "out");
    expect((await build({ file: fixturePath("listly") }, { out, artifacts: [fixed({ "a.txt": "a\n" })] })).ok).toBe(
      true,
    );
    await rm(join(out, "a.txt"));
    spawnSync("mkfifo", [join(out, "a.txt")]);
    const r = await build({ file: fixturePath("listly") }, { out, artifacts: [fixed({ "a.txt": "a\n" })] });
    expect(r.diagnostics.map((d) => [d.code, d.path])).toStrictEqual([
      ["out-file-not-regular", relative(process.cwd(), join(out, "a.txt"))],
    ]);
    expect((await lstat(join(out, "a.txt"))).isFIFO()).toBe(true);
  });

  it("an out dir that is a file is a diagnostic", async () => {
    const root = await tempRoot();
    await writeFile(join(root, "out"), "a file\n");
    const r = await build(
      { file: fixturePath("listly") },
      { out: join(root, "out"), artifacts: [fixed({ "a.txt": "a\n" })] },
    );
    expect(r.diagnostics.map((d) => d.code)).toStrictEqual(["out-not-a-directory"]);
    const nested = await build(
      { file: fixturePath("listly") },
      { out: join(root, "out", "x"), artifacts: [fixed({ "a.txt": "a\n" })] },
    );
    expect(nested.diagnostics.map((d) => d.code)).toStrictEqual(["out-not-a-directory"]);
    expect(await readFile(join(root, "out"), "utf8")).toBe("a file\n");
  });
});

describe("dangerous --out", () => {
  const echo = fixed({ "a.txt": "a\n" });
  it("refuses the file-system root and the home directory", async () => {
    for (const out of ["/", "/."]) {
      const r = await build({ file: fixturePath("listly") }, { out, artifacts: [echo] });
      expect(r.diagnostics.map((d) => d.code)).toStrictEqual(["out-dir-refused"]);
    }
    const home = await tempRoot();
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      const r = await build({ file: fixturePath("listly") }, { out: home, artifacts: [echo] });
      expect(r.diagnostics.map((d) => [d.code, d.message])).toStrictEqual([
        ["out-dir-refused", expect.stringMatching(/your home directory/)],
      ]);
    } finally {
      process.env.HOME = saved;
    }
    expect(await readdir(home)).toStrictEqual([]);
  });

  it("refuses another repository, allows the design's own work tree (--out .)", async () => {
    const root = await tempRoot();
    const other = join(root, "other");
    await mkdir(join(other, ".git"), { recursive: true });
    const r = await build({ file: fixturePath("listly") }, { out: other, artifacts: [echo] });
    expect(r.diagnostics.map((d) => d.code)).toStrictEqual(["out-dir-refused"]);
    expect(await readdir(other)).toStrictEqual([".git"]);

    const project = join(root, "project");
    await mkdir(join(project, ".git"), { recursive: true });
    await writeFile(join(project, "design.yaml"), await readFile(fixturePath("listly")));
    await writeFile(join(project, "README.md"), "mine\n");
    const own = await build({ file: join(project, "design.yaml") }, { out: project, artifacts: [echo] });
    expect(own.diagnostics).toStrictEqual([]);
    expect((await readdir(project)).sort()).toStrictEqual([MANIFEST, ".git", "README.md", "a.txt", "design.yaml"]);
  });
});

describe("the lock", () => {
  const echo = fixed({ "a.txt": "a\n" });
  it("a build waits for a live holder, says so, and gives up with a diagnostic after its timeout", async () => {
    const out = join(await tempRoot(), "out");
    await mkdir(join(out, WORK_DIR), { recursive: true });
    await writeFile(
      join(out, WORK_DIR, "lock"),
      JSON.stringify({ pid: process.pid, host: hostname(), started: "2026-01-01T00:00:00.000Z", token: "held" }),
    );
    const notices: string[] = [];
    const r = await build(
      { file: fixturePath("listly") },
      { out, artifacts: [echo], lockTimeoutMs: 300, onNotice: (m) => notices.push(m) },
    );
    expect(r.diagnostics.map((d) => d.code)).toStrictEqual(["out-locked"]);
    expect(notices).toStrictEqual([
      `waiting for contractor process ${process.pid} on ${hostname()} (started 2026-01-01T00:00:00.000Z) to finish with ${out}`,
    ]);
    expect(await readdir(out)).toStrictEqual([WORK_DIR]);
  });

  it.skipIf(!existsSync("/proc/sys/kernel/random/boot_id"))(
    "takes over a lock from before the last reboot, even when its pid is alive again",
    async () => {
      const out = join(await tempRoot(), "out");
      await mkdir(join(out, WORK_DIR), { recursive: true });
      await writeFile(
        join(out, WORK_DIR, "lock"),
        JSON.stringify({ pid: process.pid, host: hostname(), boot: "an-earlier-boot", started: "x", token: "old" }),
      );
      const r = await build({ file: fixturePath("listly") }, { out, artifacts: [echo], lockTimeoutMs: 300 });
      expect(r.diagnostics).toStrictEqual([]);
      expect(await readdir(out)).not.toContain(WORK_DIR);
    },
  );

  it("takes over a lock whose holder is gone, and two builds in one process run one after the other", async () => {
    const out = join(await tempRoot(), "out");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    await mkdir(join(out, WORK_DIR), { recursive: true });
    await writeFile(
      join(out, WORK_DIR, "lock"),
      JSON.stringify({ pid: Number(dead.stdout), host: hostname(), started: "x", token: "stale" }),
    );
    const [a, b] = await Promise.all([
      build({ file: fixturePath("listly") }, { out, artifacts: [fixed({ "a.txt": "a\n" })] }),
      build({ file: fixturePath("listly") }, { out, artifacts: [fixed({ "b.txt": "b\n" })] }),
    ]);
    expect([a.ok, b.ok]).toStrictEqual([true, true]);
    const t = await tree(out);
    expect([["a.txt"], ["b.txt"]]).toContainEqual(Object.keys(t).filter((p) => p !== MANIFEST));
    expect(await readdir(out)).not.toContain(WORK_DIR);
  });
});

describe("leftovers", () => {
  const echo = fixed({ "a.txt": "a\n" });
  it("an unreadable journal is a diagnostic, and nothing is written", async () => {
    const out = join(await tempRoot(), "out");
    await mkdir(join(out, WORK_DIR), { recursive: true });
    await writeFile(join(out, WORK_DIR, "journal.json"), "{ cut sho");
    const r = await build({ file: fixturePath("listly") }, { out, artifacts: [echo] });
    expect(r.diagnostics.map((d) => d.code)).toStrictEqual(["out-journal-unreadable"]);
    expect(await readdir(out)).toStrictEqual([WORK_DIR]);
  });

  it("restores the retired out dir an older version's killed swap left, and removes its staging dir", async () => {
    const root = await tempRoot();
    const retired = join(root, ".contractor-retired-out-4242");
    await mkdir(join(retired, "migrations"), { recursive: true });
    await writeFile(join(retired, "a.txt"), "old\n");
    await writeFile(join(retired, "notes.md"), "the user's\n");
    await writeFile(join(retired, MANIFEST), JSON.stringify({ generator: "contractor", files: ["a.txt"] }));
    await mkdir(join(root, ".contractor-staging-out-4242"));
    await writeFile(join(root, ".contractor-staging-out-4242", "a.txt"), "new\n");
    const r = await build({ file: fixturePath("listly") }, { out: join(root, "out"), artifacts: [echo] });
    expect(r.diagnostics).toStrictEqual([]);
    expect(await readdir(root)).toStrictEqual(["out"]);
    expect(await tree(join(root, "out"))).toMatchObject({ "a.txt": "a\n", "notes.md": "the user's\n" });
  });

  it("keeps a retired dir holding user files the out dir lacks, with a warning; removes one that holds nothing new", async () => {
    const root = await tempRoot();
    const out = join(root, "out");
    expect((await build({ file: fixturePath("listly") }, { out, artifacts: [echo] })).ok).toBe(true);
    await writeFile(join(out, "same.md"), "same\n");
    for (const [name, extra] of [
      ["1", "lost.md"],
      ["2", undefined],
    ] as const) {
      const dir = join(root, `.contractor-retired-out-${name}`);
      await mkdir(dir);
      await writeFile(join(dir, "same.md"), "same\n");
      await writeFile(join(dir, "a.txt"), "old a\n");
      await writeFile(join(dir, MANIFEST), JSON.stringify({ generator: "contractor", files: ["a.txt"] }));
      if (extra) await writeFile(join(dir, extra), "only here\n");
    }
    const r = await build({ file: fixturePath("listly") }, { out, artifacts: [echo] });
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.path])).toStrictEqual([
      ["out-retired-kept", "warning", relative(process.cwd(), join(root, ".contractor-retired-out-1"))],
    ]);
    expect((await readdir(root)).sort()).toStrictEqual([".contractor-retired-out-1", "out"]);
  });

  it("recovery with nothing to recover is a no-op", async () => {
    const out = join(await tempRoot(), "out");
    await mkdir(out);
    expect(await recoverOutDir(out)).toBe(false);
    expect(await readdir(out)).toStrictEqual([]);
  });
});

describe("compareOutDir and readPrevious", () => {
  it("reports missing, different and no-longer-generated files", async () => {
    const out = join(await tempRoot(), "out");
    await mkdir(out);
    await writeOutDir(out, files({ "same.txt": "s\n", "changed.txt": "1\n", "gone.txt": "g\n" }));
    const stale = await compareOutDir(out, files({ "same.txt": "s\n", "changed.txt": "2\n", "new.txt": "n\n" }));
    expect(stale).toStrictEqual([
      { path: "changed.txt", reason: "different" },
      { path: "new.txt", reason: "missing" },
      { path: MANIFEST, reason: "different" },
      { path: "gone.txt", reason: "no longer generated" },
    ]);
    expect(
      await compareOutDir(out, files({ "same.txt": "s\n", "changed.txt": "1\n", "gone.txt": "g\n" })),
    ).toStrictEqual([]);
  });

  it("reports a FIFO as different without opening it, and an interrupted write", async () => {
    const out = join(await tempRoot(), "out");
    await mkdir(out);
    await writeOutDir(out, files({ "a.txt": "a\n" }));
    await rm(join(out, "a.txt"));
    spawnSync("mkfifo", [join(out, "a.txt")]);
    await mkdir(join(out, WORK_DIR));
    await writeFile(join(out, WORK_DIR, "journal.json"), "{}");
    expect(await compareOutDir(out, files({ "a.txt": "a\n" }))).toStrictEqual([
      { path: `${WORK_DIR}/journal.json`, reason: "left by an interrupted build" },
      { path: "a.txt", reason: "different" },
    ]);
  });

  it("reads back what the previous build owned", async () => {
    const out = join(await tempRoot(), "out");
    await mkdir(out);
    expect(await readPrevious(out)).toBeUndefined();
    await writeOutDir(out, files({ "design.json": "{}\n", "x.txt": "x\n" }));
    const prev = await readPrevious(out);
    expect(prev?.designJson).toBe("{}\n");
    expect([...prev!.files.keys()]).toStrictEqual(["design.json", "x.txt"]);
  });
});
