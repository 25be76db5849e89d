/**
 * Semantic checks: what a JSON Schema cannot say. Runs on a schema-valid design and reports
 * every problem (never stops at the first), each with a JSON pointer to the offending node.
 */
import type { Design, Entity, Field, Endpoint, Property, Predicate, ArrayItems, Parameter } from "./schema.ts";
import { designCodes } from "./codes.ts";
import { diagnosticsFor, pointer, type Diagnostic } from "./diagnostics.ts";
import { snakeCase } from "./names.ts";
import { resolveType } from "./types.ts";
import { BUILTIN_ERRORS, SYNC_FEED_SCHEMA, defaultShape, tableName } from "./normalize.ts";

const diag = diagnosticsFor(designCodes);

/** Type names the generated TypeScript and OpenAPI already use, or that shadow TS built-ins. */
export const RESERVED_TYPE_NAMES = new Set([
  "Problem",
  "ProblemFieldError",
  "ErrorCode",
  "Endpoints",
  "Operations",
  "Client",
  "ApiError",
  "PageInfo",
  "Array",
  "Boolean",
  "Date",
  "Error",
  "Function",
  "Map",
  "Number",
  "Object",
  "Promise",
  "Record",
  "Set",
  "String",
  "Symbol",
  "Partial",
  "Required",
]);
const STRING_TYPES = new Set(["string", "text", "email", "url", "uuid"]);
const NUMBER_TYPES = new Set(["integer", "bigint", "decimal"]);

type Ctx = {
  out: Diagnostic[];
  design: Design;
  entities: Map<string, Entity>;
  enums: Set<string>;
  /** Entities and payload schemas: everything a `ref` or a body/response may name. */
  schemas: Set<string>;
};

export function checkSemantics(design: Design): Diagnostic[] {
  const entityMap = new Map(design.data.entities.map((e) => [e.name, e] as const));
  const ctx: Ctx = {
    out: [],
    design,
    entities: entityMap,
    enums: new Set((design.data.enums ?? []).map((e) => e.name)),
    schemas: new Set([...entityMap.keys(), ...(design.schemas ?? []).map((s) => s.name)]),
  };
  const entities = design.data.entities;
  checkNames(ctx);
  entities.forEach((entity, i) => checkEntity(ctx, entity, pointer("data", "entities", i)));
  (design.schemas ?? []).forEach((s, i) =>
    s.properties.forEach((p, j) => checkTyped(ctx, p, pointer("schemas", i, "properties", j))),
  );
  checkEndpoints(ctx);
  checkErrorsCatalog(ctx);
  checkAuth(ctx);
  checkArchitecture(ctx);
  checkUnused(ctx);
  return ctx.out;
}

// ---- names ----

function duplicates<T>(
  items: readonly T[],
  key: (t: T) => string,
  at: (i: number) => string,
  what: string,
  ctx: Ctx,
  code: "duplicate-name" | "duplicate-operation-id" | "name-collision" = "duplicate-name",
) {
  const first = new Map<string, number>();
  const nameOf = (t: T) => (t as { name?: unknown }).name;
  items.forEach((item, i) => {
    const k = key(item);
    const prev = first.get(k);
    if (prev === undefined) first.set(k, i);
    else if (code !== "name-collision")
      ctx.out.push(diag(code, `${what} "${k}" is declared twice (first at ${at(prev)})`, at(i)));
    // Two items with the very same name are already a duplicate-name; a collision is between different names.
    else if (nameOf(item) === undefined || nameOf(item) !== nameOf(items[prev]!))
      ctx.out.push(diag(code, `${what} "${k}" here collides with the one at ${at(prev)}`, at(i)));
  });
}

