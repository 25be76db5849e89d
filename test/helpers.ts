/** Shared test helpers: load fixtures through the real loader and validator. */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadDesignFile } from "../src/design/load.ts";
import { validateDesign } from "../src/design/validate.ts";
import { normalizeDesign, type NDesign } from "../src/design/normalize.ts";
import { hasErrors } from "../src/design/diagnostics.ts";
import type { Design } from "../src/design/schema.ts";
import { resolveOptions, type BuildOptions } from "../src/pipeline/build.ts";
import type { ArtifactContext } from "../src/pipeline/artifact.ts";
import { largeDesign } from "../fixtures/large.ts";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));
export const designsDir = `${repoRoot}fixtures/designs`;

/** Names of the valid fixture designs (`listly`, …). */
export const fixtureNames: string[] = readdirSync(designsDir).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => f.replace(/\.(ya?ml|json)$/, "")).sort();

export function fixturePath(name: string): string {
  const file = readdirSync(designsDir).find((f) => f.replace(/\.(ya?ml|json)$/, "") === name);
  if (!file) throw new Error(`no fixture ${name}`);
  return `${designsDir}/${file}`;
}

/** The input design each normalised design came from, so `contextFor` can give a build's `input`. */
const inputs = new WeakMap<NDesign, Design>();

export function normalizeOrThrow(design: Design): NDesign {
  const v = validateDesign(design);
  if (!v.design || hasErrors(v.diagnostics)) throw new Error(`invalid design: ${JSON.stringify(v.diagnostics, null, 2)}`);
  const normalized = normalizeDesign(v.design);
  inputs.set(normalized, v.design);
  return normalized;
}

export async function loadFixture(name: string): Promise<NDesign> {
  const loaded = await loadDesignFile(fixturePath(name));
  if (hasErrors(loaded.diagnostics)) throw new Error(JSON.stringify(loaded.diagnostics));
  return normalizeOrThrow(loaded.value as Design);
}

export function largeFixture(entities: number): NDesign {
  return normalizeOrThrow(largeDesign(entities));
}

/** A build's context for `design` (with its input design when it came from `normalizeOrThrow`). */
export function contextFor(design: NDesign, options: BuildOptions = {}): ArtifactContext {
  const input = inputs.get(design);
  return { design, options: resolveOptions(options), ...(input ? { input } : {}) };
}
