import { ChatRequest, Reasoning_Effort } from '@switchyard/ir';
import type { UpstreamTarget } from '../core/provider-adapter.types';
import type { AnthropicJson } from './anthropic.types';

// max_tokens (required by Anthropic) and extended thinking
// (docs.anthropic.com/en/docs/build-with-claude/extended-thinking).
//
// max_tokens: the request's own, else target.options.defaultMaxTokens, else the model's
// maximum output from MODEL_MAX_OUTPUT (OpenAI and Gemini clients expect no cap when they send
// none), else 4096 for models not in the table.
//
// Thinking: an explicit budget_tokens is used as given (raised to Anthropic's minimum of 1024,
// and listed, when below it; 0 means off). A reasoning effort without a budget becomes the
// budget in EFFORT_BUDGET, shrunk to fit under the request's max_tokens when it can stay at or
// above 1024. Anthropic requires max_tokens > budget_tokens (thinking counts towards
// max_tokens); when the request's max_tokens is still not above the budget it is read as the
// allowance for the answer and the budget is added on top, rather than failing the request.

const MIN_BUDGET = 1024;
const FALLBACK_MAX_TOKENS = 4096;

const EFFORT_BUDGET: Record<Reasoning_Effort, number | undefined> = {
  [Reasoning_Effort.EFFORT_UNSPECIFIED]: undefined,
  [Reasoning_Effort.EFFORT_MINIMAL]: 1024,
  [Reasoning_Effort.EFFORT_LOW]: 4096,
  [Reasoning_Effort.EFFORT_MEDIUM]: 8192,
  [Reasoning_Effort.EFFORT_HIGH]: 16384,
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

export function thinkingAndMaxTokens(req: ChatRequest, target: UpstreamTarget, dropped: Set<string>): { thinking?: AnthropicJson; maxTokens: number } {
  const requested = req.sampling?.maxTokens;
  const budget = thinkingBudget(req, requested, dropped);
  if (budget === undefined) return { maxTokens: requested ?? defaultMaxTokens(target) };
  let maxTokens = requested ?? defaultMaxTokens(target);
  if (maxTokens <= budget) maxTokens = budget + (requested ?? FALLBACK_MAX_TOKENS);
  return { thinking: { type: 'enabled', budget_tokens: budget }, maxTokens };
}

function thinkingBudget(req: ChatRequest, requested: number | undefined, dropped: Set<string>): number | undefined {
  const r = req.reasoning;
  if (r?.budgetTokens !== undefined) {
    if (r.budgetTokens === 0) return undefined;
    if (r.budgetTokens < MIN_BUDGET) dropped.add('reasoning.budget_tokens');
    return Math.max(r.budgetTokens, MIN_BUDGET);
  }
  const table = EFFORT_BUDGET[r?.effort ?? Reasoning_Effort.EFFORT_UNSPECIFIED];
  if (table === undefined) return undefined;
  if (requested !== undefined && requested <= table && requested - 1 >= MIN_BUDGET) return requested - 1;
  return table;
}
