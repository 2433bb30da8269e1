import { Dialect } from '@switchyard/ir';
import { ANTHROPIC_PASSTHROUGH } from './anthropic/anthropic.passthrough';
import type { PassthroughRules } from './core/passthrough.policy';
import { GEMINI_PASSTHROUGH } from './gemini/gemini.passthrough';
import { OPENAI_PASSTHROUGH } from './openai/openai.passthrough';

/** Each client dialect's passthrough rules: what its extras are, wherever they end up. */
export const PASSTHROUGH_RULES: Readonly<Record<Dialect, PassthroughRules | undefined>> = {
  [Dialect.DIALECT_UNSPECIFIED]: undefined,
  [Dialect.DIALECT_OPENAI]: OPENAI_PASSTHROUGH,
  [Dialect.DIALECT_ANTHROPIC]: ANTHROPIC_PASSTHROUGH,
  [Dialect.DIALECT_GEMINI]: GEMINI_PASSTHROUGH,
  // Responses extras (store, include, truncation …) name no Chat Completions field: listed as dropped.
  [Dialect.DIALECT_OPENAI_RESPONSES]: undefined,
};
