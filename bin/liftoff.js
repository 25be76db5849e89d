// When contractor runs PGlite's wasm on V8's baseline compiler only (--liftoff-only): for designs up
// to LARGE_DESIGN_BYTES. A typical build runs the engine for a second or so, too short to win back
// what optimising its hot functions costs on a 2-core machine (fresh process: listly 3.3 s -> 2.8 s,
// 100 entities 6.2 s -> 5.5 s); a long engine run needs the optimiser (1,000 entities: 33.5 s
// with it, 41.6 s without). Shared by bin/contractor.js and the benchmark.
import { statSync } from "node:fs";

export const LARGE_DESIGN_BYTES = 256 * 1024;

/** True when one of the command-line arguments is a file larger than LARGE_DESIGN_BYTES (the design). */
export function hasLargeDesign(args) {
  return args.some((arg) => {
    try {
      const s = statSync(arg);
      return s.isFile() && s.size > LARGE_DESIGN_BYTES;
    } catch {
      return false;
    }
  });
}
