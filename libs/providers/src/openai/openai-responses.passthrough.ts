import type { PassthroughRules } from '../core/passthrough.policy';

// Unmodelled Responses API fields (platform.openai.com/docs/api-reference/responses/create) a
// Responses-dialect client sent (DIALECT_OPENAI_RESPONSES extensions), and what an upstream that
// speaks the Responses API gets of them by default. `verbosity` and `reasoning_effort` are the
// dialect's names for text.verbosity and a reasoning.effort the IR cannot express ("none",
// "xhigh"). A Chat Completions upstream gets none of them (passthrough-rules.ts).
export const RESPONSES_PASSTHROUGH: PassthroughRules = {
  safety_identifier: { forward: true, otherwise: 'drop', why: "the end user's id, for the upstream's abuse monitoring" },
  prompt_cache_key: { forward: true, otherwise: 'drop', why: 'a prompt-cache routing hint; caching only makes prompts cheaper' },
  verbosity: { forward: true, otherwise: 'drop', why: 'a length hint for the answer' },
  reasoning_effort: { forward: true, otherwise: 'drop', why: '"none" / "xhigh", which the IR cannot express; reasoning is billed as output tokens' },
  top_logprobs: { forward: true, otherwise: 'drop', why: 'log probabilities of the answer; no cost' },
  truncation: { forward: true, otherwise: 'drop', why: '"auto" drops the oldest items when the input exceeds the window, where the request would otherwise fail' },
  max_tool_calls: { forward: true, otherwise: 'drop', why: 'caps calls to built-in tools, which the gateway never sends' },
  service_tier: { forward: false, otherwise: 'drop', why: '"priority" is billed above the price the gateway knows; the answer is the same without it' },
  prompt_cache_retention: { forward: false, otherwise: 'drop', why: "keeps the tenant's prompt cached in the operator's account for up to a day" },
};
