/**
 * The one place TypeScript text is produced: ts-morph statement structures printed once by
 * `printStructure` (no source file, no re-parse) with fixed formatting — 2 spaces, LF, the
 * fixed generated header, one trailing newline.
 */
import {
  printStructure,
  StructureKind,
  type CodeBlockWriter,
  type JSDocStructure,
  type OptionalKind,
  type StatementStructures,
  type WriterFunction,
} from "ts-morph";
import { generatedHeader } from "../../src/core/artifact.ts";

export type Statement = string | WriterFunction | StatementStructures;

/** A JSDoc structure list for `docs:` (empty when there is nothing to say). */
export function jsDoc(
  text: string | undefined,
  tags: Array<{ tagName: string; text?: string }> = [],
): Array<OptionalKind<JSDocStructure>> {
  if (!text && tags.length === 0) return [];
  return [{ ...(text ? { description: text } : {}), ...(tags.length ? { tags } : {}) }];
}

/** Lines of a block; a nested `{ head, lines, tail }` is written one level deeper. */
export type Lines = ReadonlyArray<string | { head: string; lines: Lines; tail: string }>;

function writeLines(w: CodeBlockWriter, lines: Lines): void {
  for (const line of lines) {
    if (typeof line === "string") {
      w.writeLine(line);
    } else {
      w.writeLine(line.head);
      w.indent(() => writeLines(w, line.lines));
      w.writeLine(line.tail);
    }
  }
}

/** A JSDoc block as text (`/** … *\/`), one line when the text is one line. */
export function docComment(text: string | undefined): string[] {
  if (!text) return [];
  const lines = text.split("\n");
  return lines.length === 1 ? [`/** ${lines[0]} */`] : ["/**", ...lines.map((l) => (l ? ` * ${l}` : " *")), " */"];
}

/**
 * A top-level statement whose body is a nested block (the endpoint map, constant tables). ts-morph
 * prints multi-line property types and initializers with a hanging indent, so these are written
 * as statement writers, where code-block-writer's own indentation applies.
 */
export function blockStatement(doc: string | undefined, head: string, lines: Lines, tail: string): WriterFunction {
  return (w: CodeBlockWriter) => {
    for (const l of docComment(doc)) w.writeLine(l);
    w.writeLine(head);
    w.indent(() => writeLines(w, lines));
    w.write(tail);
  };
}

/** Serialises statements one blank line apart, with one trailing newline. */
export function printStatements(statements: Statement[]): string {
  const options = { indentNumberOfSpaces: 2, newLine: "\n" } as const;
  const parts = statements.map((statement) =>
    printStructure({ kind: StructureKind.SourceFile, statements: [statement] }, options).trim(),
  );
  return `${parts.join("\n\n")}\n`;
}

/** Serialises statements into the file text: the generated header, then `printStatements`. */
export function printFile(statements: Statement[]): string {
  return `${generatedHeader("//")}\n${printStatements(statements)}`;
}
