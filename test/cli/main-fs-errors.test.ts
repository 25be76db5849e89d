import { afterEach, describe, expect, it } from "vitest";
import { commands, main } from "../../src/cli/main.ts";
import { defineCommand, type Command } from "../../src/cli/command.ts";
import type { Io } from "../../src/cli/io.ts";

function capture(): Io & { err: string } {
  const io = { err: "", color: false, stdout: () => undefined, stderr: (t: string) => void (io.err += t) };
  return io;
}

const throwing = (error: unknown): Command =>
  defineCommand({
    name: "boom",
    summary: "throws",
    positionals: [],
    options: {},
    run: async () => Promise.reject(error),
  });

describe("main: errors that escape a command", () => {
  afterEach(() => {
    const i = commands.findIndex((c) => c.name === "boom");
    if (i >= 0) commands.splice(i, 1);
  });

  it("a file-system error is a diagnostic line and exit 1", async () => {
    commands.push(
      throwing(
        Object.assign(new Error("ENOSPC: no space left on device, write"), {
          code: "ENOSPC",
          syscall: "write",
          path: "/data/out/openapi.yaml",
        }),
      ),
    );
    const io = capture();
    expect(await main(["boom"], io)).toBe(1);
    expect(io.err).toBe(
      "contractor boom: error  fs-no-space  file-system error: write /data/out/openapi.yaml: no space left on device (ENOSPC)\n",
    );
  });

  it("an errno this table does not list keeps Node's wording under fs-error", async () => {
    commands.push(
      throwing(
        Object.assign(new Error("ESTALE: stale file handle, open '/nfs/x'"), {
          code: "ESTALE",
          syscall: "open",
          path: "/nfs/x",
        }),
      ),
    );
    const io = capture();
    expect(await main(["boom"], io)).toBe(1);
    expect(io.err).toBe(
      "contractor boom: error  fs-error  file-system error: open /nfs/x: stale file handle (ESTALE)\n",
    );
  });

  it("a bug is still thrown (the entry point prints 'contractor crashed', exit 70)", async () => {
    commands.push(throwing(new TypeError("undefined is not a function")));
    await expect(main(["boom"], capture())).rejects.toThrow(TypeError);
    commands.splice(commands.length - 1, 1);
    commands.push(throwing(Object.assign(new Error("not a syscall"), { code: "ENOTREAL" })));
    await expect(main(["boom"], capture())).rejects.toThrow(/not a syscall/);
  });
});
