// The subset of the OpenAI Chat Completions wire format this adapter writes and reads
// (platform.openai.com/docs/api-reference/chat; `openai` SDK resources/chat/completions).

export interface OpenAiToolCall {
  index?: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface OpenAiUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
  /** DeepSeek reports cache hits here instead of prompt_tokens_details. */
  prompt_cache_hit_tokens?: number;
}

export interface OpenAiChoice {
  index?: number;
  message?: { content?: string | null; tool_calls?: OpenAiToolCall[] | null; reasoning_content?: string | null; refusal?: string | null };
  delta?: { content?: string | null; tool_calls?: OpenAiToolCall[] | null; reasoning_content?: string | null; refusal?: string | null };
  finish_reason?: string | null;
}

export interface OpenAiChatResponse {
  id?: string;
  model?: string;
  choices?: OpenAiChoice[];
  usage?: OpenAiUsage | null;
  error?: { message?: string; type?: string; code?: string | null };
}
