/**
 * SQL step: generating the migration, the node-sql-parser check, and the engine round trip
 * (up, snapshot, down, compare, up, compare) for the bundled example and a generated
 * 300-entity design. The engine is measured three ways: a cold PGlite (initdb in-process, what
 * a first-ever run pays), a PGlite started from the cached initialised data dir (what each new
 * process pays), and warm (the per-process PGlite reused: every later check). Medians.
 * Run alone: `npx node bench/sql.ts`.
 */
import { rm } from "node:fs/promises";
import {
  deriveMigrations,
  readMigrations,
  parseCheck,
  engineCheck,
  sharedPglite,
  closeSharedPglite,
} from "../generators/migrations/index.ts";
import { pgliteCacheFile } from "../generators/migrations/engine.ts";
import { loadFixture, largeFixture, contextFor } from "../fixtures/load.ts";
import type { NDesign } from "../src/design/normalize.ts";
import { fmt, isMain, time } from "./util.ts";

async function roundTripOk(design: NDesign): Promise<void> {
  const files = deriveMigrations(contextFor(design)).files;
  const r = await engineCheck(readMigrations(files, "golang-migrate"));
  if (r.diagnostics.length) throw new Error(`round trip failed: ${JSON.stringify(r.diagnostics[0])}`);
}

export async function run(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const listly = await loadFixture("listly");
  const large = largeFixture(300);
  console.log("\n## SQL migrations (generate, node-sql-parser, engine round trip up/down/up)\n");

  // Engine start: cold (no cached data dir), then from the cache.
  await closeSharedPglite();
  await rm(pgliteCacheFile(), { force: true });
  out.pgliteColdStartMs = await time(async () => {
    await sharedPglite();
  }, 1);
  await closeSharedPglite();
  out.pgliteCachedStartMs = await time(async () => {
    await closeSharedPglite();
    await sharedPglite();
  }, 3);
  console.log(
    `PGlite start: cold (initdb) ${fmt(out.pgliteColdStartMs)}; from the cached data dir ${fmt(out.pgliteCachedStartMs)} (${(out.pgliteColdStartMs / out.pgliteCachedStartMs).toFixed(1)}x faster)`,
  );

  for (const [label, key, design, runs] of [
    ["bundled example (listly)", "listly", listly, 7],
    ["generated, 300 entities", "large300", large, 3],
  ] as const) {
    const ctx = contextFor(design);
    const generateMs = await time(() => deriveMigrations(ctx), runs);
    const migrations = readMigrations(deriveMigrations(ctx).files, "golang-migrate");
    let statements = 0;
    const parseMs = await time(() => {
      statements = parseCheck(migrations).statements;
    }, runs);
    await roundTripOk(design); // warm-up: engine started, JIT warm
    const warmMs = await time(() => roundTripOk(design), runs);
    const withStartMs = await time(
      async () => {
        await closeSharedPglite();
        await roundTripOk(design);
      },
      key === "listly" ? 3 : 1,
    );
    out[`${key}GenerateMs`] = generateMs;
    out[`${key}ParseMs`] = parseMs;
    out[`${key}RoundTripWarmMs`] = warmMs;
    out[`${key}RoundTripWithStartMs`] = withStartMs;
    console.log(
      `${label}: ${statements} statements; generate ${fmt(generateMs)}, parser check ${fmt(parseMs)}, engine round trip warm ${fmt(warmMs)}, including PGlite start from cache ${fmt(withStartMs)} (vs cold start alone ${fmt(out.pgliteColdStartMs)}: ${(out.pgliteColdStartMs / withStartMs).toFixed(1)}x)`,
    );
  }
  await closeSharedPglite();
  return out;
}

if (isMain(import.meta.url)) await run();
