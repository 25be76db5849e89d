import { afterAll, describe, expect, it } from "vitest";
import { mkdtemp as makeTempDir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { watchDesign } from "../../src/cli/watch.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
/** A temp dir removed after the tests. */
async function mkdtemp(prefix: string): Promise<string> {
  const dir = await makeTempDir(prefix);
  dirs.push(dir);
  return dir;
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `cond` holds (fs events arrive asynchronously), failing after `ms`. */
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await tick(20);
  }
}

describe("watchDesign", () => {
  it("builds at once, then once per change of contents; never on a touch; never two builds at a time", async () => {
    const dir = await mkdtemp(join(tmpdir(), "contractor-watch-"));
    const file = join(dir, "design.yaml");
    await writeFile(file, "a: 1\n");
    const stop = new AbortController();
    let builds = 0;
    let active = 0;
    let overlapped = false;
    let release: (() => void) | undefined;
    const build = async () => {
      builds++;
      if (++active > 1) overlapped = true;
      // The second build is held open so changes arrive while it runs.
      if (builds === 2) await new Promise<void>((r) => (release = r));
      active--;
    };
    const watching = watchDesign(file, build, { maxBytes: 1 << 20, signal: stop.signal, debounceMs: 20 });
    await until(() => builds === 1);

    await writeFile(file, "a: 1\n"); // same bytes: no build
    await tick(200);
    expect(builds).toBe(1);

    await writeFile(file, "a: 2\n");
    await until(() => builds === 2);
    // Two changes while build 2 runs, one of them an editor-style save (write + rename): one more build, not two.
    await writeFile(file, "a: 3\n");
    await tick(60);
    await writeFile(`${file}.tmp`, "a: 4\n");
    await rename(`${file}.tmp`, file);
    await tick(120);
    expect(builds).toBe(2);
    release!();
    await until(() => builds === 3);
    await tick(200);
    expect(builds).toBe(3);
    expect(overlapped).toBe(false);

    stop.abort();
    await watching;
  });

  it("stops after the build in progress when aborted during it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "contractor-watch-"));
    const file = join(dir, "design.json");
    await writeFile(file, "{}");
    const stop = new AbortController();
    let finished = 0;
    const watching = watchDesign(
      file,
      async () => {
        stop.abort();
        await tick(50);
        finished++;
      },
      { maxBytes: 1 << 20, signal: stop.signal },
    );
    await watching;
    expect(finished).toBe(1);
  });
});
