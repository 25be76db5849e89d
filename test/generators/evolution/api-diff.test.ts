import { describe, expect, it } from "vitest";
import type { OpenAPIV3 } from "openapi-types";
import { diffOpenApi } from "../../../generators/evolution/api-diff.ts";
import { buildDocument } from "../../../generators/openapi/document.ts";
import type { Design } from "../../../src/design/schema.ts";
import type { NDesign } from "../../../src/design/normalize.ts";
import { mini, entity, field, series } from "./mini.ts";

const doc = (d: NDesign) => buildDocument(d) as OpenAPIV3.Document;
const lines = (a: NDesign, b: NDesign) =>
  diffOpenApi(doc(a), doc(b)).map(
    (c) =>
      `${c.breaking ? "breaking" : "compatible"} ${c.kind} ${c.location.replace("openapi.yaml#", "")} [${c.operations.join(",")}]`,
  );
const changes = (edit: (d: Design) => void, from: (d: Design) => void = () => {}) => lines(mini(from), mini(edit));

const publicGet = (d: Design) => {
  d.api.endpoints[0]!.auth = { public: true };
};

const cases: Array<[string, (d: Design) => void, string[], ((d: Design) => void)?]> = [
  ["no change", () => {}, []],
  [
    "operation removed",
    (d) => {
      d.api.endpoints = d.api.endpoints.filter((e) => e.operationId !== "getNote");
    },
    ["breaking operation-removed /paths/~1notes~1{noteId}/get [getNote]"],
  ],
  [
    "operation added",
    (d) =>
      d.api.endpoints.push({
        operationId: "listNotes",
        method: "GET",
        path: "/notes",
        summary: "Notes",
        response: { status: 200, schema: "Note", paginated: true },
      }),
    ["compatible operation-added /paths/~1notes/get [listNotes]"],
  ],
  [
    "required query parameter added",
    (d) => {
      d.api.endpoints[0]!.params!.push({ name: "lang", in: "query", type: "string", maxLength: 8, required: true });
    },
    ["breaking parameter-added /paths/~1notes~1{noteId}/get/parameters/1 [getNote]"],
  ],
  [
    "optional query parameter added",
    (d) => {
      d.api.endpoints[0]!.params!.push({ name: "lang", in: "query", type: "string", maxLength: 8 });
    },
    ["compatible parameter-added /paths/~1notes~1{noteId}/get/parameters/1 [getNote]"],
  ],
  [
    "response property removed (field internal now)",
    (d) => {
      field(d, "body").visibility = ["create", "update"];
    },
    ["breaking property-removed /components/schemas/Note/properties/body [createNote,getNote]"],
  ],
  [
    "property renamed",
    (d) => Object.assign(field(d, "body"), { name: "content", renamedFrom: "body" }),
    [
      "breaking property-renamed /components/schemas/Note/properties/content [createNote,getNote]",
      "breaking property-renamed /components/schemas/NoteCreate/properties/content [createNote]",
    ],
  ],
  [
    "new required request property",
    (d) => entity(d).fields.push({ name: "owner", type: "uuid" }),
    [
      "breaking property-added /components/schemas/NoteCreate/properties/owner [createNote]",
      "compatible property-added /components/schemas/Note/properties/owner [createNote,getNote]",
    ],
  ],
  [
    "response property becomes nullable",
    (d) => {
      field(d, "title").nullable = true;
    },
    [
      "breaking nullable-changed /components/schemas/Note/properties/title [createNote,getNote]",
      "compatible property-optional /components/schemas/NoteCreate/properties/title [createNote]",
      "compatible nullable-changed /components/schemas/NoteCreate/properties/title [createNote]",
    ],
  ],
  [
    "request maxLength narrowed",
    (d) => {
      field(d, "title").maxLength = 40;
    },
    [
      "breaking bounds-narrowed /components/schemas/NoteCreate/properties/title [createNote]",
      "compatible bounds-narrowed /components/schemas/Note/properties/title [createNote,getNote]",
    ],
  ],
  [
    "type changed",
    (d) => {
      Object.assign(field(d, "size"), { type: "string", maxLength: 10, default: { kind: "literal", value: "0" } });
    },
    [
      "breaking type-changed /components/schemas/Note/properties/size [createNote,getNote]",
      "breaking type-changed /components/schemas/NoteCreate/properties/size [createNote]",
    ],
  ],
  [
    "enum value added: breaking in responses, not in requests",
    (d) => {
      d.data.enums![0]!.values.push("idea");
    },
    [
      "breaking enum-value-added /components/schemas/NoteKind [createNote,getNote]",
      "compatible enum-value-added /components/schemas/NoteKind [createNote]",
    ],
  ],
  [
    "enum value removed: breaking in requests only",
    (d) => {
      d.data.enums![0]!.values = ["plain"];
    },
    [
      "breaking enum-value-removed /components/schemas/NoteKind [createNote]",
      "compatible enum-value-removed /components/schemas/NoteKind [createNote,getNote]",
    ],
  ],
  [
    "operation made public",
    (d) => {
      d.api.endpoints[0]!.auth = { public: true };
    },
    [
      "compatible status-removed /paths/~1notes~1{noteId}/get/responses/401 [getNote]",
      "compatible security-changed /paths/~1notes~1{noteId}/get/security [getNote]",
    ],
  ],
  [
    "public operation now needs auth",
    (d) => {
      d.api.endpoints[0]!.auth = {};
    },
    [
      "breaking security-changed /paths/~1notes~1{noteId}/get/security [getNote]",
      "compatible status-added /paths/~1notes~1{noteId}/get/responses/401 [getNote]",
    ],
    publicGet,
  ],
  [
    "scope now required",
    (d) => {
      d.auth!.scopes = [{ name: "notes:read" }];
      d.api.endpoints[0]!.auth = { scopes: ["notes:read"] };
    },
    [
      "breaking security-changed /paths/~1notes~1{noteId}/get/security [getNote]",
      "compatible status-added /paths/~1notes~1{noteId}/get/responses/403 [getNote]",
    ],
  ],
  [
    "success status changed",
    (d) => {
      d.api.endpoints[1]!.response.status = 200;
    },
    [
      "breaking status-removed /paths/~1notes/post/responses/201 [createNote]",
      "compatible status-added /paths/~1notes/post/responses/200 [createNote]",
    ],
  ],
  [
    "operation deprecated",
    (d) => {
      d.api.endpoints[0]!.deprecated = { since: "1.1.0" };
    },
    ["compatible operation-deprecated /paths/~1notes~1{noteId}/get [getNote]"],
  ],
];

