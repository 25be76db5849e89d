/** The properties, shared by the vitest suite (a few hundred cases) and `npm run fuzz` (as many as asked). */
import fc from "fast-check";
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../src/pipeline/build.ts";
import { validDesign, invalidDesign, designSeed, designFromSeed } from "./arbitraries.ts";
import type { Design } from "../../src/design/schema.ts";

const errorsOf = (r: { diagnostics: Array<{ severity: string }> }) => r.diagnostics.filter((d) => d.severity === "error");

/** A valid design builds, every artifact passes its own checker (engine round trip included), and the bytes are deterministic. */
export const validDesignsBuild = (options: { engine: boolean }) =>
  fc.asyncProperty(validDesign, async (design) => {
    const text = JSON.stringify(design);
    const first = await build({ text }, { engine: options.engine });
    if (!first.ok) throw new Error(`build failed:\n${JSON.stringify(errorsOf(first), null, 2)}`);
    const again = await build({ text }, { engine: false });
    const bytes = (r: typeof first) => r.files.map((f) => `${f.path}\n${f.contents}`).join("\u0000");
    if (bytes(first) !== bytes(again)) throw new Error("two builds of the same design differ");
  });

async function snapshot(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const e of (await readdir(dir, { recursive: true, withFileTypes: true })).sort((a, b) => (a.parentPath + a.name).localeCompare(b.parentPath + b.name))) {
    if (e.isFile()) parts.push(`${join(e.parentPath, e.name)}\n${await readFile(join(e.parentPath, e.name), "utf8")}`);
  }
  return parts.join("\u0000");
}

/** A broken design never throws, always fails with at least one error diagnostic, and writes nothing. */
export const invalidDesignsFail = () =>
  fc.asyncProperty(invalidDesign, async ({ mutation, design }) => {
    const root = await mkdtemp(join(tmpdir(), "contractor-fuzz-"));
    try {
      const out = join(root, "out");
      await mkdir(out);
      await writeFile(join(out, "keep.txt"), "untouched\n");
      const before = await snapshot(root);
      const text = design === undefined ? "" : JSON.stringify(design);
      const r = await build({ text }, { out, engine: false });
      if (r.ok || r.written) throw new Error(`mutation "${mutation}" was accepted`);
      const errors = errorsOf(r);
      if (errors.length === 0) throw new Error(`mutation "${mutation}" produced no error diagnostic`);
      for (const d of r.diagnostics) {
        if (!d.code || !d.message || typeof d.path !== "string") throw new Error(`malformed diagnostic ${JSON.stringify(d)}`);
      }
      if ((await snapshot(root)) !== before) throw new Error(`mutation "${mutation}" changed the out dir`);
      if (Object.prototype.hasOwnProperty.call(Object.prototype, "polluted")) throw new Error("Object.prototype was polluted");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

/** Findings a design change may legitimately end in: changes contractor refuses to migrate, by design. */
const REFUSED_CHANGES = new Set(["evolution-unsupported-change", "enum-value-used-in-same-migration"]);

/** The design with enum `from` renamed to `to` (declared with renamedFrom), every reference to it updated. */
function renameEnum(design: Design, from: string, to: string): Design {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === "enum" && x === from ? to : walk(x)]));
      return o;
    }
    return v;
  };
  const out = walk(design) as Design;
  out.data.enums = (out.data.enums ?? []).map((e) => (e.name === from ? { ...e, name: to, renamedFrom: from } : e));
  return out;
}

/**
 * Design evolution: a valid design built into an out dir, then another (entities and enums share
 * positional names, so most of them change shape: fields added, dropped and retyped, keys, indexes,
 * checks and enums changed; sometimes an enum renamed), built into the same dir with
 * --allow-destructive. The second build succeeds — its new migration passed up/down/up on the engine
 * in the evolution check — or refuses only a change contractor documents as unsupported.
 */
export const designsEvolve = () =>
  fc.asyncProperty(designSeed, designSeed, fc.boolean(), async (seedA, seedB, renameFirstEnum) => {
    const a = designFromSeed(seedA);
    let b = designFromSeed(seedB);
    if (renameFirstEnum && b.data.enums?.some((e) => e.name === "Kind0") && a.data.enums?.some((e) => e.name === "Kind0")) b = renameEnum(b, "Kind0", "Sort0");
    const root = await mkdtemp(join(tmpdir(), "contractor-evolve-"));
    try {
      const out = join(root, "out");
      // Released, so that the second build plans a migration from it (not a new initial one).
      const first = await build({ text: JSON.stringify(a) }, { out, release: true });
      if (!first.ok) throw new Error(`first build failed:\n${JSON.stringify(errorsOf(first), null, 2)}`);
      const second = await build({ text: JSON.stringify(b) }, { out, allowDestructive: true });
      const unexpected = second.diagnostics.filter((d) => d.severity === "error" && !REFUSED_CHANGES.has(d.code));
      if (unexpected.length) throw new Error(`evolving the design failed:\n${JSON.stringify(unexpected, null, 2)}`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
