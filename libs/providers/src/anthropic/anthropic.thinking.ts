import { ChatRequest, Dialect, Reasoning_Effort } from '@switchyard/ir';
import type { UpstreamTarget } from '../core/provider-adapter.types';
import type { AnthropicJson } from './anthropic.types';

// max_tokens (required by Anthropic), extended thinking and effort
// (docs.anthropic.com/en/docs/build-with-claude/extended-thinking; SDK ThinkingConfigParam,
// OutputConfig.effort).
//
// max_tokens: the request's own, else target.options.defaultMaxTokens, else the model's
// maximum output from MODEL_MAX_OUTPUT (OpenAI and Gemini clients expect no cap when they send
// none), else 4096 for models not in the table.
//
// Thinking: an explicit budget_tokens is used as given (raised to Anthropic's minimum of 1024,
// and listed, when below it; 0 means off). A reasoning effort means different things by origin:
// - from an Anthropic client it *is* output_config.effort, and goes back there unchanged;
// - from other clients (OpenAI reasoning_effort) it asks for thinking, and becomes the budget
//   in EFFORT_BUDGET; when that does not fit under the request's max_tokens, half of max_tokens
//   (at least 1024), so the answer keeps the other half: thinking counts towards max_tokens, and
//   a budget of max_tokens - 1 let the thinking take all of it and end the answer empty (a
//   budgeted tenant's request without max_tokens gets 4,096 from admission, under low effort's
//   4,096 already).
// Anthropic requires max_tokens > budget_tokens (thinking counts towards max_tokens); when the
// request's max_tokens is still not above the budget it is read as the allowance for the answer
// and the budget is added on top, rather than failing the request.

type Json = AnthropicJson;

const MIN_BUDGET = 1024;
const FALLBACK_MAX_TOKENS = 4096;

const EFFORT_BUDGET: Record<Reasoning_Effort, number | undefined> = {
  [Reasoning_Effort.EFFORT_UNSPECIFIED]: undefined,
  [Reasoning_Effort.EFFORT_MINIMAL]: 1024,
  [Reasoning_Effort.EFFORT_LOW]: 4096,
  [Reasoning_Effort.EFFORT_MEDIUM]: 8192,
  [Reasoning_Effort.EFFORT_HIGH]: 16384,
};

const NATIVE_EFFORT: Record<Reasoning_Effort, string | undefined> = {
  [Reasoning_Effort.EFFORT_UNSPECIFIED]: undefined,
  [Reasoning_Effort.EFFORT_MINIMAL]: 'low',
  [Reasoning_Effort.EFFORT_LOW]: 'low',
  [Reasoning_Effort.EFFORT_MEDIUM]: 'medium',
  [Reasoning_Effort.EFFORT_HIGH]: 'high',
};

// Maximum output tokens per model family (docs.anthropic.com/en/docs/about-claude/models),
// first matching prefix wins.
const MODEL_MAX_OUTPUT: readonly (readonly [string, number])[] = [
  ['claude-opus-4-1', 32000],
  ['claude-opus-4-0', 32000],
  ['claude-opus-4-2025', 32000],
  ['claude-opus-4', 64000],
  ['claude-sonnet-4', 64000],
  ['claude-haiku-4', 64000],
  ['claude-3-7-sonnet', 64000],
  ['claude-3-5-', 8192],
  ['claude-3-', 4096],
];

export function defaultMaxTokens(target: UpstreamTarget): number {
  const option = Number(target.options['defaultMaxTokens']);
  if (Number.isInteger(option) && option > 0) return option;
  return MODEL_MAX_OUTPUT.find(([prefix]) => target.upstreamModel.startsWith(prefix))?.[1] ?? FALLBACK_MAX_TOKENS;
}

/** Sets max_tokens, and thinking / output_config.effort when asked, over any passthrough values. */
export function applyThinking(req: ChatRequest, target: UpstreamTarget, body: Json, dropped: Set<string>): void {
  const native = req.meta?.dialect === Dialect.DIALECT_ANTHROPIC;
  const effort = req.reasoning?.effort ?? Reasoning_Effort.EFFORT_UNSPECIFIED;
  const requested = req.sampling?.maxTokens;
  let maxTokens = requested ?? defaultMaxTokens(target);
  if (native && NATIVE_EFFORT[effort]) body['output_config'] = { ...asObject(body['output_config']), effort: NATIVE_EFFORT[effort] };

  const explicit = req.reasoning?.budgetTokens;
  let budget: number | undefined;
  if (explicit === 0) {
    // An Anthropic client's {"type":"disabled"}; other clients' "no thinking" is the default.
    if (native) body['thinking'] = { type: 'disabled' };
  } else if (explicit !== undefined) {
    if (explicit < MIN_BUDGET) dropped.add('reasoning.budget_tokens');
    budget = Math.max(explicit, MIN_BUDGET);
  } else if (!native) {
    const table = EFFORT_BUDGET[effort];
    budget = table !== undefined && requested !== undefined && requested <= table && requested > MIN_BUDGET ? Math.max(MIN_BUDGET, Math.floor(requested / 2)) : table;
  }
  if (budget !== undefined) {
    if (maxTokens <= budget) maxTokens = budget + (requested ?? FALLBACK_MAX_TOKENS);
    // Keeps an Anthropic client's other thinking fields (display).
    body['thinking'] = { ...asObject(body['thinking']), type: 'enabled', budget_tokens: budget };
  }
  body['max_tokens'] = maxTokens;
}

function asObject(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}
