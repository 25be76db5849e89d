/**
 * The design schema as the model sees it — derived from `DesignSchema` (src/design/schema.ts)
 * at run time, never a hand-kept copy.
 *
 * Claude can return structured data two ways: JSON outputs (`output_config.format`, strict,
 * grammar-constrained) or a tool whose `input_schema` is the schema. Strict schemas have a
 * complexity budget (at most 24 optional properties and 16 union-typed properties across a
 * request); `strictBudget` measures ours and `chooseOutputMode` picks JSON outputs only when it
 * fits. The design format has hundreds of optional properties, so the agent uses a tool
 * (`submit_design`, not strict). See docs/agent.md.
 */
import { transformJSONSchema } from "@anthropic-ai/sdk/lib/transform-json-schema";
import { DesignSchema } from "../design/schema.ts";

export const DESIGN_TOOL_NAME = "submit_design";

/** Documented limits of strict structured outputs (per request, across all strict schemas). */
export const STRICT_LIMITS = { optionalProperties: 24, unionProperties: 16 } as const;

type Json = Record<string, unknown>;

/**
 * `DesignSchema` adapted by the SDK's own `transformJSONSchema`: every object closed with its
 * listed properties, keywords the strict subset lacks (pattern, minLength, maximum…) moved into
 * the description text so the model still reads them (ajv enforces them locally). `$id` is
 * dropped first: it names the published file and constrains nothing.
 */
export function designInputSchema(): Json {
  const { $id: _id, ...plain } = JSON.parse(JSON.stringify(DesignSchema)) as Json;
  return transformJSONSchema(plain) as Json;
}

export interface StrictBudget {
  optionalProperties: number;
  unionProperties: number;
  fits: boolean;
}

/** Counts what the strict-output limits count: optional properties and anyOf/type-array properties. */
export function strictBudget(schema: Json): StrictBudget {
  let optionalProperties = 0;
  let unionProperties = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== "object" || node === null) return;
    const n = node as Json;
    if (n.properties && typeof n.properties === "object") {
      const required = new Set((n.required as string[] | undefined) ?? []);
      for (const [key, prop] of Object.entries(n.properties as Record<string, Json>)) {
        if (!required.has(key)) optionalProperties++;
        if (Array.isArray(prop.anyOf) || Array.isArray(prop.type)) unionProperties++;
      }
    }
    for (const value of Object.values(n)) visit(value);
  };
  visit(schema);
  return {
    optionalProperties,
    unionProperties,
    fits: optionalProperties <= STRICT_LIMITS.optionalProperties && unionProperties <= STRICT_LIMITS.unionProperties,
  };
}

export type OutputMode = "json-output" | "tool";

/** JSON outputs when the schema fits the strict budget; otherwise a (non-strict) tool. */
export function chooseOutputMode(schema: Json): OutputMode {
  return strictBudget(schema).fits ? "json-output" : "tool";
}

/**
 * A compact outline of the format for the system prompt, generated from the schema's own
 * descriptions: one line per property down to `depth` levels, `*` marking required ones.
 * Array items are inlined (`entities[]`), so `data.entities[].fields[].type` reads naturally.
 */
export function formatOutline(schema: Json = designInputSchema(), depth = 3): string {
  const lines: string[] = [];
  // The first paragraph: the schema's own words, without the constraints the SDK appended.
  const firstSentence = (d: unknown) =>
    typeof d === "string" ? (d.split("\n\n")[0] ?? "").replace(/\s+/g, " ").trim() : "";
  const walk = (node: Json, prefix: string, level: number): void => {
    const props = node.properties as Record<string, Json> | undefined;
    if (!props) return;
    const required = new Set((node.required as string[] | undefined) ?? []);
    for (const [key, prop] of Object.entries(props)) {
      if (key === "$schema") continue;
      const isArray = prop.type === "array";
      const target = isArray ? ((prop.items as Json | undefined) ?? {}) : prop;
      const name = `${prefix}${key}${isArray ? "[]" : ""}`;
      const enumValues = Array.isArray(target.enum) ? ` (${(target.enum as unknown[]).join(" | ")})` : "";
      lines.push(
        `${"  ".repeat(level)}${name}${required.has(key) ? "*" : ""}${enumValues} — ${firstSentence(prop.description)}`,
      );
      if (level + 1 < depth) walk(target, "", level + 1);
    }
  };
  walk(schema, "", 0);
  return lines.join("\n");
}
