/** Types of bin/liftoff.js (a plain ESM module: the binary runs it before any TypeScript). */
export declare const LARGE_DESIGN_BYTES: number;
export declare function hasLargeDesign(args: readonly string[]): boolean;