function checkNames(ctx: Ctx) {
  const d = ctx.design;
  const entities = d.data.entities;
  duplicates(
    entities,
    (e) => e.name,
    (i) => pointer("data", "entities", i),
    "entity",
    ctx,
  );
  duplicates(
    d.data.enums ?? [],
    (e) => e.name,
    (i) => pointer("data", "enums", i),
    "enum",
    ctx,
  );
  duplicates(
    d.schemas ?? [],
    (e) => e.name,
    (i) => pointer("schemas", i),
    "schema",
    ctx,
  );
  duplicates(
    d.errors,
    (e) => e.code,
    (i) => pointer("errors", i),
    "error code",
    ctx,
  );
  duplicates(
    d.rateLimits ?? [],
    (e) => e.name,
    (i) => pointer("rateLimits", i),
    "rate-limit tier",
    ctx,
  );
  duplicates(
    d.auth?.schemes ?? [],
    (e) => e.name,
    (i) => pointer("auth", "schemes", i),
    "auth scheme",
    ctx,
  );
  duplicates(
    d.auth?.scopes ?? [],
    (e) => e.name,
    (i) => pointer("auth", "scopes", i),
    "scope",
    ctx,
  );
  duplicates(
    d.auth?.roles ?? [],
    (e) => e.name,
    (i) => pointer("auth", "roles", i),
    "role",
    ctx,
  );
  duplicates(
    d.api.tags ?? [],
    (e) => e.name,
    (i) => pointer("api", "tags", i),
    "tag",
    ctx,
  );
  duplicates(
    d.api.servers ?? [],
    (e) => e.name,
    (i) => pointer("api", "servers", i),
    "server",
    ctx,
  );
  const arch = d.architecture;
  if (arch) {
    duplicates(
      [...(arch.services ?? []), ...(arch.components ?? [])],
      (e) => e.name,
      (i) =>
        i < (arch.services ?? []).length
          ? pointer("architecture", "services", i)
          : pointer("architecture", "components", i - (arch.services ?? []).length),
      "service or component",
      ctx,
    );
    duplicates(
      arch.clients ?? [],
      (e) => e.name,
      (i) => pointer("architecture", "clients", i),
      "client",
      ctx,
    );
    duplicates(
      arch.decisions ?? [],
      (e) => e.name,
      (i) => pointer("architecture", "decisions", i),
      "decision",
      ctx,
    );
    duplicates(
      arch.performance ?? [],
      (e) => e.name,
      (i) => pointer("architecture", "performance", i),
      "performance target",
      ctx,
    );
  }

  // Every generated type name lives in one namespace: entities (X, XCreate, XUpdate, XPage), enums, payloads.
  // `source` identifies the declaration; the same declaration repeated is a duplicate-name, reported above.
  const typeNames: Array<{ name: string; at: string; source: string }> = [];
  entities.forEach((e, i) => {
    const at = pointer("data", "entities", i);
    for (const suffix of ["", "Create", "Update", "Page"])
      typeNames.push({ name: e.name + suffix, at, source: `entity:${e.name}` });
  });
  (d.data.enums ?? []).forEach((e, i) =>
    typeNames.push({ name: e.name, at: pointer("data", "enums", i), source: `enum:${e.name}` }),
  );
  const paginated = new Set(
    d.api.endpoints.filter((e) => e.response.paginated && e.response.schema).map((e) => e.response.schema!),
  );
  (d.schemas ?? []).forEach((s, i) => {
    typeNames.push({ name: s.name, at: pointer("schemas", i), source: `schema:${s.name}` });
    if (paginated.has(s.name))
      typeNames.push({ name: `${s.name}Page`, at: pointer("schemas", i), source: `schema:${s.name}` });
  });
  if (entities.some((e) => e.sync))
    typeNames.push({ name: SYNC_FEED_SCHEMA, at: pointer("api", "sync"), source: "sync" });
  const byName = new Map<string, { at: string; source: string }>();
  const byLower = new Map<string, { name: string; at: string }>();
  for (const t of typeNames) {
    if (RESERVED_TYPE_NAMES.has(t.name))
      ctx.out.push(
        diag("reserved-name", `"${t.name}" is reserved by the generated artifacts; choose another name`, t.at),
      );
    const prev = byName.get(t.name);
    if (prev !== undefined && prev.at !== t.at && prev.source !== t.source)
      ctx.out.push(diag("name-collision", `type name "${t.name}" is produced twice (also at ${prev.at})`, t.at));
    if (!prev) byName.set(t.name, t);
    const lower = byLower.get(t.name.toLowerCase());
    if (lower && lower.name !== t.name)
      ctx.out.push(
        diag(
          "name-collision",
          `type name "${t.name}" differs from "${lower.name}" (at ${lower.at}) only by case; case-insensitive file systems and languages collide`,
          t.at,
        ),
      );
    if (!lower) byLower.set(t.name.toLowerCase(), t);
  }
  duplicates(
    entities,
    (e) => tableName(e),
    (i) => pointer("data", "entities", i, "name"),
    "table",
    ctx,
    "name-collision",
  );
  duplicates(
    d.data.enums ?? [],
    (e) => snakeCase(e.name),
    (i) => pointer("data", "enums", i, "name"),
    "enum type",
    ctx,
    "name-collision",
  );
  const tables = new Set(entities.map((e) => tableName(e)));
  (d.data.enums ?? []).forEach((e, i) => {
    if (tables.has(snakeCase(e.name)))
      ctx.out.push(
        diag(
          "name-collision",
          `enum type "${snakeCase(e.name)}" has the same SQL name as a table`,
          pointer("data", "enums", i, "name"),
        ),
      );
  });
}

// ---- entities ----

