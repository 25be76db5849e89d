import { DesignSchema } from "./schema.ts";

/** The design schema as published in schemas/design.schema.json: plain JSON, stable key order. */
export function designSchemaJson(): string {
  return (
    JSON.stringify(
      { $schema: "http://json-schema.org/draft-07/schema#", ...JSON.parse(JSON.stringify(DesignSchema)) },
      null,
      2,
    ) + "\n"
  );
}
