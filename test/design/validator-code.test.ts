import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { designValidatorCode } from "../../src/design/validator-code.ts";
import { VALIDATOR_FILE } from "../../src/design/validate.ts";

describe("precompiled design validator", () => {
  it(`src/design/${VALIDATOR_FILE} is ajv's standalone code of src/design/schema.ts (run \`npm run schema\` after a change)`, () => {
    const onDisk = readFileSync(new URL(`../../src/design/${VALIDATOR_FILE}`, import.meta.url), "utf8");
    expect(onDisk === designValidatorCode()).toBe(true);
  });
});
