// The subset of the Anthropic Messages wire format this adapter writes and reads
// (docs.anthropic.com/en/api/messages; `@anthropic-ai/sdk` resources/messages/messages.d.ts:
// MessageCreateParamsBase, Message, Usage, RawMessageStreamEvent, ErrorResponse).

export type AnthropicJson = Record<string, unknown>;

export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

export interface AnthropicContentBlock {
  type?: string;
  text?: string;
  thinking?: string;
  signature?: string;
  data?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

export interface AnthropicMessage {
  id?: string;
  type?: string;
  model?: string;
  content?: AnthropicContentBlock[];
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: AnthropicUsage | null;
}

export interface AnthropicErrorBody {
  type?: string;
  error?: { type?: string; message?: string };
}

export interface AnthropicBlockDelta {
  type?: string;
  text?: string;
  thinking?: string;
  signature?: string;
  partial_json?: string;
}

/** One data payload of the Messages SSE stream; `type` repeats the SSE event name. */
export interface AnthropicStreamEvent extends AnthropicErrorBody {
  message?: AnthropicMessage;
  index?: number;
  content_block?: AnthropicContentBlock;
  delta?: AnthropicBlockDelta & { stop_reason?: string | null; stop_sequence?: string | null };
  usage?: AnthropicUsage | null;
}