function checkEntity(ctx: Ctx, entity: Entity, at: string) {
  const fields = entity.fields;
  const fieldNames = new Set(fields.map((f) => f.name));
  const generated = ["createdAt", "updatedAt", "deletedAt", "version"];
  const allNames = new Set([
    ...fieldNames,
    ...((entity.timestamps ?? true) || entity.sync ? ["createdAt", "updatedAt"] : []),
    ...(entity.sync ? generated : []),
  ]);
  duplicates(
    fields,
    (f) => f.name,
    (i) => pointer(...segments(at), "fields", i),
    "field",
    ctx,
  );
  duplicates(
    fields,
    (f) => f.column ?? snakeCase(f.name),
    (i) => pointer(...segments(at), "fields", i, "name"),
    "column",
    ctx,
    "name-collision",
  );
  const constraints = (["indexes", "uniques", "checks", "foreignKeys"] as const).flatMap((kind) =>
    (entity[kind] ?? []).map((x, i) => ({ name: x.name, at: pointer(...segments(at), kind, i, "name") })),
  );
  duplicates(
    constraints,
    (x) => x.name,
    (i) => constraints[i]!.at,
    "index or constraint",
    ctx,
  );

  fields.forEach((f, i) => {
    const fat = pointer(...segments(at), "fields", i);
    checkTyped(ctx, f, fat);
    checkDefault(ctx, f, fat);
    if (f.references) checkReference(ctx, entity, f, fat);
  });

  const fieldRef = (name: string, where: string) => {
    if (!allNames.has(name))
      ctx.out.push(diag("dangling-reference", `entity ${entity.name} has no field "${name}"`, where));
  };
  const pkFromFields = fields.filter((f) => f.primaryKey).map((f) => f.name);
  if (entity.primaryKey) {
    entity.primaryKey.forEach((n, i) => fieldRef(n, pointer(...segments(at), "primaryKey", i)));
    if (pkFromFields.length > 0 && pkFromFields.join() !== entity.primaryKey.join()) {
      ctx.out.push(
        diag(
          "conflicting-primary-key",
          `primaryKey [${entity.primaryKey.join(", ")}] disagrees with the fields marked primaryKey [${pkFromFields.join(", ")}]`,
          pointer(...segments(at), "primaryKey"),
        ),
      );
    }
  }
  const pk = entity.primaryKey ?? pkFromFields;
  if (pk.length === 0) ctx.out.push(diag("missing-primary-key", `entity ${entity.name} has no primary key`, at));
  for (const name of pk) {
    const i = fields.findIndex((f) => f.name === name);
    if (i >= 0 && fields[i]!.nullable)
      ctx.out.push(
        diag(
          "nullable-primary-key",
          `primary-key field ${entity.name}.${name} cannot be nullable`,
          pointer(...segments(at), "fields", i, "nullable"),
        ),
      );
  }
  for (const [kind, list] of [
    ["indexes", entity.indexes],
    ["uniques", entity.uniques],
  ] as const) {
    (list ?? []).forEach((x, i) =>
      x.fields.forEach((n, j) => fieldRef(n, pointer(...segments(at), kind, i, "fields", j))),
    );
  }
  (entity.indexes ?? []).forEach((x, i) =>
    (x.where ?? []).forEach((p, j) =>
      checkPredicate(ctx, entity, p, pointer(...segments(at), "indexes", i, "where", j)),
    ),
  );
  (entity.checks ?? []).forEach((c, i) => checkPredicate(ctx, entity, c, pointer(...segments(at), "checks", i)));
  (entity.foreignKeys ?? []).forEach((fk, i) => {
    const fat = pointer(...segments(at), "foreignKeys", i);
    fk.fields.forEach((n, j) => fieldRef(n, `${fat}/fields/${j}`));
    const target = ctx.entities.get(fk.entity);
    if (!target)
      return void ctx.out.push(
        diag("dangling-reference", `foreign key ${fk.name} references unknown entity "${fk.entity}"`, `${fat}/entity`),
      );
    if (fk.fields.length !== fk.references.length)
      return void ctx.out.push(
        diag(
          "foreign-key-arity",
          `foreign key ${fk.name} has ${fk.fields.length} fields but references ${fk.references.length}`,
          fat,
        ),
      );
    const targetFields = fk.references.map((n) => target.fields.find((f) => f.name === n));
    fk.references.forEach((n, j) => {
      if (!targetFields[j])
        ctx.out.push(diag("dangling-reference", `entity ${target.name} has no field "${n}"`, `${fat}/references/${j}`));
    });
    if (targetFields.every(Boolean)) {
      if (!isUniqueSet(target, fk.references))
        ctx.out.push(
          diag(
            "foreign-key-target-not-unique",
            `${target.name}(${fk.references.join(", ")}) is neither its primary key nor unique`,
            `${fat}/references`,
          ),
        );
      fk.fields.forEach((n, j) => {
        const src = fields.find((f) => f.name === n);
        const dst = targetFields[j]!;
        if (src && !sameColumnType(src, dst))
          ctx.out.push(
            diag(
              "foreign-key-type-mismatch",
              `${entity.name}.${n} is ${typeLabel(src)} but ${target.name}.${dst.name} is ${typeLabel(dst)}`,
              `${fat}/fields/${j}`,
            ),
          );
      });
    }
    for (const action of ["onDelete", "onUpdate"] as const) {
      if (fk[action] === "set-null" && fk.fields.some((n) => !fields.find((f) => f.name === n)?.nullable)) {
        ctx.out.push(
          diag(
            "set-null-on-required",
            `${action}: set-null needs nullable columns, but ${fk.fields.join(", ")} are not all nullable`,
            `${fat}/${action}`,
          ),
        );
      }
    }
  });
}

const segments = (p: string) =>
  p
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));

/** Whether `names` (field names) are unique in `entity`: its key, a unique field, a unique set or a full unique index. */
export function isUniqueSet(entity: Entity, names: readonly string[]): boolean {
  const pk = entity.primaryKey ?? entity.fields.filter((f) => f.primaryKey).map((f) => f.name);
  const same = (set: readonly string[]) => set.length === names.length && set.every((n) => names.includes(n));
  if (same(pk)) return true;
  if (names.length === 1 && entity.fields.find((f) => f.name === names[0])?.unique) return true;
  return (
    (entity.uniques ?? []).some((u) => same(u.fields)) ||
    (entity.indexes ?? []).some((x) => x.unique && !x.where && same(x.fields))
  );
}

function sameColumnType(field: Field, target: Field): boolean {
  const a = resolveType(field);
  const b = resolveType(target);
  if (a.type !== b.type) return false;
  if (a.type === "enum") return a.enum === b.enum;
  if (a.type === "decimal") return a.precision === b.precision && a.scale === b.scale;
  return true;
}

const typeLabel = (f: Field) => (f.type === "enum" ? `enum ${f.enum}` : f.type);

