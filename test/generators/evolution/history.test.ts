import { describe, expect, it } from "vitest";
import { canonicalJson, designFile, lockEntry, migrationHistory, readHistory, sha256, LOCK_FILE, RELEASED_FILE, type MigrationFiles } from "../../../generators/evolution/history.ts";
import { resolveOptions } from "../../../src/pipeline/build.ts";
import type { ArtifactContext, PreviousBuild } from "../../../src/pipeline/artifact.ts";
import { mini } from "./mini.ts";

const first: MigrationFiles = { version: 1, name: "0001_notes", files: [{ path: "migrations/0001_notes.up.sql", contents: "CREATE TABLE x ();\n" }, { path: "migrations/0001_notes.down.sql", contents: "DROP TABLE x;\n" }] };
const lockText = canonicalJson({ generator: "contractor", format: "golang-migrate", migrations: [lockEntry(first)] });
const previous = (files: Record<string, string>, designJson?: string): PreviousBuild => ({ files: new Map(Object.entries(files)), ...(designJson !== undefined ? { designJson } : {}) });
const ctx = (prev: PreviousBuild | undefined, format: "golang-migrate" | "dbmate" = "golang-migrate"): ArtifactContext => ({ design: mini(), options: resolveOptions({ migrationsFormat: format }), ...(prev ? { previous: prev } : {}) });
const never = () => { throw new Error("must not plan"); };
const codes = (r: { diagnostics: Array<{ code: string; path: string }> }) => r.diagnostics.map((d) => `${d.code} ${d.path}`);
const intact = { [LOCK_FILE]: lockText, "migrations/0001_notes.up.sql": first.files[0]!.contents, "migrations/0001_notes.down.sql": first.files[1]!.contents };

describe("canonicalJson", () => {
  it("sorts keys at every level, keeps array order, ends with one LF", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{\n  "a": {\n    "d": [\n      3,\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
  });
  it("design.json of the same design is the same bytes", () => {
    expect(designFile(mini()).contents).toBe(designFile(mini()).contents);
  });
});

describe("migrationHistory", () => {
  it("writes the initial migration and the lock when there is no history", () => {
    const r = migrationHistory(ctx(undefined), () => first, never);
    expect(r.files.map((f) => f.path)).toStrictEqual(["migrations/0001_notes.up.sql", "migrations/0001_notes.down.sql", LOCK_FILE]);
    expect(JSON.parse(r.files[2]!.contents)).toStrictEqual({ format: "golang-migrate", generator: "contractor", released: 0, migrations: [{ version: 1, name: "0001_notes", files: { "migrations/0001_notes.down.sql": sha256("DROP TABLE x;\n"), "migrations/0001_notes.up.sql": sha256("CREATE TABLE x ();\n") } }] });
  });

  it("re-emits the history byte for byte when the schema is unchanged", () => {
    const design = designFile(mini()).contents;
    const r = migrationHistory(ctx(previous(intact, design)), never, () => ({ diagnostics: [] }));
    expect(Object.fromEntries(r.files.map((f) => [f.path, f.contents]))).toStrictEqual(intact);
    expect(r.diagnostics).toStrictEqual([]);
  });

  it.each([
    ["tampered", { ...intact, "migrations/0001_notes.up.sql": "CREATE TABLE y ();\n" }, ["migration-tampered migrations/0001_notes.up.sql:1"]],
    ["missing", { [LOCK_FILE]: lockText, "migrations/0001_notes.down.sql": "DROP TABLE x;\n" }, ["migration-missing migrations/0001_notes.up.sql:1"]],
    ["unreadable lock", { ...intact, [LOCK_FILE]: "{ not json" }, ["migration-lock-unreadable migrations/contractor.lock.json:1"]],
  ])("refuses a %s history", (_name, files, want) => {
    expect(codes(readHistory(previous(files), "golang-migrate")!)).toStrictEqual(want);
  });

  it("refuses another migrations format than the history's", () => {
    expect(codes(readHistory(previous(intact), "dbmate")!)).toStrictEqual(["migrations-format-changed migrations/contractor.lock.json:1"]);
  });

  it("cannot plan without the previous design", () => {
    const r = migrationHistory(ctx(previous(intact, "{ broken")), never, never);
    expect(codes(r)).toStrictEqual(["previous-design-unreadable design.json:1"]);
  });

  it("regenerates an open migration (nothing released: the initial one) and seals it with release", () => {
    const openLock = canonicalJson({ generator: "contractor", format: "golang-migrate", released: 0, migrations: [lockEntry(first)] });
    const regenerated: MigrationFiles = { ...first, files: [{ path: "migrations/0001_notes.up.sql", contents: "CREATE TABLE x (y int);\n" }, first.files[1]!] };
    const prev = previous({ ...intact, [LOCK_FILE]: openLock }, designFile(mini()).contents);
    const r = migrationHistory(ctx(prev), () => regenerated, never);
    expect(r.diagnostics).toStrictEqual([]);
    expect(r.files.find((f) => f.path === "migrations/0001_notes.up.sql")!.contents).toBe("CREATE TABLE x (y int);\n");
    expect(JSON.parse(r.files.find((f) => f.path === LOCK_FILE)!.contents).released).toBe(0);
    expect(r.files.some((f) => f.path === RELEASED_FILE)).toBe(false);

    const sealed = migrationHistory({ ...ctx(prev), options: resolveOptions({ release: true }) }, () => regenerated, never);
    expect(JSON.parse(sealed.files.find((f) => f.path === LOCK_FILE)!.contents).released).toBe(1);
    expect(sealed.files.find((f) => f.path === RELEASED_FILE)!.contents).toBe(designFile(mini()).contents);
  });

  it("refuses a hand edit of an open migration, regenerates a deleted one", () => {
    const openLock = canonicalJson({ generator: "contractor", format: "golang-migrate", released: 0, migrations: [lockEntry(first)] });
    expect(codes(readHistory(previous({ ...intact, [LOCK_FILE]: openLock, "migrations/0001_notes.up.sql": "-- mine\n" }), "golang-migrate")!)).toStrictEqual(["migration-tampered migrations/0001_notes.up.sql:1"]);
    expect(codes(readHistory(previous({ [LOCK_FILE]: openLock }), "golang-migrate")!)).toStrictEqual([]);
  });

  it("cannot plan the open migration without the released design", () => {
    const releasedLock = canonicalJson({ generator: "contractor", format: "golang-migrate", released: 1, migrations: [lockEntry(first)] });
    const r = migrationHistory(ctx(previous({ ...intact, [LOCK_FILE]: releasedLock }, designFile(mini()).contents)), never, never);
    expect(codes(r)).toStrictEqual([`migration-missing ${RELEASED_FILE}:1`]);
  });
});
