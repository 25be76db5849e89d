/** Every artifact the build produces, in generation order. One line per artifact folder. */
import type { Artifact } from "../src/pipeline/artifact.ts";

export const artifacts: readonly Artifact[] = [];
