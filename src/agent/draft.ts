/**
 * `draft`: a brief in, a checked design out. Claude proposes the design (claude.ts), the same
 * pipeline as `build` checks it in memory — schema, semantic checks, every generator and every
 * artifact checker registered in generators/index.ts — and the repair loop (repair.ts) sends
 * the errors back until the design is clean or the repairs run out.
 */
import type Anthropic from "@anthropic-ai/sdk";
import { stringify } from "yaml";
import { build } from "../pipeline/build.ts";
import { diagnosticsFor, type Diagnostic } from "../design/diagnostics.ts";
import { agentCodes } from "./codes.ts";
import { ClaudeDesigner, type Progress } from "./claude.ts";
import { repairLoop, type Failure, type RepairOutcome, type Round } from "./repair.ts";
import { DEFAULT_MODEL, estimateCost, type Usage } from "./models.ts";

const diag = diagnosticsFor(agentCodes);

export interface DraftOptions {
  brief: string;
  /** The design to revise, as text (`--from`). */
  existing?: string;
  client: Anthropic;
  model?: string;
  maxRepairs?: number;
  /** Run the migrations on the real engine while checking (default true, as build). */
  engine?: boolean;
  maxTokens?: number;
  idleTimeoutMs?: number;
  streamRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  onProgress?: (p: Progress) => void;
  onRound?: (r: Round) => void;
}

export interface DraftResult {
  outcome: RepairOutcome;
  model: string;
  /** The accepted design as YAML (outcome ok). */
  yaml?: string;
  design?: unknown;
  rounds: Round[];
  /** Diagnostics of the last check. */
  diagnostics: Diagnostic[];
  failure?: Failure;
  usage: Usage;
  cost: number | "unknown";
  stopReasons: string[];
}

/** Exit code per outcome: 0 ok, 1 design still invalid, 3 the model gave no usable answer, 4 the API failed. */
export const EXIT_CODES: Readonly<Record<RepairOutcome, number>> = {
  ok: 0,
  invalid: 1,
  refusal: 3,
  truncated: 3,
  timeout: 4,
  overloaded: 4,
  "api-error": 4,
  "replay-mismatch": 4,
};

/** The check of the repair loop: an in-memory build (no `out`, nothing written). */
export function pipelineCheck(options: { engine?: boolean } = {}) {
  return async (design: unknown): Promise<Diagnostic[]> => {
    if (design === undefined)
      return [diag("no-design", "the answer did not call submit_design, so there is no design to check", "")];
    const result = await build({ text: JSON.stringify(design), name: "design" }, { engine: options.engine ?? true });
    return result.diagnostics;
  };
}

/** The design as YAML, the way a person would write it (no line folding, LF, one trailing newline). */
function designYaml(design: unknown): string {
  return stringify(design, { lineWidth: 0 });
}

export async function draft(options: DraftOptions): Promise<DraftResult> {
  const model = options.model ?? DEFAULT_MODEL;
  const designer = new ClaudeDesigner({
    client: options.client,
    model,
    brief: options.brief,
    ...(options.existing !== undefined ? { existing: options.existing } : {}),
    ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    ...(options.streamRetries !== undefined ? { streamRetries: options.streamRetries } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const result = await repairLoop(designer, pipelineCheck({ engine: options.engine ?? true }), {
    maxRepairs: options.maxRepairs ?? 3,
    ...(options.onRound ? { onRound: options.onRound } : {}),
  });
  return {
    outcome: result.outcome,
    model,
    ...(result.outcome === "ok" ? { design: result.design, yaml: designYaml(result.design) } : {}),
    rounds: result.rounds,
    diagnostics: result.diagnostics,
    ...(result.failure ? { failure: result.failure } : {}),
    usage: designer.usage,
    cost: estimateCost(model, designer.usage),
    stopReasons: designer.stopReasons,
  };
}
