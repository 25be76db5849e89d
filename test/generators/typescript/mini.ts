/** A small valid design for the TypeScript generator's tests; `patch` edits a deep copy. */
import type { Design } from "../../../src/design/schema.ts";

export function miniDesign(patch: (d: Design) => void = () => {}): Design {
  const d: Design = {
    contractor: 1,
    info: { name: "mini", title: "Mini", version: "1.0.0" },
    api: {
      versioning: { strategy: "url-prefix", current: "v1" },
      servers: [{ name: "production", url: "https://api.mini.example" }],
      defaultAuth: ["bearer"],
      endpoints: [
        {
          operationId: "listNotes",
          method: "GET",
          path: "/notes",
          summary: "Notes",
          params: [{ name: "tag", in: "query", type: "array", items: { type: "enum", enum: "Tag" } }],
          response: { status: 200, schema: "Note", paginated: true },
          caching: { maxAgeSeconds: 0, etag: true },
        },
        {
          operationId: "createNote",
          method: "POST",
          path: "/notes",
          summary: "Create a note",
          body: { schema: "Note" },
          response: { status: 201, schema: "Note" },
          idempotencyKey: true,
        },
        {
          operationId: "updateNote",
          method: "PATCH",
          path: "/notes/{noteId}",
          summary: "Edit a note",
          params: [{ name: "noteId", in: "path", type: "uuid" }],
          body: { schema: "Note" },
          response: { status: 200, schema: "Note" },
          ifMatch: true,
          errors: ["note-not-found"],
        },
      ],
    },
    data: {
      enums: [
        { name: "Tag", values: ["work", "home"], description: "A label." },
        { name: "Unused", values: ["x"] },
      ],
      entities: [
        {
          name: "Note",
          description: "A note. Never */ closes a comment.",
          fields: [
            { name: "id", type: "uuid", primaryKey: true, default: { kind: "uuid" }, visibility: ["read"] },
            { name: "title", type: "string", maxLength: 80, description: "The title.", example: "Milk" },
            { name: "body", type: "text", nullable: true },
            { name: "amount", type: "decimal", precision: 10, scale: 2, nullable: true },
            { name: "views", type: "bigint", default: { kind: "literal", value: 0 }, visibility: ["read"] },
            { name: "pinned", type: "boolean", default: { kind: "literal", value: false } },
            { name: "due", type: "date", nullable: true },
            { name: "meta", type: "json", nullable: true },
            { name: "tags", type: "array", items: { type: "enum", enum: "Tag" }, default: { kind: "empty-array" } },
            { name: "secret", type: "string", visibility: [] },
          ],
        },
      ],
    },
    errors: [{ code: "note-not-found", status: 404, title: "Note not found" }],
    auth: { schemes: [{ name: "bearer", type: "jwt", jwt: { accessTokenTtlSeconds: 900 } }] },
  };
  const copy = structuredClone(d);
  patch(copy);
  return copy;
}
