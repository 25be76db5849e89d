/** Writes schemas/design.schema.json from the TypeBox definition (the one source of truth). */
import { writeFileSync } from "node:fs";
import { designSchemaJson } from "../src/design/schema-json.ts";

writeFileSync(new URL("../schemas/design.schema.json", import.meta.url), designSchemaJson());
console.log("wrote schemas/design.schema.json");
