import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  designFile,
  designModel,
  lockEntry,
  readHistory,
  releasedBase,
  sha256,
  LOCK_FILE,
  RELEASED_FILE,
} from "../../../generators/migrations/history.ts";
import { deriveMigrations } from "../../../generators/migrations/derive.ts";
import { baselineHistory } from "../../../generators/migrations/baseline.ts";
import type { MigrationFiles } from "../../../generators/migrations/format.ts";
import { evolutionFiles } from "../../../generators/evolution/output.ts";
import { resolveOptions } from "../../../src/pipeline/build.ts";
import type { ArtifactContext, PreviousBuild } from "../../../src/core/artifact.ts";
import type { Design } from "../../../src/design/schema.ts";
import { entity, mini, miniInput } from "../evolution/mini.ts";

const first: MigrationFiles = {
  version: 1,
  name: "0001_notes",
  files: [
    { path: "migrations/0001_notes.up.sql", contents: "CREATE TABLE x ();\n" },
    { path: "migrations/0001_notes.down.sql", contents: "DROP TABLE x;\n" },
  ],
};
const lockText = canonicalJson({ generator: "contractor", format: "golang-migrate", migrations: [lockEntry(first)] });
const previous = (files: Record<string, string>, designJson?: string): PreviousBuild => ({
  files: new Map(Object.entries(files)),
  ...(designJson !== undefined ? { designJson } : {}),
});
const ctx = (
  prev: PreviousBuild | undefined,
  format: "golang-migrate" | "dbmate" = "golang-migrate",
): ArtifactContext => ({
  design: mini(),
  input: miniInput(),
  options: resolveOptions({ migrationsFormat: format }),
  ...(prev ? { previous: prev } : {}),
});
const codes = (r: { diagnostics: Array<{ code: string; path: string }> }) =>
  r.diagnostics.map((d) => `${d.code} ${d.path}`);
const intact = {
  [LOCK_FILE]: lockText,
  "migrations/0001_notes.up.sql": first.files[0]!.contents,
  "migrations/0001_notes.down.sql": first.files[1]!.contents,
};

