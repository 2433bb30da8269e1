import type { PassthroughRules } from '../core/passthrough.policy';

// Unmodelled OpenAI Chat Completions fields (platform.openai.com/docs/api-reference/chat/create)
// and what an OpenAI-family upstream (OpenAI, Azure, compatible servers) gets of them by
// default. Vendor extras of compatible servers (ERNIE's web_search, DashScope's enable_search …)
// are not listed, so they are dropped unless the operator allows them for that provider.
export const OPENAI_PASSTHROUGH: PassthroughRules = {
  logit_bias: { forward: true, otherwise: 'drop', why: 'biases sampling; no cost, no account resource' },
  user: { forward: true, otherwise: 'drop', why: "the end user's id, for the upstream's abuse monitoring" },
  safety_identifier: { forward: true, otherwise: 'drop', why: "the end user's id, for the upstream's abuse monitoring" },
  metadata: { forward: true, otherwise: 'drop', why: 'tags, kept only with `store`, which is not forwarded by default' },
  prediction: { forward: true, otherwise: 'drop', why: 'predicted output; rejected prediction tokens are billed as completion tokens, which usage reports' },
  verbosity: { forward: true, otherwise: 'drop', why: 'a length hint for the answer' },
  reasoning_effort: { forward: true, otherwise: 'drop', why: '"none" / "xhigh", which the IR cannot express; reasoning is billed as output tokens' },
  prompt_cache_key: { forward: true, otherwise: 'drop', why: 'a prompt-cache routing hint; caching only makes prompts cheaper' },
  service_tier: { forward: false, otherwise: 'drop', why: '"priority" is billed above the price the gateway knows; the answer is the same without it' },
  store: { forward: false, otherwise: 'drop', why: "stores the tenant's conversation in the operator's account, readable with the account's keys" },
  prompt_cache_retention: { forward: false, otherwise: 'drop', why: "keeps the tenant's prompt cached in the operator's account for up to a day" },
  modalities: { forward: false, otherwise: 'drop', why: 'audio output is priced apart from text tokens and the gateway renders no audio; its absence is visible' },
  audio: { forward: false, otherwise: 'drop', why: 'audio output is priced apart from text tokens and the gateway renders no audio; its absence is visible' },
  web_search_options: {
    forward: false,
    otherwise: 'refuse',
    why: 'web search is billed per call outside the budgets, and without it the model would answer from memory without saying so',
  },
};
