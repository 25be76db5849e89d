/**
 * `design.json` / `design.released.json`: format 2 records the input design and is normalised again
 * when read; format 1 (the normalised model, written by earlier versions) is still read as it is.
 * An out dir written before format 2 (fixtures/out-dirs/listly-v1, the bundled example's out dir
 * as contractor wrote it then) must still evolve.
 */
import { afterAll, describe, expect, it } from "vitest";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  canonicalJson,
  designFile,
  designFileKind,
  readDesignFile,
  DESIGN_FORMAT,
  LOCK_FILE,
} from "../../../generators/migrations/history.ts";
import { build } from "../../../src/pipeline/build.ts";
import { sqlArtifact } from "../../../generators/index.ts";
import { evolutionArtifact } from "../../../generators/evolution/index.ts";
import { diff as diffDesignFiles } from "../../../src/index.ts";
import { packageVersion } from "../../../src/core/package-files.ts";
import { normalizeDesign } from "../../../src/design/normalize.ts";
import type { Design } from "../../../src/design/schema.ts";
import { repoRoot } from "../../helpers.ts";
import { miniInput } from "../evolution/mini.ts";

const input = (): Design => miniInput();
const codes = (r: { diagnostics: Array<{ code: string; path: string }> }) =>
  r.diagnostics.map((d) => `${d.code} ${d.path}`);

describe("designFile", () => {
  it("records the format, the contractor version and the input design, in canonical JSON", () => {
    const f = designFile(input());
    expect(f.path).toBe("design.json");
    expect(f.contents).toBe(
      canonicalJson({ contractor: DESIGN_FORMAT, generator: `contractor-cli@${packageVersion()}`, design: input() }),
    );
    expect(JSON.parse(f.contents)).toStrictEqual({
      contractor: 2,
      generator: `contractor-cli@${packageVersion()}`,
      design: JSON.parse(JSON.stringify(input())),
    });
  });
});

describe("readDesignFile", () => {
  it("normalises a format-2 file again", () => {
    const r = readDesignFile(designFile(input()).contents, "design.json");
    expect(r.diagnostics).toStrictEqual([]);
    expect(r.design).toStrictEqual(normalizeDesign(input()));
    expect(r.design && r.legacy).toBe(false);
  });

  it("reads a format-1 file (the normalised model) as it is", () => {
    const model = normalizeDesign(input());
    const r = readDesignFile(canonicalJson(model), "design.json");
    expect(r.diagnostics).toStrictEqual([]);
    expect(r.design).toStrictEqual(JSON.parse(canonicalJson(model)));
    expect(r.design && r.legacy).toBe(true);
  });

  const wrap = (v: Record<string, unknown>) =>
    canonicalJson({ contractor: 2, generator: "contractor-cli@0.0.1", design: input(), ...v });
  it.each([
    ["not JSON", "{", "design.json is not JSON"],
    ["an array", "[]", "design.json is not JSON contractor wrote"],
    [
      "a design written as JSON (not normalised, no wrapper)",
      canonicalJson(input()),
      "design.json is not JSON contractor wrote",
    ],
    [
      "a newer format",
      wrap({ contractor: 3 }),
      "design.json was written by contractor-cli@0.0.1 in a newer format (3); upgrade contractor",
    ],
    ["an unknown format", wrap({ contractor: "x" }), "design.json has an unknown format"],
    [
      "an invalid design",
      wrap({ design: { contractor: 1 } }),
      "design.json holds a design this contractor rejects (schema-violation",
    ],
  ])("%s → previous-design-unreadable, not a crash", (_name, text, message) => {
    const r = readDesignFile(text, "design.json");
    expect(r.design).toBeUndefined();
    expect(codes(r)).toStrictEqual(["previous-design-unreadable design.json:1"]);
    expect(r.diagnostics[0]!.message.startsWith(message)).toBe(true);
  });

  it.each([
    ["format 2", designFile(input()).contents, 2],
    ["format 1", canonicalJson(normalizeDesign(input())), 1],
    ["a design", canonicalJson(input()), undefined],
  ])("designFileKind: %s", (_name, text, kind) => {
    expect(designFileKind(text)).toBe(kind);
  });
});

describe("diffDesignFiles reads a build's design file in either format", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });
  it("format 1 and format 2 of the same old design give the same report and migration", async () => {
    const dir = await mkdtemp(join(tmpdir(), "contractor-design-diff-"));
    dirs.push(dir);
    await writeFile(join(dir, "v1.json"), canonicalJson(normalizeDesign(input())));
    await writeFile(join(dir, "v2.json"), designFile(input()).contents);
    await writeFile(
      join(dir, "bad.json"),
      canonicalJson({ contractor: 3, generator: "contractor-cli@9.0.0", design: {} }),
    );
    const next = miniInput((d) => {
      d.data.entities[0]!.fields.push({ name: "extra", type: "text", nullable: true });
    });
    await writeFile(join(dir, "next.json"), JSON.stringify(next));
    const [a, b, bad] = await Promise.all(
      ["v1.json", "v2.json", "bad.json"].map((f) => diffDesignFiles(join(dir, f), join(dir, "next.json"))),
    );
    expect(a!.ok && b!.ok).toBe(true);
    expect(b!.markdown).toBe(a!.markdown);
    expect(b!.report!.migration!.up).toContain('ADD COLUMN "extra" text');
    expect(bad!.ok).toBe(false);
    expect(codes({ diagnostics: bad!.diagnostics.filter((d) => d.severity === "error") })).toStrictEqual([
      `previous-design-unreadable ${join(dir, "bad.json")}:1`,
    ]);
  });
});

