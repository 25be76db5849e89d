import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { defineCommand, UsageError } from "../command.ts";
import { MIGRATION_FORMATS, type MigrationFormat } from "../../core/artifact.ts";
import { printDiagnostics, progressPrinter, summary } from "../io.ts";
import { parseSize } from "./shared.ts";

/** The released version recorded in the out dir's lock before the build (0 when none). */
async function readLockState(out: string): Promise<number> {
  const { LOCK_FILE, releaseState } = await import("../../../generators/migrations/history.ts");
  const text = await readFile(join(out, LOCK_FILE), "utf8").catch(() => undefined);
  return (text === undefined ? undefined : releaseState([{ path: LOCK_FILE, contents: text }]))?.released ?? 0;
}

export const buildCommand = defineCommand({
  name: "build",
  summary:
    "Generate every artifact from a design, check each with its real consumer, and write the out dir atomically (nothing is written when any error is found).",
  positionals: [{ name: "design", description: "The design file (.yaml, .yml or .json)", required: true }],
  options: {
    out: { type: "string", description: "Output directory (default: out)", valueHint: "dir" },
    check: { type: "boolean", description: "Build in memory and exit 1 if the out dir is stale (for CI)" },
    json: { type: "boolean", description: "Print the result as JSON on stdout; no progress lines" },
    engine: {
      type: "boolean",
      default: true,
      description: "Skip only the Postgres round trip of the migrations (the parser check still runs)",
    },
    "database-url": {
      type: "string",
      description: "Run the engine check on this PostgreSQL server (postgres://…) instead of embedded PGlite",
      valueHint: "url",
    },
    "migrations-format": {
      type: "string",
      description: `Migration file layout: ${MIGRATION_FORMATS.join(" | ")} (default golang-migrate)`,
      valueHint: "format",
    },
    render: { type: "boolean", description: "Also render each diagram to SVG in one headless browser" },
    "allow-destructive": {
      type: "boolean",
      description:
        "Accept destructive changes in the next migration (dropped tables or columns, narrowed types…): reported as warnings",
    },
    release: {
      type: "boolean",
      description:
        "Seal the open migration (the newest one, regenerated on every build until released): later schema changes append the next migration",
    },
    "max-size": { type: "string", description: "Largest design file accepted (default 5MB)", valueHint: "size" },
    watch: {
      type: "boolean",
      description:
        "Keep running: rebuild whenever the design file changes, with the checkers kept warm (Ctrl-C stops; exit 0)",
    },
  },
  async run({ positionals, values }, io) {
    const file = positionals[0]!;
    const json = Boolean(values.json);
    const format = (values["migrations-format"] as string | undefined) ?? "golang-migrate";
    if (!(MIGRATION_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--migrations-format must be one of ${MIGRATION_FORMATS.join(", ")}`);
    }
    const databaseUrl = values["database-url"] as string | undefined;
    if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl))
      throw new UsageError("--database-url must start with postgres:// or postgresql://");
    const out = (values.out as string | undefined) ?? "out";
    const watching = Boolean(values.watch);
    if (watching && values.check)
      throw new UsageError("--watch and --check do not go together: --check is a one-off comparison for CI");
    const release = Boolean(values.release);
    if (release && (watching || values.check))
      throw new UsageError(
        `--release does not go with --${watching ? "watch" : "check"}: release once, after reviewing the open migration`,
      );
    const maxBytes = parseSize(values["max-size"]);
    const engine = values.engine !== false;
    if (!engine && !json)
      io.stderr("engine check skipped (--no-engine): migrations are parsed but not run on Postgres\n");
    const options = {
      engine,
      ...(databaseUrl ? { databaseUrl } : {}),
      migrationsFormat: format as MigrationFormat,
      render: Boolean(values.render),
      allowDestructive: Boolean(values["allow-destructive"]),
      release,
    };
    // The check threads start while the rest of contractor loads (loaded on demand, so `--help`
    // and usage errors stay instant); each build starts its checkers warming in them.
    const { cliExecutor } = await import("../../pipeline/check-pool.ts");
    const executor = cliExecutor({ oneShot: !watching });
    try {
      return await buildAndWatch();
    } finally {
      await executor.end();
    }

    async function buildAndWatch(): Promise<number> {
      const { build } = await import("../../pipeline/build.ts");
      const { releaseState } = await import("../../../generators/migrations/history.ts");
      // What was released before this build, to tell a release that sealed something from one that had nothing open.
      const before = release ? await readLockState(out) : undefined;

      const buildOnce = async (): Promise<boolean> => {
        const started = performance.now();
        const result = await build(
          { file },
          {
            out,
            check: Boolean(values.check),
            ...options,
            maxBytes,
            onStep: progressPrinter(io, json),
            onNotice: (m) => !json && io.stderr(`${m}\n`),
            executor,
          },
        );
        const took = watching ? ` in ${Math.round(performance.now() - started)} ms` : "";
        if (json) {
          const report = {
            ok: result.ok,
            written: result.written,
            out,
            files: result.files.map((f) => f.path),
            stale: result.stale,
            diagnostics: result.diagnostics,
            timings: result.timings.map((t) => ({ ...t, ms: Math.round(t.ms * 10) / 10 })),
          };
          // Watching, one JSON object per line (one per build); otherwise one indented document.
          io.stdout((watching ? JSON.stringify(report) : JSON.stringify(report, null, 2)) + "\n");
        } else {
          printDiagnostics(result.diagnostics, file, io);
          if (values.check)
            io.stderr(
              result.ok
                ? `${out} is up to date\n`
                : `${out} is stale or the design has errors: ${summary(result.diagnostics)}\n`,
            );
          else if (result.ok) {
            io.stderr(`wrote ${result.files.length} files to ${out}${took} (${summary(result.diagnostics)})\n`);
            const state = releaseState(result.files);
            // Before the first release the open migration is the initial one: nothing to point out yet.
            if (state?.open && state.released > 0)
              io.stderr(
                `migration ${state.open} is open: regenerated from the last release on every build until \`contractor build --release\`\n`,
              );
            else if (release && state)
              io.stderr(
                state.released > (before ?? 0)
                  ? `released migration ${state.releasedName}: it is sealed, the next schema change appends a new migration\n`
                  : `nothing to release: no open migration (the last release is ${state.releasedName ?? "empty"})\n`,
              );
          } else io.stderr(`nothing written${took}: ${summary(result.diagnostics)}\n`);
        }
        return result.ok;
      };

      if (!watching) return (await buildOnce()) ? 0 : 1;
      // Ctrl-C (or SIGTERM) stops watching once the build in progress has finished; exit code 0.
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      try {
        const { watchDesign } = await import("../watch.ts");
        if (!json) io.stderr(`watching ${file}: it is built now and again whenever it changes (Ctrl-C stops)\n`);
        await watchDesign(file, async () => void (await buildOnce()), {
          maxBytes,
          signal: stop.signal,
          onChange: () => !json && io.stderr(`\n${file} changed: rebuilding\n`),
        });
        if (!json) io.stderr("stopped watching\n");
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
      return 0;
    }
  },
});
