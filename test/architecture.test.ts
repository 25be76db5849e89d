/**
 * Import rules of src/ and generators/, read from the sources (TypeScript's own import scanner,
 * type-only and dynamic imports included):
 * - no import cycle between files, and none between the artifact folders of generators/;
 * - generators/ and src/design/ never import the CLI (src/cli/) or the agent (src/agent/);
 * - src/ and generators/ never import test/ or bench/.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

// Not from helpers.ts: that loads the whole pipeline, and this test only reads files.
const repoRoot = fileURLToPath(new URL("..", import.meta.url));

type Graph = ReadonlyMap<string, readonly string[]>;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** file (repo-relative) → the repo-relative paths its relative specifiers name; packages are left out. */
function importGraph(roots: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of roots.flatMap((r) => tsFiles(join(repoRoot, r))).sort()) {
    const { importedFiles } = ts.preProcessFile(
      readFileSync(file, "utf8"),
      /* readImportFiles */ true,
      /* detectJavaScriptImports */ true,
    );
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((s) => s.startsWith("./") || s.startsWith("../"))
      .map((s) =>
        relative(repoRoot, resolve(dirname(file), s))
          .split("\\")
          .join("/"),
      );
    graph.set(relative(repoRoot, file).split("\\").join("/"), [...new Set(targets)].sort());
  }
  return graph;
}

/** Every strongly connected component with more than one node or a self-import, each as one concrete cycle (a → … → a). */
export function findCycles(graph: Graph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((component) => cycleIn(graph, new Set(component)));
}

/** A shortest path from the component's first node (in sorted order) back to itself. */
function cycleIn(graph: Graph, component: ReadonlySet<string>): string[] {
  const start = [...component].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = previous.get(u)!) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** The graph between generators/ folders (`generators/migrations`, …), from the file graph. */
function folderGraph(graph: Graph): Map<string, string[]> {
  const folder = (path: string) => /^generators\/[^/]+\//.exec(path)?.[0].slice(0, -1);
  const out = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = folder(file);
    if (!from) continue;
    const set = out.get(from) ?? new Set<string>();
    out.set(from, set);
    for (const t of targets) {
      const to = folder(t);
      if (to && to !== from) set.add(to);
    }
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}

/** Imports that break a layer rule, as `from -> to (rule)`. */
function layerViolations(graph: Graph): string[] {
  const rules: Array<{ rule: string; from: RegExp; to: RegExp }> = [
    {
      rule: "generators and the design layer do not import the CLI or the agent",
      from: /^(generators|src\/design)\//,
      to: /^src\/(cli|agent)\//,
    },
    {
      rule: "generators import only the bottom layer (src/core: the artifact contract, options) and src/design",
      from: /^generators\//,
      to: /^src\/(?!core\/|design\/)/,
    },
    {
      rule: "the bottom layer imports only src/design",
      from: /^src\/(core|design)\//,
      to: /^(src\/(?!core\/|design\/)|generators\/)/,
    },
    { rule: "library code does not import tests or benchmarks", from: /^(src|generators)\//, to: /^(test|bench)\// },
  ];
  const out: string[] = [];
  for (const [file, targets] of graph) {
    for (const t of targets)
      for (const r of rules) if (r.from.test(file) && r.to.test(t)) out.push(`${file} -> ${t} (${r.rule})`);
  }
  return out;
}

/**
 * Cycles known and accepted, each with its reason, as `a -> b -> a` strings. Empty: every cycle
 * found is a failure. An entry here must say why the cycle cannot be broken yet.
 */
const ALLOWED_CYCLES: ReadonlyArray<{ cycle: string; reason: string }> = [];

const show = (cycle: readonly string[]) => cycle.join(" -> ");

describe("architecture", () => {
  const graph = importGraph(["src", "generators"]);

  it("reads the sources (the graph is not empty and sees known imports)", () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get("generators/evolution/output.ts")).toContain("generators/migrations/derive.ts");
    expect(graph.get("src/pipeline/check-worker.ts")).toContain("generators/worker-modules.ts");
    expect(graph.get("generators/migrations/engine.ts")).toContain("generators/migrations/catalog.ts");
  });

  it("has no import cycle between files", () => {
    const allowed = new Set(ALLOWED_CYCLES.map((c) => c.cycle));
    expect(
      findCycles(graph)
        .map(show)
        .filter((c) => !allowed.has(c)),
    ).toStrictEqual([]);
  });

  it("has no import cycle between the artifact folders of generators/", () => {
    expect(findCycles(folderGraph(graph)).map(show)).toStrictEqual([]);
  });

  it("keeps the layers: generators import only src/core and src/design, the bottom layer nothing above it, no library import of test/ or bench/", () => {
    expect(layerViolations(graph)).toStrictEqual([]);
  });

  describe("the checks themselves catch what they look for", () => {
    it("finds a file cycle and a self-import, and reports each as a closed path", () => {
      const g = new Map([
        ["a.ts", ["b.ts"]],
        ["b.ts", ["c.ts", "x.ts"]],
        ["c.ts", ["a.ts"]],
        ["d.ts", ["d.ts"]],
        ["x.ts", []],
      ]);
      expect(findCycles(g).map(show).sort()).toStrictEqual(["a.ts -> b.ts -> c.ts -> a.ts", "d.ts -> d.ts"]);
    });

    it("finds a cycle between generator folders made of files that are not a file cycle", () => {
      const g = new Map([
        ["generators/migrations/index.ts", ["generators/evolution/report.ts"]],
        ["generators/evolution/report.ts", []],
        ["generators/evolution/index.ts", ["generators/migrations/derive.ts"]],
        ["generators/migrations/derive.ts", []],
      ]);
      expect(findCycles(g)).toStrictEqual([]);
      expect(findCycles(folderGraph(g)).map(show)).toStrictEqual([
        "generators/evolution -> generators/migrations -> generators/evolution",
      ]);
    });

    it("flags an upward import and an import of test code", () => {
      const g = new Map([
        ["generators/migrations/history.ts", ["src/cli/package-files.ts", "src/design/types.ts"]],
        ["src/pipeline/build.ts", ["test/helpers.ts"]],
        ["generators/openapi/index.ts", ["src/pipeline/build.ts", "src/core/artifact.ts"]],
        ["src/core/artifact.ts", ["generators/model.ts", "src/design/schema.ts"]],
      ]);
      expect(layerViolations(g)).toHaveLength(5); // the CLI import breaks two rules
    });
  });
});
