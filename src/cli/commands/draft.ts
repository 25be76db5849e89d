import { mkdir, readFile, rename, writeFile, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { defineCommand, UsageError } from "../command.ts";
import { printDiagnostics, progressPrinter, summary, type Io } from "../io.ts";
import { writeAtomically } from "./shared.ts";

const KEY_VARIABLE = "ANTHROPIC_API_KEY";

/** Output scrubbed of the key, whatever path a string took to get here. */
function scrubbingIo(io: Io, secret: string | undefined): Io {
  const clean = (t: string) => (secret && secret.length >= 8 ? t.split(secret).join("[redacted]") : t);
  return { color: io.color, stdout: (t) => io.stdout(clean(t)), stderr: (t) => io.stderr(clean(t)) };
}

async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(parts).toString("utf8");
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return file === "-" ? await readStdin() : await readFile(file, "utf8");
  } catch {
    throw new UsageError(`cannot read the ${what} ${file}`);
  }
}

const n = (x: number) => x.toLocaleString("en-US");

export const draftCommand = defineCommand({
  name: "draft",
  summary:
    "Turn a brief into a checked design with Claude: the design is built in memory and the model repairs what the checkers reject. Exit 0 ok, 1 design still invalid, 2 usage, 3 no usable answer (refusal, truncated), 4 API failure.",
  positionals: [{ name: "brief", description: "The brief (Markdown or text), or - for stdin", required: true }],
  options: {
    out: {
      type: "string",
      description: "Where to write the design (default design.yaml; written only when it passes)",
      valueHint: "file",
    },
    from: { type: "string", description: "Revise this existing design according to the brief", valueHint: "design" },
    model: {
      type: "string",
      description: "Claude model (default: $CONTRACTOR_MODEL or the built-in default)",
      valueHint: "model",
    },
    "max-repairs": { type: "string", description: "Repair rounds after the first answer (default 3)", valueHint: "n" },
    build: { type: "boolean", description: "Build the accepted design into --build-out" },
    "build-out": { type: "string", description: "Output directory for --build (default out)", valueHint: "dir" },
    engine: {
      type: "boolean",
      default: true,
      description: "Skip only the Postgres round trip of the migrations while checking",
    },
    timeout: {
      type: "string",
      description: "Seconds to wait for the API before giving up (default 600)",
      valueHint: "seconds",
    },
    record: {
      type: "string",
      description: "Save every API exchange to this cassette (the key is never stored)",
      valueHint: "file",
    },
    replay: {
      type: "string",
      description: "Serve the API exchanges from this cassette: offline, no key needed",
      valueHint: "file",
    },
    json: { type: "boolean", description: "Print the result as JSON on stdout; no progress lines" },
  },
  async run({ positionals, values }, rawIo) {
    const json = Boolean(values.json);
    const replayFile = values.replay as string | undefined;
    const recordFile = values.record as string | undefined;
    if (replayFile && recordFile) throw new UsageError("--record and --replay cannot be combined");
    const maxRepairs = values["max-repairs"] === undefined ? 3 : Number(values["max-repairs"]);
    if (!Number.isInteger(maxRepairs) || maxRepairs < 0 || maxRepairs > 20)
      throw new UsageError("--max-repairs must be a whole number from 0 to 20");
    const timeoutSeconds = values.timeout === undefined ? 600 : Number(values.timeout);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
      throw new UsageError("--timeout must be a positive number of seconds");

    const key = process.env[KEY_VARIABLE]?.trim() || undefined;
    const io = scrubbingIo(rawIo, key);
    if (!key && !replayFile) {
      io.stderr(
        `contractor draft: ${KEY_VARIABLE} is not set — create a key at https://console.anthropic.com/settings/keys and run \`export ${KEY_VARIABLE}=<your key>\` (or run offline with --replay <cassette>)\n`,
      );
      return 2;
    }

    const brief = await readText(positionals[0]!, "brief");
    if (!brief.trim()) throw new UsageError("the brief is empty");
    const existing = values.from === undefined ? undefined : await readText(values.from as string, "design");
    const out = (values.out as string | undefined) ?? "design.yaml";
    const buildOut = (values["build-out"] as string | undefined) ?? "out";
    const engine = values.engine !== false;

    // Loaded lazily so `--help` and usage errors stay instant.
    const [{ default: Anthropic }, { draft, EXIT_CODES }, { DEFAULT_MODEL }, cassettes] = await Promise.all([
      import("@anthropic-ai/sdk"),
      import("../../agent/draft.ts"),
      import("../../agent/models.ts"),
      import("../../agent/cassette.ts"),
    ]);
    const model = (values.model as string | undefined) ?? (process.env.CONTRACTOR_MODEL?.trim() || DEFAULT_MODEL);

    let fetchImpl: typeof fetch = globalThis.fetch;
    let recorder: ReturnType<typeof cassettes.recordingFetch> | undefined;
    if (replayFile) {
      const read = await cassettes.readCassette(replayFile);
      if (!read.cassette) throw new UsageError(read.error!);
      fetchImpl = cassettes.replayingFetch(read.cassette, replayFile).fetch;
    } else if (recordFile) {
      recorder = cassettes.recordingFetch(globalThis.fetch, key);
      fetchImpl = recorder.fetch;
    }
    const client = new Anthropic({
      // Replay never sends anything; the placeholder only satisfies the client.
      apiKey: replayFile ? "replay-without-key" : key!,
      fetch: fetchImpl,
      maxRetries: replayFile ? 0 : 4,
      timeout: timeoutSeconds * 1000,
    });

    const progress = progressLine(io, json);
    const result = await draft({
      brief,
      ...(existing !== undefined ? { existing } : {}),
      client,
      model,
      maxRepairs,
      engine,
      idleTimeoutMs: timeoutSeconds * 1000,
      onProgress: (p) => progress.update(p.round === 0 ? "first answer" : `repair ${p.round}`, p.phase, p.tokens),
      onRound: (r) => {
        progress.done();
        if (json) return;
        const label = r.round === 0 ? "first answer" : `repair ${r.round}`;
        const fixed =
          r.round === 0
            ? ""
            : `fixed ${r.fixed.length}${r.introduced.length ? `, introduced ${r.introduced.length}` : ""}; `;
        io.stderr(
          `${label}: ${fixed}${r.errors.length ? `${r.errors.length} error(s) left` : "no errors — accepted"}\n`,
        );
        for (const d of r.fixed) io.stderr(`  fixed  ${d.code}  ${d.path || "/"}\n`);
        for (const d of r.errors.slice(0, 20)) io.stderr(`  error  ${d.code}  ${d.path || "/"}  ${d.message}\n`);
        if (r.errors.length > 20) io.stderr(`  …and ${r.errors.length - 20} more\n`);
      },
    });
    progress.done();

    if (recorder) {
      await recorder.save(recordFile!, `Recorded from the live API with contractor draft (model ${model}).`);
      if (!json) io.stderr(`recorded ${recorder.exchanges.length} exchange(s) to ${recordFile}\n`);
    }

    let written = false;
    let buildResult: Awaited<ReturnType<typeof import("../../pipeline/build.ts").build>> | undefined;
    if (result.outcome === "ok") {
      await writeAtomically(out, result.yaml!);
      written = true;
      if (values.build) {
        const { build } = await import("../../pipeline/build.ts");
        buildResult = await build(
          { text: result.yaml!, name: out },
          { out: buildOut, engine, onStep: progressPrinter(io, json) },
        );
      }
    }

    const costText =
      result.cost === "unknown"
        ? `cost unknown (no price listed for ${result.model})`
        : `est. cost $${result.cost.toFixed(4)}`;
    const exitCode = result.outcome === "ok" ? (buildResult && !buildResult.ok ? 1 : 0) : EXIT_CODES[result.outcome];
    if (json) {
      io.stdout(
        JSON.stringify(
          {
            ok: exitCode === 0,
            outcome: result.outcome,
            exitCode,
            model: result.model,
            out: written ? out : null,
            rounds: result.rounds.map((r) => ({
              round: r.round,
              errors: r.errors,
              fixed: r.fixed,
              introduced: r.introduced,
            })),
            diagnostics: result.diagnostics,
            ...(result.failure ? { failure: result.failure } : {}),
            usage: result.usage,
            cost: result.cost,
            ...(buildResult
              ? {
                  build: {
                    ok: buildResult.ok,
                    out: buildOut,
                    files: buildResult.files.map((f) => f.path),
                    diagnostics: buildResult.diagnostics,
                  },
                }
              : {}),
          },
          null,
          2,
        ) + "\n",
      );
      return exitCode;
    }
    const u = result.usage;
    if (result.outcome === "ok") {
      io.stderr(`wrote ${out} after ${result.rounds.length} round(s) (${summary(result.diagnostics)})\n`);
      if (buildResult) {
        printDiagnostics(buildResult.diagnostics, out, io);
        io.stderr(
          buildResult.ok
            ? `built ${buildResult.files.length} files into ${buildOut}\n`
            : `build failed, nothing written to ${buildOut}: ${summary(buildResult.diagnostics)}\n`,
        );
      }
    } else if (result.outcome === "invalid") {
      printDiagnostics(
        result.diagnostics.filter((d) => d.severity === "error"),
        "draft",
        io,
      );
      io.stderr(
        `repairs exhausted after ${result.rounds.length} round(s): ${summary(result.diagnostics)} remain; no design written\n`,
      );
    } else {
      io.stderr(`contractor draft: ${result.failure!.message} (${result.outcome}); no design written\n`);
    }
    io.stderr(
      `usage: ${n(u.inputTokens)} input, ${n(u.outputTokens)} output, ${n(u.cacheReadInputTokens)} cache read, ${n(u.cacheCreationInputTokens)} cache write tokens over ${u.requests} request(s); ${costText}\n`,
    );
    return exitCode;
  },
});

/**
 * The live progress line on stderr: phase, tokens received, elapsed time. Redrawn in place with
 * `\r` on a terminal; on a pipe or file, one plain line per phase change.
 */
function progressLine(io: Io, quiet: boolean) {
  const tty = Boolean(process.stderr.isTTY);
  const start = performance.now();
  let last = "";
  let lastDraw = 0;
  let open = false;
  return {
    update(round: string, phase: string, tokens: number) {
      if (quiet) return;
      const elapsed = ((performance.now() - start) / 1000).toFixed(1);
      const state = `${round} · ${phase}`;
      if (tty) {
        const now = performance.now();
        if (state === last && now - lastDraw < 100) return;
        lastDraw = now;
        last = state;
        io.stderr(`\r\u001b[2K${state} · ${n(tokens)} tokens · ${elapsed} s`);
        open = true;
      } else if (state !== last) {
        last = state;
        io.stderr(`${state} · ${elapsed} s\n`);
      }
    },
    done() {
      if (quiet) return;
      if (open) io.stderr("\n");
      open = false;
      last = "";
    },
  };
}
