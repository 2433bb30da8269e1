// The subset of the OpenAI Chat Completions wire format this adapter writes and reads
// (platform.openai.com/docs/api-reference/chat; `openai` SDK resources/chat/completions), with
// the fields OpenAI-compatible servers add.

export interface OpenAiToolCall {
  index?: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface OpenAiUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  /** DashScope reports explicit-cache writes as cache_creation_input_tokens here. */
  prompt_tokens_details?: { cached_tokens?: number; cache_creation_input_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
  /** DeepSeek reports cache hits here instead of prompt_tokens_details. */
  prompt_cache_hit_tokens?: number;
}

export interface OpenAiLogprobs {
  content?: unknown[] | null;
  refusal?: unknown[] | null;
}

export interface OpenAiMessage {
  content?: string | null;
  tool_calls?: OpenAiToolCall[] | null;
  /** DeepSeek, Qwen, Moonshot, older vLLM. */
  reasoning_content?: string | null;
  /** Ollama and newer vLLM. */
  reasoning?: string | null;
  refusal?: string | null;
}

export interface OpenAiChoice {
  index?: number;
  message?: OpenAiMessage;
  delta?: OpenAiMessage;
  logprobs?: OpenAiLogprobs | null;
  finish_reason?: string | null;
}

export interface OpenAiChatResponse {
  id?: string;
  model?: string;
  choices?: OpenAiChoice[];
  usage?: OpenAiUsage | null;
  error?: { message?: string; type?: string; code?: string | null };
}
