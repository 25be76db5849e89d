/** A minimal valid design (zero diagnostics) that unit tests mutate one fragment at a time. */
import type { Design } from "../../src/design/schema.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export function baseDesign(): Loose {
  return {
    contractor: 1,
    info: { name: "shop", title: "Shop API", version: "1.0.0" },
    api: {
      versioning: { strategy: "url-prefix", current: "v1" },
      defaultAuth: ["bearer"],
      endpoints: [
        {
          operationId: "getWidget",
          method: "GET",
          path: "/widgets/{widgetId}",
          summary: "One widget",
          params: [{ name: "widgetId", in: "path", type: "uuid" }],
          response: { status: 200, schema: "Widget" },
          errors: ["widget-not-found"],
        },
        {
          operationId: "createWidget",
          method: "POST",
          path: "/widgets",
          summary: "Create a widget",
          body: { schema: "Widget" },
          response: { status: 201, schema: "Widget" },
        },
      ],
    },
    data: {
      entities: [
        {
          name: "Widget",
          fields: [
            { name: "id", type: "uuid", primaryKey: true, default: { kind: "uuid" }, visibility: ["read"] },
            { name: "title", type: "string", maxLength: 80 },
          ],
        },
      ],
    },
    errors: [{ code: "widget-not-found", status: 404, title: "Widget not found" }],
    auth: { schemes: [{ name: "bearer", type: "jwt", jwt: { accessTokenTtlSeconds: 900 } }] },
  } satisfies Design;
}

/** `baseDesign()` changed by `mutate`. */
export function designWith(mutate: (d: Loose) => void): Loose {
  const d = baseDesign();
  mutate(d);
  return d;
}
