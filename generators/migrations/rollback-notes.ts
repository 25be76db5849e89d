/**
 * What the down of a migration does to data, read from its up statements: one sentence per step
 * that loses or changes rows or values. CHANGES.md and DESIGN.md show them beside the rollback.
 */
import { enumReplacements, type Statement } from "./statements.ts";

const tick = (s: string) => "`" + s.replace(/`/g, "'") + "`";

/**
 * What the down of migration `name` (planned from `up`) does not restore or changes in the data,
 * one sentence per step, in the order of the up: rows and values dropped by the up come back
 * empty or as placeholders, values written since the up into new objects are dropped, enum values
 * added by the up are mapped to a kept neighbour, and types converted back may not fit.
 */
export function rollbackNotes(name: string, up: readonly Statement[]): string[] {
  const down = `down of ${name}`;
  const col = (table: string, column: string) => tick(`${table}.${column}`);
  const notes: string[] = [];
  /** The down converts `type` from the list `from` to the list `to`. */
  const enumDown = (type: string, from: string[], to: string[]) => {
    for (const [value, near] of enumReplacements(from, to))
      notes.push(`${down} removes value ${tick(value)} from enum ${tick(type)}: rows holding it get ${tick(near)}`);
  };
  for (const s of up) {
    switch (s.kind) {
      case "drop_table":
        notes.push(`${down} re-creates table ${tick(s.table.name)} empty: its rows are not restored`);
        break;
      case "drop_column": {
        const how =
          s.backfill !== undefined
            ? `with the placeholder ${tick(s.backfill)} in every row`
            : s.column.default !== undefined
              ? `with its default ${tick(s.column.default)} in every row`
              : s.column.identity
                ? "with new identity values"
                : "empty (NULL)";
        notes.push(`${down} re-creates column ${col(s.table, s.column.name)} ${how}: its values are not restored`);
        break;
      }
      case "create_table":
        notes.push(`${down} drops table ${tick(s.table.name)} and the rows written to it`);
        break;
      case "add_column":
        notes.push(`${down} drops column ${col(s.table, s.column.name)} and the values written to it`);
        break;
      case "drop_not_null":
        if (s.backfill !== undefined)
          notes.push(
            `${down} makes ${col(s.table, s.column)} NOT NULL again: NULLs written since are set to ${tick(s.backfill)}`,
          );
        break;
      case "set_not_null":
        if (s.backfill !== undefined)
          notes.push(
            `${down} makes ${col(s.table, s.column)} nullable again: the NULLs the up replaced with ${tick(s.backfill)} are not restored`,
          );
        break;
      case "alter_column_type":
        notes.push(
          s.downUsing !== undefined
            ? `${down} converts ${col(s.table, s.column)} back from ${tick(s.to)} to ${tick(s.from)} with ${tick(s.downUsing)}: a value that does not fit ${tick(s.from)} is cut or replaced`
            : `${down} converts ${col(s.table, s.column)} back from ${tick(s.to)} to ${tick(s.from)}: a value that does not fit ${tick(s.from)} makes the down fail`,
        );
        break;
      case "drop_constraint":
        notes.push(
          s.constraint.type === "check"
            ? `${down} re-adds check ${tick(s.constraint.name)} on ${tick(s.table)}: rows written since that break it make the down fail`
            : `${down} re-adds ${s.constraint.type === "unique" ? "unique constraint" : "primary key"} ${tick(s.constraint.name)} on ${tick(s.table)}: rows repeating an earlier row's (${s.constraint.columns.join(", ")}) are deleted`,
        );
        break;
      case "drop_foreign_key":
        notes.push(
          s.orphans
            ? `${down} re-adds foreign key ${tick(s.fk.name)} on ${tick(s.fk.table)}: rows whose key matches no ${tick(s.fk.refTable)} row get ${s.orphans === "null" ? "NULL" : `the key of the first ${tick(s.fk.refTable)} row, and are deleted when it has none`}`
            : `${down} re-adds foreign key ${tick(s.fk.name)} on ${tick(s.fk.table)}: rows written since that reference no ${tick(s.fk.refTable)} row make the down fail`,
        );
        break;
      case "drop_index":
        if (s.index.unique)
          notes.push(
            s.index.where
              ? `${down} re-creates partial unique index ${tick(s.index.name)}: duplicates written since make the down fail`
              : `${down} re-creates unique index ${tick(s.index.name)}: rows repeating an earlier row's (${s.index.columns.join(", ")}) are deleted`,
          );
        break;
      // An added value's rebuild already goes the down's way (with the value → without).
      case "add_enum_value":
        enumDown(s.type, s.rebuild.from, s.rebuild.to);
        break;
      case "rebuild_enum":
        enumDown(s.rebuild.type, s.rebuild.to, s.rebuild.from);
        break;
      default:
        break;
    }
  }
  return notes;
}