describe("diffOpenApi", () => {
  it.each(cases)("%s", (_name, edit, want, from) => {
    expect(changes(edit, from)).toStrictEqual(want);
  });

  it("finds exactly the expected breaking and non-breaking changes along the listly series", async () => {
    const [v1, v2, v3] = [await series("v1"), await series("v2"), await series("v3")];
    expect(lines(v1, v2)).toStrictEqual([
      "breaking property-renamed /components/schemas/Item/properties/notes [createItem,getItem,listChanges,listItems,updateItem]",
      "breaking property-renamed /components/schemas/ItemCreate/properties/notes [createItem]",
      "breaking enum-value-added /components/schemas/ItemPriority [createItem,getItem,listChanges,listItems,updateItem]",
      "breaking property-renamed /components/schemas/ItemUpdate/properties/notes [updateItem]",
      "breaking enum-value-removed /paths/~1lists~1{listId}~1items/get/parameters/5/schema/items [listItems]",
      "compatible enum-value-added /components/schemas/ItemPriority [createItem,updateItem]",
      "compatible enum-value-added /paths/~1lists~1{listId}~1items/get/parameters/5/schema/items [listItems]",
      "compatible operation-added /paths/~1lists~1{listId}~1items~1{itemId}~1reminders/post [createReminder]",
      "compatible operation-added /paths/~1me~1reminders/get [listReminders]",
    ]);
    expect(lines(v2, v3)).toStrictEqual([
      "breaking property-removed /components/schemas/Item/properties/unit [createItem,getItem,listChanges,listItems,updateItem]",
      "breaking parameter-added /paths/~1categories/get/parameters/0 [listCategories]",
      "breaking enum-value-removed /paths/~1lists~1{listId}~1items/get/parameters/5/schema/items [listItems]",
      "compatible property-removed /components/schemas/ItemCreate/properties/unit [createItem]",
      "compatible property-removed /components/schemas/ItemUpdate/properties/unit [updateItem]",
    ]);
  });

  it("messages name what changed", async () => {
    const [v2, v3] = [await series("v2"), await series("v3")];
    const msgs = diffOpenApi(doc(v2), doc(v3)).map((c) => c.message);
    expect(msgs).toContain("listCategories gains required query parameter locale");
    expect(msgs).toContain("listItems query parameter fields[] loses unit (request)");
  });
});
