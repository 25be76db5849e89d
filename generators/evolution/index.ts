/**
 * Design evolution as an artifact: `design.json` (the design of this build as written, with the
 * format and contractor version, what the next build diffs against) and `CHANGES.md` (the PR-ready
 * report of the change since the last release). The migrations, the lock and their checks are the
 * SQL artifact's (generators/migrations); the report is derived with the build's model
 * (output.ts, from the one migrations value), so nothing here plans a migration.
 */
import type { Artifact } from "../../src/core/artifact.ts";
import type { ModelContext } from "../model.ts";

export { evolutionReport } from "./output.ts";

export const evolutionArtifact: Artifact<ModelContext> = {
  name: "evolution",
  generate: ({ model }) => model.evolution,
};