describe("canonicalJson", () => {
  it("sorts keys at every level, keeps array order, ends with one LF", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{\n  "a": {\n    "d": [\n      3,\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
  });
  it("design.json of the same design is the same bytes", () => {
    expect(designFile(miniInput()).contents).toBe(designFile(miniInput()).contents);
  });
});

describe("deriveMigrations: the files and lock of a history", () => {
  it("writes the initial migration and the lock when there is no history", () => {
    const r = deriveMigrations(ctx(undefined));
    expect(r.files.map((f) => f.path)).toStrictEqual([
      "migrations/0001_notes.down.sql",
      "migrations/0001_notes.up.sql",
      LOCK_FILE,
    ]);
    expect(JSON.parse(r.files[2]!.contents)).toStrictEqual({
      format: "golang-migrate",
      generator: "contractor",
      released: 0,
      migrations: [
        {
          version: 1,
          name: "0001_notes",
          files: {
            "migrations/0001_notes.down.sql": sha256(r.files[0]!.contents),
            "migrations/0001_notes.up.sql": sha256(r.files[1]!.contents),
          },
        },
      ],
    });
    expect(r.change).toBeUndefined();
    expect(r.next).toBeUndefined();
    expect(r.newest).toMatchObject({ version: 1, name: "0001_notes", up: r.files[1], down: r.files[0] });
  });

  it("re-emits the history byte for byte when the schema is unchanged, planning nothing", () => {
    const design = designFile(miniInput()).contents;
    const r = deriveMigrations(ctx(previous(intact, design)));
    expect(Object.fromEntries(r.files.map((f) => [f.path, f.contents]))).toStrictEqual(intact);
    expect(r.diagnostics).toStrictEqual([]);
    expect([r.change, r.next]).toStrictEqual([undefined, undefined]);
    expect(r.newest).toMatchObject({ version: 1, name: "0001_notes" });
    expect(r.newest!.rollback).toBeUndefined();
  });

  it.each([
    [
      "tampered",
      { ...intact, "migrations/0001_notes.up.sql": "CREATE TABLE y ();\n" },
      ["migration-tampered migrations/0001_notes.up.sql:1"],
    ],
    [
      "missing",
      { [LOCK_FILE]: lockText, "migrations/0001_notes.down.sql": "DROP TABLE x;\n" },
      ["migration-missing migrations/0001_notes.up.sql:1"],
    ],
    [
      "unreadable lock",
      { ...intact, [LOCK_FILE]: "{ not json" },
      ["migration-lock-unreadable migrations/contractor.lock.json:1"],
    ],
  ])("refuses a %s history", (_name, files, want) => {
    expect(codes(readHistory(previous(files), "golang-migrate")!)).toStrictEqual(want);
  });

  it("refuses another migrations format than the history's", () => {
    expect(codes(readHistory(previous(intact), "dbmate")!)).toStrictEqual([
      "migrations-format-changed migrations/contractor.lock.json:1",
    ]);
  });

  it("cannot plan without the previous design", () => {
    const r = deriveMigrations(ctx(previous(intact, "{ broken")));
    expect(codes(r)).toStrictEqual(["previous-design-unreadable design.json:1"]);
  });

  it("regenerates an open migration (nothing released: the initial one) and seals it with release", () => {
    const openLock = canonicalJson({
      generator: "contractor",
      format: "golang-migrate",
      released: 0,
      migrations: [lockEntry(first)],
    });
    const regenerated = deriveMigrations(ctx(undefined)).files.find((f) => f.path === "migrations/0001_notes.up.sql")!;
    const prev = previous({ ...intact, [LOCK_FILE]: openLock }, designFile(miniInput()).contents);
    const r = deriveMigrations(ctx(prev));
    expect(r.diagnostics).toStrictEqual([]);
    expect(r.files.find((f) => f.path === regenerated.path)!.contents).toBe(regenerated.contents);
    expect(JSON.parse(r.files.find((f) => f.path === LOCK_FILE)!.contents).released).toBe(0);
    expect(r.files.some((f) => f.path === RELEASED_FILE)).toBe(false);

    const sealed = deriveMigrations({ ...ctx(prev), options: resolveOptions({ release: true }) });
    expect(JSON.parse(sealed.files.find((f) => f.path === LOCK_FILE)!.contents).released).toBe(1);
    expect(sealed.files.find((f) => f.path === RELEASED_FILE)!.contents).toBe(designFile(miniInput()).contents);
  });

  it("refuses a hand edit of an open migration, regenerates a deleted one", () => {
    const openLock = canonicalJson({
      generator: "contractor",
      format: "golang-migrate",
      released: 0,
      migrations: [lockEntry(first)],
    });
    expect(
      codes(
        readHistory(
          previous({ ...intact, [LOCK_FILE]: openLock, "migrations/0001_notes.up.sql": "-- mine\n" }),
          "golang-migrate",
        )!,
      ),
    ).toStrictEqual(["migration-tampered migrations/0001_notes.up.sql:1"]);
    expect(codes(readHistory(previous({ [LOCK_FILE]: openLock }), "golang-migrate")!)).toStrictEqual([]);
  });

  it("cannot plan the open migration without the released design", () => {
    const releasedLock = canonicalJson({
      generator: "contractor",
      format: "golang-migrate",
      released: 1,
      migrations: [lockEntry(first)],
    });
    const r = deriveMigrations(
      ctx(previous({ ...intact, [LOCK_FILE]: releasedLock }, designFile(miniInput()).contents)),
    );
    expect(codes(r)).toStrictEqual([`migration-missing ${RELEASED_FILE}:1`]);
  });
});

describe("a baseline history (an imported database's schema as migration 0001)", () => {
  const baseline = baselineHistory(mini(), miniInput(), "golang-migrate");
  const byPath = (files: ReadonlyArray<{ path: string; contents: string }>) =>
    Object.fromEntries(files.map((f) => [f.path, f.contents]));
  const written = byPath(baseline.files);
  const lockOf = (files: ReadonlyArray<{ path: string; contents: string }>) =>
    JSON.parse(files.find((f) => f.path === LOCK_FILE)!.contents);
  const withNotes = (d: Design) => entity(d).fields.push({ name: "pinned", type: "boolean", nullable: true });

  it("holds 0001_baseline as released and as the baseline, with both design records", () => {
    expect(baseline.diagnostics).toStrictEqual([]);
    expect(Object.keys(written).sort()).toStrictEqual([
      "design.json",
      RELEASED_FILE,
      "migrations/0001_baseline.down.sql",
      "migrations/0001_baseline.up.sql",
      LOCK_FILE,
    ]);
    expect(lockOf(baseline.files)).toMatchObject({ released: 1, baseline: 1, migrations: [{ name: "0001_baseline" }] });
    // The baseline's up is the design's initial migration: what a first build of the design would run.
    const initial = deriveMigrations(ctx(undefined)).files.find((f) => f.path === "migrations/0001_notes.up.sql")!;
    expect(written["migrations/0001_baseline.up.sql"]).toBe(initial.contents);
  });

  it("the next build of the same design re-emits it byte for byte and plans nothing", () => {
    const r = deriveMigrations(ctx(previous(written, written["design.json"])));
    expect(r.diagnostics).toStrictEqual([]);
    const { "design.json": _, ...history } = written;
    expect(byPath(r.files)).toStrictEqual(history);
    expect(r.next).toBeUndefined();
  });

  it("the next schema change is 0002, and the lock keeps the baseline", () => {
    const r = deriveMigrations({
      ...ctx(previous(written, written["design.json"])),
      design: mini(withNotes),
      input: miniInput(withNotes),
    });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toStrictEqual([]);
    expect(r.next?.name).toBe("0002_add_notes_pinned");
    expect(byPath(r.files)["migrations/0001_baseline.up.sql"]).toBe(written["migrations/0001_baseline.up.sql"]);
    expect(lockOf(r.files)).toMatchObject({ released: 1, baseline: 1 });
    expect(lockOf(r.files).migrations.map((m: { name: string }) => m.name)).toStrictEqual([
      "0001_baseline",
      "0002_add_notes_pinned",
    ]);
  });

  it.each([
    ["above the released version", { released: 0, baseline: 1 }],
    ["zero", { released: 1, baseline: 0 }],
    ["not a number", { released: 1, baseline: "1" }],
  ])("a lock whose baseline is %s is unreadable", (_name, fields) => {
    const lock = canonicalJson({ ...lockOf(baseline.files), ...fields });
    expect(codes(readHistory(previous({ ...written, [LOCK_FILE]: lock }), "golang-migrate")!)).toStrictEqual([
      "migration-lock-unreadable migrations/contractor.lock.json:1",
    ]);
  });
});

describe("design files across formats and versions", () => {
  const releasedLock = canonicalJson({
    generator: "contractor",
    format: "golang-migrate",
    released: 1,
    migrations: [lockEntry(first)],
  });
  const olderVersion = canonicalJson({ contractor: 2, generator: "contractor-cli@0.0.1", design: miniInput() });

  it.each([
    ["format 1 (the normalised model, written before format 2)", canonicalJson(mini())],
    ["format 2 from another contractor version", olderVersion],
  ])("a released design in %s is read, planned from and re-emitted byte for byte", (_name, text) => {
    const prev = previous(
      { ...intact, [LOCK_FILE]: releasedLock, [RELEASED_FILE]: text },
      designFile(miniInput()).contents,
    );
    const base = releasedBase(prev, readHistory(prev, "golang-migrate")!);
    expect(base.diagnostics).toStrictEqual([]);
    expect(base.model).toBe(designModel(mini()));
    const r = deriveMigrations(ctx(prev));
    expect(r.diagnostics).toStrictEqual([]);
    expect(r.change).toBeUndefined();
    expect(r.files.find((f) => f.path === RELEASED_FILE)!.contents).toBe(text);
  });

  it("an unreadable released design is a diagnostic at design.released.json, not a crash", () => {
    const prev = previous({
      ...intact,
      [LOCK_FILE]: releasedLock,
      [RELEASED_FILE]: canonicalJson({ contractor: 2, generator: "contractor-cli@9.0.0", design: { contractor: 1 } }),
    });
    const r = deriveMigrations(ctx(prev));
    expect(codes(r)).toStrictEqual([`previous-design-unreadable ${RELEASED_FILE}:1`]);
  });

  it("the same design written by another contractor version is not a change: no report, CHANGES.md kept", () => {
    const prev = previous(
      { ...intact, [LOCK_FILE]: releasedLock, [RELEASED_FILE]: olderVersion, "CHANGES.md": "# kept\n" },
      olderVersion,
    );
    expect(deriveMigrations(ctx(prev)).change).toBeUndefined();
    const { files } = evolutionFiles(ctx(prev), deriveMigrations(ctx(prev)));
    expect(Object.fromEntries(files.map((f) => [f.path, f.contents]))).toStrictEqual({
      "design.json": designFile(miniInput()).contents,
      "CHANGES.md": "# kept\n",
    });
  });

  it("a release writes design.released.json in format 2", () => {
    const prev = previous(
      { ...intact, [LOCK_FILE]: releasedLock, [RELEASED_FILE]: canonicalJson(mini()) },
      canonicalJson(mini()),
    );
    const edit = (d: Design) => {
      d.data.entities[0]!.fields.push({ name: "extra", type: "text", nullable: true });
    };
    const changed = miniInput(edit);
    const r = deriveMigrations({
      design: mini(edit),
      input: changed,
      options: resolveOptions({ release: true }),
      previous: prev,
    });
    expect(r.diagnostics).toStrictEqual([]);
    expect(r.next?.name).toBe("0002_add_notes_extra");
    expect(r.files.map((f) => f.path)).toContain("migrations/0002_add_notes_extra.up.sql");
    expect(r.files.find((f) => f.path === RELEASED_FILE)!.contents).toBe(designFile(changed, RELEASED_FILE).contents);
    expect(JSON.parse(r.files.find((f) => f.path === LOCK_FILE)!.contents).released).toBe(2);
  });
});
