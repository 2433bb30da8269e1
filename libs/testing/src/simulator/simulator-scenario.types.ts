/** The upstream providers the simulator impersonates. */
export type SimulatedProvider = 'openai' | 'anthropic' | 'gemini';

/**
 * Why the simulated model stopped, in OpenAI's vocabulary; each wire maps it to its own value
 * (Anthropic end_turn/max_tokens/tool_use/refusal, Gemini STOP/MAX_TOKENS/SAFETY).
 */
export type SimulatedFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface SimulatedToolCall {
  /** Defaults to a provider-style id (`call_…`, `toolu_…`); Gemini omits it unless given. */
  readonly id?: string;
  readonly name: string;
  /** An object is serialised; a string is sent verbatim, so malformed JSON can be simulated. */
  readonly arguments: Readonly<Record<string, unknown>> | string;
}

/**
 * Token counts with OpenAI semantics: `input` includes `cachedInput` and `cacheWrite`,
 * `output` includes `reasoning`. Each wire converts (Anthropic reports input_tokens without
 * cache reads/writes; Gemini reports candidatesTokenCount without thoughts).
 */
export interface SimulatedUsage {
  readonly input: number;
  readonly output: number;
  /** Prompt tokens served from the provider's cache. */
  readonly cachedInput?: number;
  /** Prompt tokens written to the cache (only Anthropic reports them). */
  readonly cacheWrite?: number;
  /** Output tokens spent thinking. */
  readonly reasoning?: number;
}

export interface SimulatedError {
  readonly status: number;
  /** Provider error type (OpenAI `type`, Anthropic `error.type`, Gemini `status`); default by status. */
  readonly type?: string;
  readonly message?: string;
  /** OpenAI `error.code` (e.g. `context_length_exceeded`); default by status. Other wires ignore it. */
  readonly code?: string;
  /** OpenAI `error.param`, the offending request field. Other wires ignore it. */
  readonly param?: string;
  /** Gemini `error.details` (google.rpc types); a RetryInfo is appended for `retryAfter`. */
  readonly details?: readonly object[];
  /** Replaces the provider's error body entirely; a string is sent as text/plain. */
  readonly body?: object | string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Seconds, sent as `retry-after` (and as google.rpc.RetryInfo for Gemini). */
  readonly retryAfter?: number;
  /**
   * Streaming only: send this many deltas, then the error inside the stream (Anthropic
   * `event: error`, OpenAI/Gemini a data line carrying `error`). Ignored for JSON requests,
   * which get the plain error response.
   */
  readonly afterChunks?: number;
}

