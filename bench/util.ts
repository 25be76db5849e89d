/** Helpers shared by the bench files: median, human-readable durations, timing. */

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** `12.3 ms` below a second, `1.23 s` above. */
export function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/** Runs `fn` once and returns its duration with its value. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** The median duration of `runs` runs of `fn`. */
export async function time(fn: () => Promise<unknown> | unknown, runs: number): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push((await timed(fn)).ms);
  return median(xs);
}

/** Whether a bench file was run directly (`npx node bench/x.ts`) rather than imported by run.ts. */
export function isMain(url: string): boolean {
  return url === `file://${process.argv[1]}`;
}
