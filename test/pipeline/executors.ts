/** The check executors every pipeline test runs under: the library's default and the CLI's worker threads. */
import { pooledExecutor } from "../../src/pipeline/check-pool.ts";
import { inProcessExecutor, type CheckExecutor } from "../../src/pipeline/executor.ts";

export const executors: [string, () => CheckExecutor][] = [
  ["in process", () => inProcessExecutor()],
  ["worker threads", () => pooledExecutor()],
];
