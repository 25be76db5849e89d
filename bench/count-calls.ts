/**
 * Loaded with `node --import ./bench/count-calls.ts …` before contractor: counts the calls of every
 * exported function of contractor's own modules whose name starts with plan, derive or diff (the
 * migration planning and schema diffing a build may repeat), and writes the counts to stderr as one
 * line `bench-calls {json}` when the process exits. The module source is rewritten as it loads: the
 * function is renamed and a counting wrapper is exported under its name, so callers in other modules
 * and in the same module are counted alike. Only this thread's modules are seen: run the build with
 * CONTRACTOR_WORKERS=0 so that checks run in process too.
 */
import { writeSync } from "node:fs";
import { registerHooks } from "node:module";

const root = new URL("../", import.meta.url).href;
const counts: Record<string, number> = {};
const COUNTER = "__contractorBenchCount";
(globalThis as Record<string, unknown>)[COUNTER] = (name: string) => {
  counts[name] = (counts[name] ?? 0) + 1;
};

const counted = /^export (async )?function (plan|derive|diff)(\w*)/gm;

/** `source` with each counted function renamed and a counting wrapper exported under its name. */
function instrument(source: string, module: string): string {
  const wrappers: string[] = [];
  const renamed = source.replace(counted, (_match, async: string | undefined, prefix: string, rest: string) => {
    const name = `${prefix}${rest}`;
    wrappers.push(
      `export function ${name}(...args) { globalThis.${COUNTER}(${JSON.stringify(`${module}:${name}`)}); return __counted_${name}(...args); }`,
    );
    return `${async ?? ""}function __counted_${name}`;
  });
  return wrappers.length ? `${renamed}\n${wrappers.join("\n")}\n` : source;
}

registerHooks({
  load(url, context, nextLoad) {
    const result = nextLoad(url, context);
    if (!url.startsWith(root) || url.includes("/node_modules/") || !url.endsWith(".ts") || result.source === undefined)
      return result;
    const module = url.slice(root.length);
    if (!/^(src|generators)\//.test(module)) return result;
    return { ...result, source: instrument(String(result.source), module) };
  },
});

process.on("exit", () => {
  writeSync(2, `bench-calls ${JSON.stringify(counts)}\n`);
});
