/**
 * The Claude side of the repair loop: one conversation over @anthropic-ai/sdk, streamed.
 *
 * The design comes back as the input of the `submit_design` tool (see schema.ts for why not
 * JSON outputs). `tool_choice` stays `auto`: current models (Sonnet 5.5, Opus 5.5) reject forced
 * tool choice with a 400, so the system prompt asks for the call and an answer without one is
 * sent back as a repair. Diagnostics return as an `is_error` tool_result on that call, so the
 * model sees them in context. Cache breakpoints: the tool definition, the system prompt and the
 * latest user turn (so each repair reads the previous design from the cache).
 *
 * Retries: the SDK retries 408/409/429/5xx/529 and connection errors before a stream starts
 * (`maxRetries`, honouring retry-after); errors that arrive inside an open stream (an SSE
 * `error` event such as overloaded_error) are retried here with exponential backoff. A stream
 * that goes silent for `idleTimeoutMs` is aborted and reported as a timeout.
 */
import type Anthropic from "@anthropic-ai/sdk";
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import type {
  ContentBlock,
  ContentBlockParam,
  Message,
  MessageCreateParamsNonStreaming,
  MessageParam,
  Tool,
  ToolResultBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import type { Diagnostic } from "../design/diagnostics.ts";
import { DESIGN_TOOL_NAME, designInputSchema } from "./schema.ts";
import { firstUserMessage, repairMessage, systemPrompt } from "./prompt.ts";
import { addUsage, emptyUsage, type Usage } from "./models.ts";
import type { DesignModel, Failure, ModelReply } from "./repair.ts";
import { ReplayError } from "./cassette.ts";

const DEFAULT_MAX_TOKENS = 64_000;

export interface Progress {
  phase: "waiting" | "streaming" | "retrying";
  /** 0 for the first answer, 1… for repairs. */
  round: number;
  /** Output tokens so far in this answer: estimated while streaming (≈4 characters a token), exact at the end. */
  tokens: number;
  /** Retry attempt of this round (0 when none). */
  attempt: number;
}

export interface ClaudeDesignerOptions {
  client: Anthropic;
  model: string;
  brief: string;
  /** The design to revise (`--from`), as text. */
  existing?: string;
  maxTokens?: number;
  /** Abort a stream that sends nothing for this long (ms). */
  idleTimeoutMs?: number;
  /** Retries of errors raised inside an open stream. */
  streamRetries?: number;
  /** Backoff sleep (tests pass an instant one). */
  sleep?: (ms: number) => Promise<void>;
  onProgress?: (p: Progress) => void;
}

const EPHEMERAL = { type: "ephemeral" } as const;
const RETRYABLE_STREAM_ERRORS = new Set(["overloaded_error", "api_error", "rate_limit_error", "timeout_error"]);

/** The request for the current conversation: the same prefix (tool, system) on every turn. */
function buildRequest(
  model: string,
  maxTokens: number,
  messages: readonly MessageParam[],
): MessageCreateParamsNonStreaming {
  return {
    model,
    max_tokens: maxTokens,
    system: [{ type: "text", text: systemPrompt(), cache_control: EPHEMERAL }],
    tools: [
      {
        name: DESIGN_TOOL_NAME,
        description:
          "Submit the complete backend design. contractor validates it, builds every artifact and returns any diagnostics as the tool result.",
        input_schema: designInputSchema() as Tool.InputSchema,
        cache_control: EPHEMERAL,
      },
    ],
    tool_choice: { type: "auto" },
    messages: withLastTurnCached(messages),
  };
}

/** Adds a cache breakpoint to the last block of the last user turn (a copy; history stays clean). */
function withLastTurnCached(messages: readonly MessageParam[]): MessageParam[] {
  const out = [...messages];
  const last = out[out.length - 1];
  if (!last || last.role !== "user") return out;
  const blocks: ContentBlockParam[] =
    typeof last.content === "string" ? [{ type: "text", text: last.content }] : [...last.content];
  const tail = blocks[blocks.length - 1];
  if (tail) blocks[blocks.length - 1] = { ...tail, cache_control: EPHEMERAL } as ContentBlockParam;
  out[out.length - 1] = { role: "user", content: blocks };
  return out;
}

/** Response blocks as request blocks, passed back unchanged (thinking blocks keep their signature). */
function toParam(block: ContentBlock): ContentBlockParam {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "thinking":
      return { type: "thinking", thinking: block.thinking, signature: block.signature };
    case "redacted_thinking":
      return { type: "redacted_thinking", data: block.data };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: block.input };
    default:
      return block as unknown as ContentBlockParam;
  }
}

