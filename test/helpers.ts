/** Shared test helpers: the fixture loaders live in fixtures/load.ts (the benchmarks use them too). */
export * from "../fixtures/load.ts";