describe("an out dir written with format 1 (fixtures/out-dirs/listly-v1)", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });
  const fixtureDir = `${repoRoot}fixtures/out-dirs/listly-v1`;
  const artifacts = [sqlArtifact, evolutionArtifact];
  const copy = async () => {
    const dir = await mkdtemp(join(tmpdir(), "contractor-design-file-"));
    dirs.push(dir);
    const out = join(dir, "out");
    await cp(fixtureDir, out, { recursive: true });
    return out;
  };
  const listly = async (edit: (text: string) => string = (t) => t) =>
    edit(await readFile(`${repoRoot}fixtures/designs/listly.yaml`, "utf8"));

  it("rebuilt from the same design: no new migration, the lock and migrations byte for byte", {
    timeout: 60_000,
  }, async () => {
    const out = await copy();
    const r = await build({ text: await listly(), name: "listly.yaml" }, { out, artifacts, engine: false });
    expect(codes(r)).toStrictEqual([]);
    const tree = await readTree(out);
    expect(
      Object.keys(tree)
        .filter((p) => p.startsWith("migrations/"))
        .sort(),
    ).toStrictEqual([
      "migrations/0001_listly.down.sql",
      "migrations/0001_listly.up.sql",
      "migrations/contractor.lock.json",
    ]);
    for (const f of ["migrations/0001_listly.up.sql", "migrations/0001_listly.down.sql", LOCK_FILE])
      expect(tree[f]).toBe(await readFile(join(fixtureDir, f), "utf8"));
    expect(designFileKind(tree["design.json"]!)).toBe(2);
    // The format-1 model is the one this contractor derives from the same design: no change to report.
    expect(tree["CHANGES.md"]).toBeUndefined();
  });

  it("evolves: an edited design appends 0002, keeps 0001 byte for byte and writes design.json as format 2", {
    timeout: 60_000,
  }, async () => {
    const out = await copy();
    const locale =
      "        - { name: locale, type: string, maxLength: 35, default: { kind: literal, value: en }, description: BCP 47 language tag for emails and push texts. }\n";
    const text = await listly((t) => {
      expect(t).toContain(locale);
      return t.replace(locale, `${locale}        - { name: bio, type: text, nullable: true }\n`);
    });
    const r = await build({ text, name: "listly.yaml" }, { out, artifacts, engine: false });
    expect(codes(r)).toStrictEqual([]);
    expect(r.written).toBe(true);
    const migrations = (await readdir(join(out, "migrations"))).sort();
    expect(migrations).toStrictEqual([
      "0001_listly.down.sql",
      "0001_listly.up.sql",
      "0002_add_users_bio.down.sql",
      "0002_add_users_bio.up.sql",
      "contractor.lock.json",
    ]);
    for (const f of ["0001_listly.up.sql", "0001_listly.down.sql"]) {
      expect(await readFile(join(out, "migrations", f), "utf8")).toBe(
        await readFile(join(fixtureDir, "migrations", f), "utf8"),
      );
    }
    expect(await readFile(join(out, "migrations/0002_add_users_bio.up.sql"), "utf8")).toContain(
      'ADD COLUMN "bio" text',
    );
    const lock = JSON.parse(await readFile(join(out, LOCK_FILE), "utf8")) as {
      released: number;
      migrations: Array<{ name: string }>;
    };
    expect({ released: lock.released, names: lock.migrations.map((m) => m.name) }).toStrictEqual({
      released: 1,
      names: ["0001_listly", "0002_add_users_bio"],
    });
    const written = readDesignFile(await readFile(join(out, "design.json"), "utf8"), "design.json");
    expect(written.design && !written.legacy).toBe(true);
    expect(written.design!.data.entities.find((e) => e.name === "User")!.fields.map((f) => f.name)).toContain("bio");

    // Built again from the format-2 design.json it just wrote: nothing changes, byte for byte.
    const before = await readTree(out);
    const again = await build({ text, name: "listly.yaml" }, { out, artifacts, engine: false });
    expect(codes(again)).toStrictEqual([]);
    expect(await readTree(out)).toStrictEqual(before);
  });
});

async function readTree(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile())
      files[join(e.parentPath, e.name).slice(dir.length + 1)] = await readFile(join(e.parentPath, e.name), "utf8");
  }
  return files;
}
