/** Small designs for the Mermaid tests: a base with two entities, and hostile text everywhere free text is allowed. */
import type { Design } from "../../../src/design/schema.ts";
import type { NDesign } from "../../../src/design/normalize.ts";
import { normalizeOrThrow } from "../../helpers.ts";

/** Every character class Mermaid cares about, on several lines. */
export const HOSTILE =
  'a "quoted" [b] {c} (d) <e> & f; #g %% h --> i -.-> |j| `k` \\l: style:#m; classDef x:#1; direction TB end\nnew line\ttab ünï © 😀';

export function baseDesign(): Design {
  return {
    contractor: 1,
    info: { name: "tiny", title: "Tiny", version: "1.0.0" },
    api: {
      versioning: { strategy: "url-prefix", current: "v1" },
      defaultAuth: ["bearer"],
      endpoints: [
        {
          operationId: "listParents",
          method: "GET",
          path: "/parents",
          summary: "List parents",
          response: { status: 200, schema: "Parent", paginated: true },
        },
        {
          operationId: "signIn",
          method: "POST",
          path: "/auth/token",
          summary: "Sign in",
          auth: { public: true },
          response: { status: 200, schema: "Parent" },
        },
      ],
    },
    data: {
      entities: [
        {
          name: "Parent",
          timestamps: false,
          fields: [
            { name: "id", type: "uuid", primaryKey: true },
            { name: "title", type: "string", maxLength: 40 },
          ],
        },
        {
          name: "Child",
          timestamps: false,
          fields: [
            { name: "id", type: "integer", primaryKey: true },
            { name: "parentId", type: "uuid", references: { entity: "Parent", relationship: "has" } },
          ],
        },
      ],
    },
    errors: [{ code: "not-found", status: 404, title: "Not found" }],
    auth: {
      schemes: [{ name: "bearer", type: "jwt", jwt: { accessTokenTtlSeconds: 600 }, operations: { signIn: "signIn" } }],
    },
  };
}

export function tiny(patch: (d: Design) => void = () => {}): NDesign {
  const d = baseDesign();
  patch(d);
  return normalizeOrThrow(d);
}

/** A design with HOSTILE in every free-text slot a diagram shows, and entity names Mermaid reads as keywords. */
export function hostileDesign(): NDesign {
  return tiny((d) => {
    const [parent, child] = d.data.entities as [Design["data"]["entities"][number], Design["data"]["entities"][number]];
    parent.fields.push({ name: "odd", type: "text", column: 'we"ird; col #1 -->', nullable: true });
    child.fields[1]!.references!.relationship = HOSTILE;
    child.fields.push({ name: "otherId", type: "uuid", nullable: true, references: { entity: "Style" } });
    d.data.entities.push(
      { name: "Style", timestamps: false, fields: [{ name: "id", type: "uuid", primaryKey: true }] },
      {
        name: "End",
        timestamps: false,
        fields: [
          { name: "id", type: "uuid", primaryKey: true },
          { name: "styleId", type: "uuid", unique: true, references: { entity: "Style", relationship: HOSTILE } },
        ],
      },
    );
    d.auth = {
      mobileStorage: HOSTILE,
      schemes: [
        {
          name: "bearer",
          type: "jwt",
          description: HOSTILE,
          jwt: {
            accessTokenTtlSeconds: 600,
            refreshTokenTtlSeconds: 86400,
            refreshRotation: true,
            reuseDetection: true,
            issuer: HOSTILE,
          },
          operations: { signIn: "signIn" },
        },
        {
          name: "oauth",
          type: "oauth2",
          oauth2: {
            authorizationUrl: "https://x.example/a?b=c&d=%20#e;f",
            tokenUrl: "https://x.example/t",
            pkce: true,
            refreshRotation: true,
          },
        },
        { name: "partnerKey", type: "api-key", apiKey: { in: "header", name: "X-Api-Key", rotationDays: 30 } },
        { name: "cookie", type: "session", session: { cookieName: "sid", ttlSeconds: 3600 } },
      ],
    };
    d.architecture = {
      pattern: "microservices",
      summary: HOSTILE,
      clients: [{ name: "end", kind: "ios", description: HOSTILE }],
      services: [
        {
          name: "style",
          description: HOSTILE,
          responsibilities: [HOSTILE, "plain"],
          entities: ["Parent", "Style"],
          uses: ["subgraph", "graph"],
        },
        { name: "class", entities: ["Child", "End"], uses: ["style", "subgraph"] },
      ],
      components: [
        { name: "subgraph", kind: "database", technology: HOSTILE, description: HOSTILE },
        { name: "graph", kind: "queue", technology: HOSTILE },
        { name: "end2", kind: "gateway", technology: HOSTILE },
        { name: "push", kind: "push" },
      ],
    };
  });
}
