/**
 * The repair loop, independent of any model: ask for a design, check it with the same pipeline
 * as `build`, send the error diagnostics back, and repeat at most `maxRepairs` times. The model
 * is anything implementing `DesignModel` (Claude in claude.ts, a scripted fake in tests); the
 * check is any function from a candidate design to diagnostics (draft.ts passes `build`).
 */
import type { Diagnostic } from "../design/diagnostics.ts";
import { hasErrors } from "../design/diagnostics.ts";

/** Why a model produced no design at all: each maps to one exit code (see draft.ts). */
const FAILURES = ["refusal", "truncated", "timeout", "overloaded", "api-error", "replay-mismatch"] as const;
type FailureKind = (typeof FAILURES)[number];

export interface Failure {
  kind: FailureKind;
  message: string;
}

/** A model's answer: a candidate design (`undefined` when it answered without one), or a failure. */
export type ModelReply = { kind: "design"; design: unknown } | { kind: "failed"; failure: Failure };

export interface DesignModel {
  /** The first answer to the brief. */
  start(): Promise<ModelReply>;
  /** The answer to the errors found in the previous reply, in the same conversation. */
  repair(errors: readonly Diagnostic[]): Promise<ModelReply>;
}

/** Checks a candidate design; `undefined` means the model sent none. */
export type DesignCheck = (design: unknown) => Promise<Diagnostic[]>;

export interface Round {
  /** 0 is the first answer; 1… are repairs. */
  round: number;
  /** Error diagnostics found in this round's design. */
  errors: Diagnostic[];
  /** Errors of the previous round that this round's design no longer has. */
  fixed: Diagnostic[];
  /** Errors this round's design has that the previous one did not. */
  introduced: Diagnostic[];
}

export type RepairOutcome = "ok" | "invalid" | FailureKind;

export interface RepairResult {
  outcome: RepairOutcome;
  /** The accepted design (outcome ok). */
  design?: unknown;
  rounds: Round[];
  /** Every diagnostic of the last check (errors, warnings, infos). */
  diagnostics: Diagnostic[];
  failure?: Failure;
}

export interface RepairOptions {
  /** Repairs allowed after the first answer (default 3). */
  maxRepairs?: number;
  /** Called after each round is checked. */
  onRound?: (round: Round) => void;
  /** Called before the model is asked (round 0 for the first answer). */
  onAsk?: (round: number) => void;
}

const key = (d: Diagnostic) => `${d.code}\u0000${d.path}`;

/** Runs the loop; never throws for model or design problems (they are outcomes). */
export async function repairLoop(
  model: DesignModel,
  check: DesignCheck,
  options: RepairOptions = {},
): Promise<RepairResult> {
  const maxRepairs = options.maxRepairs ?? 3;
  const rounds: Round[] = [];
  let previous: Diagnostic[] = [];
  options.onAsk?.(0);
  let reply = await model.start();
  for (let round = 0; ; round++) {
    if (reply.kind === "failed")
      return { outcome: reply.failure.kind, rounds, diagnostics: previous, failure: reply.failure };
    const diagnostics = await check(reply.design);
    const errors = diagnostics.filter((d) => d.severity === "error");
    const now = new Set(errors.map(key));
    const before = new Set(previous.map(key));
    const entry: Round = {
      round,
      errors,
      fixed: previous.filter((d) => !now.has(key(d))),
      introduced: round === 0 ? [] : errors.filter((d) => !before.has(key(d))),
    };
    rounds.push(entry);
    options.onRound?.(entry);
    if (!hasErrors(diagnostics)) return { outcome: "ok", design: reply.design, rounds, diagnostics };
    if (round >= maxRepairs) return { outcome: "invalid", rounds, diagnostics };
    previous = errors;
    options.onAsk?.(round + 1);
    reply = await model.repair(errors);
  }
}