/** Which requests a scripted scenario applies to; every given field must match. */
export interface ScenarioMatch {
  readonly provider?: SimulatedProvider;
  /** Exact model name the request asked for (body `model`, Azure deployment, Gemini path). */
  readonly model?: string;
  /**
   * Substring of the request path, e.g. `embeddings`, `count_tokens`, `:countTokens`,
   * `EmbedContent` or `/deployments/` to aim at one endpoint.
   */
  readonly path?: string;
  /**
   * Request headers that must have exactly these values, e.g. `{ authorization: 'Bearer k' }`
   * to aim at the callers holding one upstream key (one region's or one replica's adapter).
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * What one simulated upstream call answers. Every field is optional; a scripted scenario does
 * not inherit from the default one.
 *
 * "Chunks" in the fault fields count content deltas (text, thinking or tool-argument
 * fragments), not SSE events: `stallAfterChunks: 0` sends the stream's opening events and then
 * goes silent. When N is at least the number of deltas, the fault happens just before the
 * closing events, so the stream never completes. For a JSON request, stall sends the headers and
 * no body, cut sends half the body then resets the socket, garbage sends a truncated body.
 *
 * The embeddings and token-counting endpoints take the same scenarios in their JSON form
 * (error, firstByteDelayMs, headers, stall, cut, garbage, usage); the chat-only fields do not
 * apply to them. A request the real API would refuse (see ProviderSimulatorOptions
 * .validateRequests) gets the provider's 400 and consumes no scenario.
 */
export interface SimulatorScenario {
  readonly match?: ScenarioMatch;
  /** Assistant text. Default "Hello from the simulator.", or "" when `toolCalls` are given. */
  readonly content?: string;
  /**
   * Answer with the request as the simulator received it, instead of `content` and `toolCalls`:
   * method, path, query and headers (credentials redacted) and the parsed JSON body, as indented
   * JSON text (`request-echo.ts`), in the wire's own answer shape, streamed or not. For checking
   * what a gateway's translation sent upstream from the client's side. Also for any request whose
   * model is `simulator-echo` (`ECHO_MODEL`), and for every request with the CLI's `--echo`. The
   * chat endpoints only (embeddings and token counts answer as usual); the other fields (usage,
   * chunks, faults) apply as for any answer.
   */
  readonly echo?: boolean;
  readonly toolCalls?: readonly SimulatedToolCall[];
  /**
   * Thinking text (Anthropic thinking block, Gemini thought part; OpenAI only counts tokens
   * unless `openAiReasoningField` is set).
   */
  readonly reasoning?: string;
  /** Anthropic signature_delta / Gemini thoughtSignature. Default DEFAULT_SIGNATURE. */
  readonly reasoningSignature?: string;
  /**
   * OpenAI wire: put `reasoning` in this message / delta field, as OpenAI-compatible servers
   * do (DeepSeek and vLLM `reasoning_content`, OpenRouter `reasoning`). Unset: hidden, as
   * OpenAI's own Chat Completions does.
   */
  readonly openAiReasoningField?: 'reasoning_content' | 'reasoning';
  /**
   * Anthropic wire: a `redacted_thinking` block with this opaque `data`, before any thinking
   * or text. The other wires have no such block and ignore it.
   */
  readonly redactedReasoning?: string;
  /** Default `tool_calls` when `toolCalls` are given, else `stop`. */
  readonly finishReason?: SimulatedFinishReason;
  /**
   * Sent verbatim instead of the wire's mapping of `finishReason`, to simulate values a
   * translator may not know (Anthropic `pause_turn`, Gemini `MALFORMED_FUNCTION_CALL`,
   * `RECITATION`, DeepSeek `insufficient_system_resource`).
   */
  readonly rawFinishReason?: string;
  /**
   * The provider refuses the prompt on content grounds. Gemini: HTTP 200 without candidates,
   * `promptFeedback.blockReason: SAFETY` (or `rawFinishReason`, e.g. `PROHIBITED_CONTENT`). Azure OpenAI: HTTP 400 with code `content_filter`.
   * OpenAI and Anthropic have no prompt-level block: they answer an empty turn ending in
   * `content_filter` / `refusal`.
   */
  readonly promptBlocked?: boolean;
  /** With finishReason `stop`, Anthropic answers stop_reason `stop_sequence` with this value. */
  readonly stopSequence?: string;
  /**
   * Default derived from the request: input = ceil(prompt characters / 4), output = words.
   * Also the answer of the token-counting endpoints (`input`, and Gemini's cached count) and
   * the embeddings usage (`input`).
   */
  readonly usage?: SimulatedUsage;
  /** How many deltas the content (and reasoning) is split into when streaming. Default 4. */
  readonly chunks?: number;
  /** Pause before every delta after the first. */
  readonly chunkDelayMs?: number;
  /** Pause before the status line and headers. */
  readonly firstByteDelayMs?: number;
  /** Extra response headers on success (rate-limit headers and the like). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly error?: SimulatedError;
  readonly stallAfterChunks?: number;
  readonly cutAfterChunks?: number;
  readonly garbageAfterChunks?: number;
  /**
   * Streaming only: after the opening events, never end. `deltas` repeats the first content
   * delta forever (a model that does not stop), `line` sends one data line that never ends.
   * Either goes on until the client closes the connection; writes wait for the socket to drain,
   * so the simulator itself stays small. Takes precedence over the fault fields.
   */
  readonly endless?: 'deltas' | 'line';
}