const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ClaudeDesigner implements DesignModel {
  /** The conversation so far (what the next request sends). */
  readonly messages: MessageParam[] = [];
  usage: Usage = emptyUsage();
  /** stop_reason of each answer, in order. */
  readonly stopReasons: string[] = [];
  private readonly options: ClaudeDesignerOptions;
  private pendingToolUses: string[] = [];
  private round = 0;

  constructor(options: ClaudeDesignerOptions) {
    this.options = options;
  }

  async start(): Promise<ModelReply> {
    this.messages.push({ role: "user", content: firstUserMessage(this.options.brief, this.options.existing) });
    return this.answer();
  }

  async repair(errors: readonly Diagnostic[]): Promise<ModelReply> {
    this.round++;
    const text = repairMessage(errors);
    if (this.pendingToolUses.length === 0) {
      this.messages.push({ role: "user", content: text });
    } else {
      // Every tool_use needs its tool_result; the design came from the last call.
      const results: ToolResultBlockParam[] = this.pendingToolUses.map((id, i, all) => ({
        type: "tool_result",
        tool_use_id: id,
        is_error: true,
        content: i === all.length - 1 ? text : `Superseded by your later ${DESIGN_TOOL_NAME} call in the same answer.`,
      }));
      this.messages.push({ role: "user", content: results });
    }
    return this.answer();
  }

  private async answer(): Promise<ModelReply> {
    const result = await this.send();
    if ("kind" in result) return { kind: "failed", failure: result };
    const message = result;
    this.stopReasons.push(message.stop_reason ?? "null");
    this.usage = addUsage(this.usage, {
      inputTokens: message.usage.input_tokens,
      outputTokens: message.usage.output_tokens,
      cacheCreationInputTokens: message.usage.cache_creation_input_tokens ?? 0,
      cacheReadInputTokens: message.usage.cache_read_input_tokens ?? 0,
      requests: 1,
    });
    const said = message.content
      .flatMap((b) => (b.type === "text" ? [b.text.trim()] : []))
      .filter(Boolean)
      .join(" ");
    if (message.stop_reason === "refusal") {
      return {
        kind: "failed",
        failure: {
          kind: "refusal",
          message: `the model declined to answer (stop_reason refusal)${said ? `: ${said.slice(0, 300)}` : ""}`,
        },
      };
    }
    if (message.stop_reason === "max_tokens" || message.stop_reason === "model_context_window_exceeded") {
      return {
        kind: "failed",
        failure: {
          kind: "truncated",
          message: `the answer was cut off (stop_reason ${message.stop_reason}) after ${message.usage.output_tokens} output tokens; the design is incomplete`,
        },
      };
    }
    this.messages.push({ role: "assistant", content: message.content.map(toParam) });
    const calls = message.content.filter(
      (b): b is Extract<ContentBlock, { type: "tool_use" }> => b.type === "tool_use",
    );
    this.pendingToolUses = calls.map((c) => c.id);
    const submit = calls.filter((c) => c.name === DESIGN_TOOL_NAME).pop();
    return { kind: "design", design: submit?.input };
  }

  /** One answer, streamed; mid-stream failures retried with backoff. */
  private async send(): Promise<Message | Failure> {
    const retries = this.options.streamRetries ?? 3;
    const sleep = this.options.sleep ?? sleepMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.streamOnce(attempt);
      } catch (error) {
        const { failure, retryable } = classify(error);
        if (!retryable || attempt >= retries) return failure;
        this.options.onProgress?.({ phase: "retrying", round: this.round, tokens: 0, attempt: attempt + 1 });
        await sleep(Math.min(1000 * 2 ** attempt, 16_000));
      }
    }
  }

  private async streamOnce(attempt: number): Promise<Message> {
    const { client, model, onProgress } = this.options;
    const params = buildRequest(model, this.options.maxTokens ?? DEFAULT_MAX_TOKENS, this.messages);
    onProgress?.({ phase: "waiting", round: this.round, tokens: 0, attempt });
    const stream = client.messages.stream(params);
    let chars = 0;
    let idle: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    const idleMs = this.options.idleTimeoutMs;
    const arm = () => {
      if (idleMs === undefined) return;
      if (idle) clearTimeout(idle);
      idle = setTimeout(() => {
        timedOut = true;
        stream.abort();
      }, idleMs);
    };
    arm();
    stream.on("streamEvent", (event) => {
      arm();
      if (event.type === "content_block_delta") {
        const d = event.delta;
        chars +=
          d.type === "text_delta"
            ? d.text.length
            : d.type === "input_json_delta"
              ? d.partial_json.length
              : d.type === "thinking_delta"
                ? d.thinking.length
                : 0;
        onProgress?.({ phase: "streaming", round: this.round, tokens: Math.round(chars / 4), attempt });
      }
    });
    try {
      const message = await stream.finalMessage();
      onProgress?.({ phase: "streaming", round: this.round, tokens: message.usage.output_tokens, attempt });
      return message;
    } catch (error) {
      if (timedOut && error instanceof APIUserAbortError) throw new IdleTimeout(idleMs!);
      throw error;
    } finally {
      if (idle) clearTimeout(idle);
    }
  }
}

