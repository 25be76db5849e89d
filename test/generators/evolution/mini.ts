/** Small designs for evolution tests: one or two entities, edited per case. */
import type { Design, Entity, EnumDef, Endpoint } from "../../../src/design/schema.ts";
import type { NDesign } from "../../../src/design/normalize.ts";
import { normalizeOrThrow, loadFixture } from "../../helpers.ts";
import { loadDesignFile } from "../../../src/design/load.ts";
import { repoRoot } from "../../helpers.ts";

export const baseEntities = (): Entity[] => [
  {
    name: "Note",
    fields: [
      { name: "id", type: "uuid", primaryKey: true, default: { kind: "uuid" } },
      { name: "title", type: "string", maxLength: 80 },
      { name: "body", type: "text", nullable: true },
      { name: "size", type: "integer", default: { kind: "literal", value: 0 } },
      { name: "kind", type: "enum", enum: "NoteKind", default: { kind: "literal", value: "plain" } },
    ],
    timestamps: false,
  },
];

export const baseEnums = (): EnumDef[] => [{ name: "NoteKind", values: ["plain", "todo"] }];

export const baseEndpoints = (): Endpoint[] => [
  {
    operationId: "getNote",
    method: "GET",
    path: "/notes/{noteId}",
    summary: "One note",
    params: [{ name: "noteId", in: "path", type: "uuid" }],
    response: { status: 200, schema: "Note" },
  },
  {
    operationId: "createNote",
    method: "POST",
    path: "/notes",
    summary: "Create a note",
    body: { schema: "Note" },
    response: { status: 201, schema: "Note" },
  },
];

/** A valid small design as written; `edit` mutates a fresh copy. */
export function miniInput(edit: (d: Design) => void = () => {}): Design {
  const d: Design = {
    contractor: 1,
    info: { name: "notes", title: "Notes", version: "1.0.0" },
    api: { versioning: { strategy: "url-prefix", current: "v1" }, defaultAuth: ["bearer"], endpoints: baseEndpoints() },
    data: { enums: baseEnums(), entities: baseEntities() },
    errors: [{ code: "note-not-found", status: 404, title: "Note not found" }],
    auth: { schemes: [{ name: "bearer", type: "jwt", jwt: { accessTokenTtlSeconds: 900 } }] },
  };
  edit(d);
  return d;
}

/** A valid small design, normalised; `edit` mutates a fresh copy before normalisation. */
export function mini(edit: (d: Design) => void = () => {}): NDesign {
  return normalizeOrThrow(miniInput(edit));
}

export const entity = (d: Design, name = "Note") => d.data.entities.find((e) => e.name === name)!;
export const field = (d: Design, name: string, ent = "Note") => entity(d, ent).fields.find((f) => f.name === name)!;

/** The listly evolution series: v1, v2, v3. */
export async function series(version: "v1" | "v2" | "v3"): Promise<NDesign> {
  const loaded = await loadDesignFile(`${repoRoot}fixtures/evolution/listly-${version}.yaml`);
  return normalizeOrThrow(loaded.value as Design);
}
export { loadFixture };
