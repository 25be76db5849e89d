/**
 * Writes schemas/design.schema.json from the TypeBox definition (the one source of truth), and the
 * ajv-compiled validator of that schema (src/design/design-validator.generated.cjs), and the
 * ajv-compiled OpenAPI 3.0 schema validation of swagger-parser (generators/openapi/).
 */
import { writeFileSync } from "node:fs";
import { designSchemaJson } from "../src/design/schema-json.ts";
import { designValidatorCode } from "../src/design/validator-code.ts";
import { VALIDATOR_FILE } from "../src/design/validate.ts";
import { oasSchemaValidatorCode } from "../generators/openapi/schema-validator-code.ts";
import { OAS_VALIDATOR_FILE } from "../generators/openapi/check.ts";

writeFileSync(new URL("../schemas/design.schema.json", import.meta.url), designSchemaJson());
console.log("wrote schemas/design.schema.json");
writeFileSync(new URL(`../src/design/${VALIDATOR_FILE}`, import.meta.url), designValidatorCode());
console.log(`wrote src/design/${VALIDATOR_FILE}`);
writeFileSync(new URL(`../generators/openapi/${OAS_VALIDATOR_FILE}`, import.meta.url), oasSchemaValidatorCode());
console.log(`wrote generators/openapi/${OAS_VALIDATOR_FILE}`);