function checkReference(ctx: Ctx, entity: Entity, field: Field, at: string) {
  const ref = field.references!;
  const target = ctx.entities.get(ref.entity);
  if (!target)
    return void ctx.out.push(
      diag(
        "dangling-reference",
        `${entity.name}.${field.name} references unknown entity "${ref.entity}"`,
        `${at}/references/entity`,
      ),
    );
  const targetPk = target.primaryKey ?? target.fields.filter((f) => f.primaryKey).map((f) => f.name);
  const targetName = ref.field ?? (targetPk.length === 1 ? targetPk[0]! : undefined);
  if (!targetName)
    return void ctx.out.push(
      diag(
        "dangling-reference",
        `${target.name} has no single-column primary key; name the referenced field`,
        `${at}/references`,
      ),
    );
  const targetField = target.fields.find((f) => f.name === targetName);
  if (!targetField)
    return void ctx.out.push(
      diag("dangling-reference", `entity ${target.name} has no field "${targetName}"`, `${at}/references/field`),
    );
  if (!isUniqueSet(target, [targetName]))
    ctx.out.push(
      diag(
        "foreign-key-target-not-unique",
        `${target.name}.${targetName} is neither the primary key nor unique`,
        `${at}/references/field`,
      ),
    );
  if (!sameColumnType(field, targetField))
    ctx.out.push(
      diag(
        "foreign-key-type-mismatch",
        `${entity.name}.${field.name} is ${typeLabel(field)} but ${target.name}.${targetName} is ${typeLabel(targetField)}`,
        `${at}/type`,
      ),
    );
  for (const action of ["onDelete", "onUpdate"] as const) {
    if (ref[action] === "set-null" && !field.nullable)
      ctx.out.push(
        diag(
          "set-null-on-required",
          `${action}: set-null on ${entity.name}.${field.name}, which is not nullable`,
          `${at}/references/${action}`,
        ),
      );
  }
}

function checkPredicate(ctx: Ctx, entity: Entity, p: Predicate, at: string) {
  const field = entity.fields.find((f) => f.name === p.field);
  const implicit = ["createdAt", "updatedAt", "deletedAt", "version"].includes(p.field);
  if (!field && !implicit)
    ctx.out.push(diag("dangling-reference", `entity ${entity.name} has no field "${p.field}"`, `${at}/field`));
  const unary = p.operator === "is-null" || p.operator === "is-not-null";
  if (unary && (p.value !== undefined || p.otherField))
    ctx.out.push(diag("invalid-predicate", `${p.operator} takes no value or otherField`, at));
  if (!unary && p.value === undefined && !p.otherField)
    ctx.out.push(diag("invalid-predicate", `operator ${p.operator} needs a value or otherField`, at));
  if (p.value !== undefined && p.otherField)
    ctx.out.push(diag("invalid-predicate", "give either value or otherField, not both", at));
  if (
    p.otherField &&
    !entity.fields.some((f) => f.name === p.otherField) &&
    !["createdAt", "updatedAt", "deletedAt", "version"].includes(p.otherField)
  ) {
    ctx.out.push(
      diag("dangling-reference", `entity ${entity.name} has no field "${p.otherField}"`, `${at}/otherField`),
    );
  }
  const other = p.otherField ? entity.fields.find((f) => f.name === p.otherField) : undefined;
  if (field && other && comparableKind(field) !== comparableKind(other)) {
    ctx.out.push(
      diag(
        "invalid-predicate",
        `${entity.name}.${field.name} (${typeLabel(field)}) cannot be compared with ${entity.name}.${other.name} (${typeLabel(other)})`,
        `${at}/otherField`,
      ),
    );
  }
  if (field && p.value !== undefined && !literalFits(ctx, field, p.value)) {
    ctx.out.push(
      diag(
        "invalid-predicate",
        `${JSON.stringify(p.value)} cannot be compared with ${entity.name}.${field.name} (${typeLabel(field)})`,
        `${at}/value`,
      ),
    );
  }
}

/** Types that compare with each other in SQL without a cast share a kind. */
function comparableKind(f: Field): string {
  if (NUMBER_TYPES.has(f.type)) return "number";
  if (f.type === "string" || f.type === "text" || f.type === "email" || f.type === "url") return "text";
  if (f.type === "enum") return `enum ${f.enum}`;
  return f.type;
}

type Typed = Pick<
  Field,
  "enum" | "maxLength" | "minLength" | "minimum" | "maximum" | "precision" | "scale" | "pattern"
> & { type: Property["type"]; items?: ArrayItems; ref?: string };