class IdleTimeout extends Error {
  readonly ms: number;
  constructor(ms: number) {
    super(`the stream sent nothing for ${Math.round(ms / 1000)} s`);
    this.ms = ms;
  }
}

/** Maps an error from the SDK (or our fetch wrappers) to an outcome; messages never carry headers. */
function classify(error: unknown): { failure: Failure; retryable: boolean } {
  const cause = (error as { cause?: unknown })?.cause;
  if (error instanceof ReplayError || cause instanceof ReplayError) {
    return {
      failure: {
        kind: "replay-mismatch",
        message: (error instanceof ReplayError ? error : (cause as ReplayError)).message,
      },
      retryable: false,
    };
  }
  if (error instanceof IdleTimeout)
    return { failure: { kind: "timeout", message: `timed out: ${error.message}` }, retryable: false };
  if (error instanceof APIConnectionTimeoutError)
    return {
      failure: {
        kind: "timeout",
        message: "timed out waiting for the API (after the SDK's retries); raise --timeout or try again",
      },
      retryable: false,
    };
  if (error instanceof APIConnectionError)
    return { failure: { kind: "api-error", message: `cannot reach the API: ${error.message}` }, retryable: false };
  if (error instanceof APIError) {
    const type = error.type ?? "";
    const overloaded = error.status === 529 || type === "overloaded_error";
    const detail = `${error.status ?? "stream"} ${type}${error.apiMessage ? `: ${error.apiMessage}` : ""}`.trim();
    if (error.status === undefined) {
      // An `error` event inside an open stream: the SDK cannot retry it, we can.
      return {
        failure: { kind: overloaded ? "overloaded" : "api-error", message: `the API failed mid-stream (${detail})` },
        retryable: RETRYABLE_STREAM_ERRORS.has(type),
      };
    }
    if (overloaded)
      return {
        failure: {
          kind: "overloaded",
          message: `the API is overloaded (${detail}) and stayed so through the retries; try again later`,
        },
        retryable: false,
      };
    if (error.status === 401)
      return {
        failure: {
          kind: "api-error",
          message: "the API rejected the key (401 authentication_error); check ANTHROPIC_API_KEY",
        },
        retryable: false,
      };
    return { failure: { kind: "api-error", message: `the API returned ${detail}` }, retryable: false };
  }
  return {
    failure: { kind: "api-error", message: `request failed: ${(error as Error)?.message ?? String(error)}` },
    retryable: false,
  };
}
