/**
 * Writes schemas/design.schema.json from the TypeBox definition (the one source of truth), and the
 * ajv-compiled validator of that schema (src/design/design-validator.generated.cjs).
 */
import { writeFileSync } from "node:fs";
import { designSchemaJson } from "../src/design/schema-json.ts";
import { designValidatorCode } from "../src/design/validator-code.ts";
import { VALIDATOR_FILE } from "../src/design/validate.ts";

writeFileSync(new URL("../schemas/design.schema.json", import.meta.url), designSchemaJson());
console.log("wrote schemas/design.schema.json");
writeFileSync(new URL(`../src/design/${VALIDATOR_FILE}`, import.meta.url), designValidatorCode());
console.log(`wrote src/design/${VALIDATOR_FILE}`);