function checkTyped(ctx: Ctx, t: Typed | Property | Parameter, at: string) {
  const d = ctx.design;
  const enumExists = (name: string) => ctx.enums.has(name);
  const schemaExists = (name: string) => ctx.schemas.has(name);
  const typed = t as Typed;
  if (typed.type === "enum") {
    if (!typed.enum) ctx.out.push(diag("type-options-mismatch", "type enum needs `enum: <EnumName>`", at));
    else if (!enumExists(typed.enum))
      ctx.out.push(diag("dangling-reference", `unknown enum "${typed.enum}"`, `${at}/enum`));
  } else if (typed.enum && typed.type !== "array")
    ctx.out.push(
      diag("type-options-mismatch", `\`enum\` only applies to type enum (this is ${typed.type})`, `${at}/enum`),
    );
  if (typed.type === "array") {
    if (!typed.items) ctx.out.push(diag("type-options-mismatch", "type array needs `items`", at));
  } else if (typed.items)
    ctx.out.push(
      diag("type-options-mismatch", `\`items\` only applies to type array (this is ${typed.type})`, `${at}/items`),
    );
  if (typed.items) {
    const it = typed.items;
    if (it.type === "enum" && (!it.enum || !enumExists(it.enum)))
      ctx.out.push(
        diag(
          it.enum ? "dangling-reference" : "type-options-mismatch",
          it.enum ? `unknown enum "${it.enum}"` : "items of type enum need `enum`",
          `${at}/items`,
        ),
      );
    if (it.type === "ref" && (!it.ref || !schemaExists(it.ref)))
      ctx.out.push(
        diag(
          it.ref ? "dangling-reference" : "type-options-mismatch",
          it.ref ? `unknown schema or entity "${it.ref}"` : "items of type ref need `ref`",
          `${at}/items`,
        ),
      );
  }
  if (typed.type === "ref") {
    if (!typed.ref) ctx.out.push(diag("type-options-mismatch", "type ref needs `ref: <Schema>`", at));
    else if (!schemaExists(typed.ref))
      ctx.out.push(diag("dangling-reference", `unknown schema or entity "${typed.ref}"`, `${at}/ref`));
  } else if (typed.ref)
    ctx.out.push(
      diag("type-options-mismatch", `\`ref\` only applies to type ref (this is ${typed.type})`, `${at}/ref`),
    );
  const isString = STRING_TYPES.has(typed.type);
  const isNumber = NUMBER_TYPES.has(typed.type);
  if ((typed.maxLength !== undefined || typed.minLength !== undefined) && !isString && typed.type !== "array")
    ctx.out.push(diag("type-options-mismatch", `maxLength/minLength do not apply to ${typed.type}`, at));
  if ((typed.minimum !== undefined || typed.maximum !== undefined) && !isNumber)
    ctx.out.push(diag("type-options-mismatch", `minimum/maximum do not apply to ${typed.type}`, at));
  if ((typed.precision !== undefined || typed.scale !== undefined) && typed.type !== "decimal")
    ctx.out.push(diag("type-options-mismatch", `precision/scale only apply to decimal`, at));
  if (typed.pattern !== undefined) {
    if (!isString)
      ctx.out.push(diag("type-options-mismatch", `pattern does not apply to ${typed.type}`, `${at}/pattern`));
    try {
      new RegExp(typed.pattern, "u");
    } catch {
      ctx.out.push(diag("type-options-mismatch", `pattern is not a valid regular expression`, `${at}/pattern`));
    }
  }
  // Checked on the resolved type: an implicit default length or precision binds like a stated one.
  const resolved = resolveType(typed);
  if (resolved.type === "decimal" && resolved.scale! > resolved.precision!)
    ctx.out.push(diag("type-options-mismatch", `scale ${resolved.scale} exceeds precision ${resolved.precision}`, at));
  if (typed.minimum !== undefined && typed.maximum !== undefined && typed.minimum > typed.maximum)
    ctx.out.push(diag("invalid-limits", `minimum ${typed.minimum} exceeds maximum ${typed.maximum}`, at));
  if (typed.minLength !== undefined && resolved.maxLength !== undefined && typed.minLength > resolved.maxLength)
    ctx.out.push(diag("invalid-limits", `minLength ${typed.minLength} exceeds maxLength ${resolved.maxLength}`, at));
}

type LiteralCheck = (ctx: Ctx, f: Pick<Field, "type" | "enum" | "maxLength">, v: string | number | boolean) => boolean;
/** A string within the resolved length (string, email, url; text only when it states one). */
const fitsLength: LiteralCheck = (_ctx, f, v) => {
  const max = resolveType(f).maxLength;
  return typeof v === "string" && (max === undefined || [...v].length <= max);
};
/** Which literal defaults each field type accepts; one entry per type. */
const LITERAL_FITS: Record<Field["type"], LiteralCheck> = {
  string: fitsLength,
  text: fitsLength,
  email: fitsLength,
  url: fitsLength,
  integer: (_c, _f, v) => typeof v === "number" && Number.isInteger(v),
  bigint: (_c, _f, v) => typeof v === "number" && Number.isInteger(v),
  decimal: (_c, _f, v) => typeof v === "number",
  boolean: (_c, _f, v) => typeof v === "boolean",
  enum: (ctx, f, v) =>
    typeof v === "string" && !!(ctx.design.data.enums ?? []).find((e) => e.name === f.enum)?.values.includes(v),
  uuid: (_c, _f, v) =>
    typeof v === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  date: (_c, _f, v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)),
  timestamp: (_c, _f, v) => typeof v === "string" && !Number.isNaN(Date.parse(v)),
  json: () => true,
  array: () => false,
};

function literalFits(ctx: Ctx, f: Pick<Field, "type" | "enum" | "maxLength">, v: string | number | boolean): boolean {
  return LITERAL_FITS[f.type](ctx, f, v);
}

function checkDefault(ctx: Ctx, f: Field, at: string) {
  const d = f.default;
  if (!d) return;
  const where = `${at}/default`;
  const bad = (why: string) => ctx.out.push(diag("invalid-default", why, where));
  switch (d.kind) {
    case "now":
      if (f.type !== "timestamp" && f.type !== "date")
        bad(`default now needs a timestamp or date field, not ${f.type}`);
      break;
    case "uuid":
      if (f.type !== "uuid") bad(`default uuid needs a uuid field, not ${f.type}`);
      break;
    case "identity":
      if (f.type !== "integer" && f.type !== "bigint")
        bad(`default identity needs an integer or bigint field, not ${f.type}`);
      break;
    case "empty-array":
      if (f.type !== "array") bad(`default empty-array needs an array field, not ${f.type}`);
      break;
    case "literal":
      if (d.value === undefined) bad("default literal needs a `value`");
      else if (!literalFits(ctx, f, d.value))
        bad(
          `${JSON.stringify(d.value)} is not a valid ${typeLabel(f)}${resolveType(f).maxLength ? ` of at most ${resolveType(f).maxLength} characters` : ""}`,
        );
      break;
  }
  if (d.kind !== "literal" && d.value !== undefined) bad(`default ${d.kind} takes no value`);
}

// ---- endpoints ----

function checkEndpoints(ctx: Ctx) {
  const d = ctx.design;
  const endpoints = d.api.endpoints;
  const at = (i: number) => pointer("api", "endpoints", i);
  duplicates(
    endpoints,
    (e) => e.operationId,
    (i) => `${at(i)}/operationId`,
    "operationId",
    ctx,
    "duplicate-operation-id",
  );
  const byLowerId = new Map<string, string>();
  for (const [i, e] of endpoints.entries()) {
    const prev = byLowerId.get(e.operationId.toLowerCase());
    if (prev !== undefined && prev !== e.operationId)
      ctx.out.push(
        diag(
          "name-collision",
          `operationId "${e.operationId}" differs from "${prev}" only by case`,
          `${at(i)}/operationId`,
        ),
      );
    else if (prev === undefined) byLowerId.set(e.operationId.toLowerCase(), e.operationId);
  }
  const routes = new Map<string, number>();
  const scopesDeclared = new Set((d.auth?.scopes ?? []).map((s) => s.name));
  const errorCodes = new Set([...d.errors.map((e) => e.code), ...BUILTIN_ERRORS.map((e) => e.code)]);
  const tiers = new Set((d.rateLimits ?? []).map((r) => r.name));
  const schemes = new Set((d.auth?.schemes ?? []).map((s) => s.name));
  const tags = new Set((d.api.tags ?? []).map((t) => t.name));
  const ops = new Set(endpoints.map((e) => e.operationId));
  if (entitiesSync(d) && endpoints.some((e) => e.operationId === (d.api.sync?.operationId ?? "listChanges"))) {
    ctx.out.push(
      diag(
        "duplicate-operation-id",
        `the sync feed's operationId "${d.api.sync?.operationId ?? "listChanges"}" is already used; set api.sync.operationId`,
        pointer("api", "sync"),
      ),
    );
  }
  (d.api.defaultAuth ?? []).forEach((s, j) => {
    if (!schemes.has(s))
      ctx.out.push(diag("dangling-reference", `unknown auth scheme "${s}"`, pointer("api", "defaultAuth", j)));
  });
  if (d.api.defaultRateLimit && !tiers.has(d.api.defaultRateLimit))
    ctx.out.push(
      diag(
        "dangling-reference",
        `unknown rate-limit tier "${d.api.defaultRateLimit}"`,
        pointer("api", "defaultRateLimit"),
      ),
    );
  if (d.api.sync?.rateLimit && !tiers.has(d.api.sync.rateLimit))
    ctx.out.push(
      diag(
        "dangling-reference",
        `unknown rate-limit tier "${d.api.sync.rateLimit}"`,
        pointer("api", "sync", "rateLimit"),
      ),
    );
  const pg = d.api.pagination;
  if (pg?.defaultLimit !== undefined && pg.maxLimit !== undefined && pg.defaultLimit > pg.maxLimit)
    ctx.out.push(
      diag(
        "invalid-limits",
        `defaultLimit ${pg.defaultLimit} exceeds maxLimit ${pg.maxLimit}`,
        pointer("api", "pagination"),
      ),
    );
  if (entitiesSync(d) && !d.api.sync)
    ctx.out.push(
      diag(
        "sync-without-feed",
        `entities declare sync; the changes feed GET /sync/changes (listChanges) is added automatically — configure it under api.sync`,
        pointer("api"),
      ),
    );
  if (entitiesSync(d) && !(d.api.defaultAuth ?? []).length)
    ctx.out.push(
      diag("auth-missing", "the sync feed needs an auth scheme: set api.defaultAuth", pointer("api", "defaultAuth")),
    );

  endpoints.forEach((e, i) => {
    const eat = at(i);
    const route = `${e.method} ${e.path.replace(/\{[^}]+\}/g, "{}")}`;
    const prev = routes.get(route);
    if (prev !== undefined)
      ctx.out.push(diag("duplicate-route", `${e.method} ${e.path} is also declared at ${at(prev)}`, `${eat}/path`));
    else routes.set(route, i);

    const templ = [...e.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const params = e.params ?? [];
    duplicates(
      params,
      (p) => `${p.in}:${p.in === "header" ? p.name.toLowerCase() : p.name}`,
      (j) => `${eat}/params/${j}`,
      "parameter",
      ctx,
    );
    for (const name of templ) {
      if (!params.some((p) => p.in === "path" && p.name === name))
        ctx.out.push(
          diag("path-param-undeclared", `{${name}} in ${e.path} is not declared in params (in: path)`, `${eat}/path`),
        );
    }
    params.forEach((p, j) => {
      const pat = `${eat}/params/${j}`;
      if (p.in === "path" && !templ.includes(p.name))
        ctx.out.push(diag("path-param-unused", `path parameter "${p.name}" does not appear in ${e.path}`, pat));
      if (p.in === "path" && p.required === false)
        ctx.out.push(diag("schema-violation", `path parameter "${p.name}" cannot be optional`, `${pat}/required`));
      if (p.in !== "header" && !/^[a-z][A-Za-z0-9]*$/.test(p.name))
        ctx.out.push(diag("schema-violation", `${p.in} parameter "${p.name}" must be camelCase`, `${pat}/name`));
      if (p.type === "json") ctx.out.push(diag("type-options-mismatch", "parameters cannot be json", `${pat}/type`));
      checkTyped(ctx, p, pat);
      if (e.response.paginated && p.in === "query" && (p.name === "cursor" || p.name === "limit"))
        ctx.out.push(diag("duplicate-name", `"${p.name}" is added by pagination; remove it`, pat));
      if (e.sparseFields && p.in === "query" && p.name === "fields")
        ctx.out.push(diag("duplicate-name", `"fields" is added by sparseFields; remove it`, pat));
    });

    if (e.body && (e.method === "GET" || e.method === "DELETE"))
      ctx.out.push(diag("body-not-allowed", `${e.method} requests carry no body`, `${eat}/body`));
    const schemaRef = (name: string, where: string) => {
      if (!ctx.schemas.has(name) && !(name === SYNC_FEED_SCHEMA && entitiesSync(d))) {
        ctx.out.push(diag("dangling-reference", `unknown schema or entity "${name}"`, where));
        return false;
      }
      return true;
    };
    if (e.body && schemaRef(e.body.schema, `${eat}/body/schema`)) {
      const entity = ctx.entities.get(e.body.schema);
      if (entity) {
        const shape = e.body.shape ?? defaultShape(e.method);
        if (!entity.fields.some((f) => (f.visibility ?? ["read", "create", "update"]).includes(shape))) {
          ctx.out.push(diag("empty-shape", `${entity.name} has no field visible in its ${shape} shape`, `${eat}/body`));
        }
      } else if (e.body.shape)
        ctx.out.push(diag("type-options-mismatch", "`shape` only applies to entities", `${eat}/body/shape`));
    }
    const r = e.response;
    if (r.schema) schemaRef(r.schema, `${eat}/response/schema`);
    if (r.status === 204 && (r.schema || r.paginated))
      ctx.out.push(
        diag("response-schema-missing", "a 204 response has no body: remove schema/paginated", `${eat}/response`),
      );
    if ((r.status === 200 || r.status === 201 || r.paginated) && !r.schema)
      ctx.out.push(diag("response-schema-missing", `a ${r.status} response needs a schema`, `${eat}/response`));
    if (r.paginated && e.method !== "GET")
      ctx.out.push(diag("type-options-mismatch", "only GET endpoints are paginated", `${eat}/response/paginated`));
    if (e.caching && e.method !== "GET")
      ctx.out.push(diag("type-options-mismatch", "caching applies to GET endpoints", `${eat}/caching`));
    if (e.ifMatch && !["PUT", "PATCH", "DELETE"].includes(e.method))
      ctx.out.push(diag("type-options-mismatch", "ifMatch applies to PUT, PATCH and DELETE", `${eat}/ifMatch`));
    if (e.idempotencyKey && !["POST", "PUT", "PATCH", "DELETE"].includes(e.method))
      ctx.out.push(diag("type-options-mismatch", "idempotencyKey applies to unsafe methods", `${eat}/idempotencyKey`));

    (e.errors ?? []).forEach((c, j) => {
      if (!errorCodes.has(c))
        ctx.out.push(
          diag("dangling-reference", `unknown error code "${c}" (declare it in errors)`, `${eat}/errors/${j}`),
        );
    });
    if (e.rateLimit && !tiers.has(e.rateLimit))
      ctx.out.push(diag("dangling-reference", `unknown rate-limit tier "${e.rateLimit}"`, `${eat}/rateLimit`));
    (e.tags ?? []).forEach((t, j) => {
      if (tags.size > 0 && !tags.has(t))
        ctx.out.push(diag("dangling-reference", `unknown tag "${t}" (declare it in api.tags)`, `${eat}/tags/${j}`));
    });
    const isPublic = e.auth?.public ?? false;
    (e.auth?.schemes ?? []).forEach((s, j) => {
      if (!schemes.has(s))
        ctx.out.push(diag("dangling-reference", `unknown auth scheme "${s}"`, `${eat}/auth/schemes/${j}`));
    });
    (e.auth?.scopes ?? []).forEach((s, j) => {
      if (!scopesDeclared.has(s))
        ctx.out.push(
          diag("dangling-reference", `unknown scope "${s}" (declare it in auth.scopes)`, `${eat}/auth/scopes/${j}`),
        );
    });
    if (isPublic && (e.auth?.schemes || e.auth?.scopes))
      ctx.out.push(diag("type-options-mismatch", "a public endpoint names no schemes or scopes", `${eat}/auth`));
    if (!isPublic && !(e.auth?.schemes ?? d.api.defaultAuth ?? []).length)
      ctx.out.push(
        diag(
          "auth-missing",
          `${e.operationId} is not public but has no auth scheme (set auth.schemes or api.defaultAuth)`,
          eat,
        ),
      );
    if (e.deprecated?.replacement && !ops.has(e.deprecated.replacement))
      ctx.out.push(
        diag(
          "dangling-reference",
          `unknown operationId "${e.deprecated.replacement}"`,
          `${eat}/deprecated/replacement`,
        ),
      );
  });
}

const entitiesSync = (d: Design) => d.data.entities.some((e) => e.sync);

function checkErrorsCatalog(ctx: Ctx) {
  ctx.design.errors.forEach((e, i) => {
    const builtin = BUILTIN_ERRORS.find((b) => b.code === e.code);
    if (builtin && builtin.status !== e.status)
      ctx.out.push(
        diag(
          "error-status-reserved",
          `"${e.code}" is built in with status ${builtin.status}`,
          pointer("errors", i, "status"),
        ),
      );
  });
}

function checkAuth(ctx: Ctx) {
  const auth = ctx.design.auth;
  if (!auth) return;
  const scopes = new Set((auth.scopes ?? []).map((s) => s.name));
  const ops = new Set(ctx.design.api.endpoints.map((e) => e.operationId));
  auth.schemes.forEach((s, i) => {
    const at = pointer("auth", "schemes", i);
    const block = ({ jwt: "jwt", oauth2: "oauth2", "api-key": "apiKey", session: "session" } as const)[s.type];
    if (!s[block])
      ctx.out.push(diag("auth-config-missing", `scheme ${s.name} has type ${s.type} but no \`${block}\` block`, at));
    for (const other of ["jwt", "oauth2", "apiKey", "session"] as const) {
      if (other !== block && s[other])
        ctx.out.push(
          diag(
            "type-options-mismatch",
            `scheme ${s.name} has type ${s.type}; remove the \`${other}\` block`,
            `${at}/${other}`,
          ),
        );
    }
    for (const k of ["signIn", "refresh", "signOut"] as const) {
      const op = s.operations?.[k];
      if (op && !ops.has(op))
        ctx.out.push(diag("dangling-reference", `unknown operationId "${op}"`, `${at}/operations/${k}`));
    }
  });
  (auth.roles ?? []).forEach((r, i) =>
    r.scopes.forEach((s, j) => {
      if (!scopes.has(s))
        ctx.out.push(diag("dangling-reference", `unknown scope "${s}"`, pointer("auth", "roles", i, "scopes", j)));
    }),
  );
}

function checkArchitecture(ctx: Ctx) {
  const arch = ctx.design.architecture;
  if (!arch) return;
  const entities = new Set(ctx.design.data.entities.map((e) => e.name));
  const names = new Set([...(arch.services ?? []), ...(arch.components ?? [])].map((x) => x.name));
  const sync = entitiesSync(ctx.design);
  const tags = new Set([
    ...(ctx.design.api.tags ?? []).map((t) => t.name),
    ...ctx.design.api.endpoints.flatMap((e) => e.tags ?? []),
    ...(sync ? ["Sync"] : []),
  ]);
  const ops = new Set([
    ...ctx.design.api.endpoints.map((e) => e.operationId),
    ...(sync ? [ctx.design.api.sync?.operationId ?? "listChanges"] : []),
  ]);
  const owner = new Map<string, string>();
  (arch.services ?? []).forEach((s, i) => {
    const at = pointer("architecture", "services", i);
    (s.entities ?? []).forEach((e, j) => {
      if (!entities.has(e)) ctx.out.push(diag("dangling-reference", `unknown entity "${e}"`, `${at}/entities/${j}`));
      else if (owner.has(e))
        ctx.out.push(
          diag("duplicate-name", `entity ${e} is already owned by service ${owner.get(e)}`, `${at}/entities/${j}`),
        );
      else owner.set(e, s.name);
    });
    (s.uses ?? []).forEach((u, j) => {
      if (!names.has(u))
        ctx.out.push(diag("dangling-reference", `unknown service or component "${u}"`, `${at}/uses/${j}`));
    });
    (s.tags ?? []).forEach((t, j) => {
      if (!tags.has(t)) ctx.out.push(diag("dangling-reference", `unknown tag "${t}"`, `${at}/tags/${j}`));
    });
  });
  (arch.performance ?? []).forEach((p, i) => {
    const at = pointer("architecture", "performance", i);
    if (p.p95Ms > p.p99Ms) ctx.out.push(diag("invalid-limits", `p95 ${p.p95Ms} ms exceeds p99 ${p.p99Ms} ms`, at));
    (p.operations ?? []).forEach((o, j) => {
      if (!ops.has(o)) ctx.out.push(diag("dangling-reference", `unknown operationId "${o}"`, `${at}/operations/${j}`));
    });
  });
}

function checkUnused(ctx: Ctx) {
  const d = ctx.design;
  const usedEnums = new Set<string>();
  const typedNodes = [
    ...d.data.entities.flatMap((x) => x.fields),
    ...(d.schemas ?? []).flatMap((s) => s.properties),
    ...d.api.endpoints.flatMap((e) => e.params ?? []),
  ];
  for (const t of typedNodes) {
    if (t.enum) usedEnums.add(t.enum);
    if (t.items?.enum) usedEnums.add(t.items.enum);
  }
  (d.data.enums ?? []).forEach((e, i) => {
    if (!usedEnums.has(e.name)) {
      ctx.out.push(diag("unused-definition", `enum ${e.name} is never used`, pointer("data", "enums", i)));
    }
  });
  const referenced = new Set(d.api.endpoints.flatMap((e) => [e.body?.schema, e.response.schema]).filter(Boolean));
  for (const p of (d.schemas ?? []).flatMap((s) => s.properties)) {
    if (p.ref) referenced.add(p.ref);
    if (p.items?.ref) referenced.add(p.items.ref);
  }
  (d.schemas ?? []).forEach((s, i) => {
    if (!referenced.has(s.name))
      ctx.out.push(diag("unused-definition", `schema ${s.name} is not used by any endpoint`, pointer("schemas", i)));
  });
  const codes = new Set(d.api.endpoints.flatMap((e) => e.errors ?? []));
  d.errors.forEach((e, i) => {
    if (!codes.has(e.code) && !BUILTIN_ERRORS.some((b) => b.code === e.code))
      ctx.out.push(diag("unused-definition", `error ${e.code} is not returned by any endpoint`, pointer("errors", i)));
  });
  const tiers = new Set([d.api.defaultRateLimit, d.api.sync?.rateLimit, ...d.api.endpoints.map((e) => e.rateLimit)]);
  (d.rateLimits ?? []).forEach((r, i) => {
    if (!tiers.has(r.name))
      ctx.out.push(diag("unused-definition", `rate-limit tier ${r.name} is not used`, pointer("rateLimits", i)));
  });
}
