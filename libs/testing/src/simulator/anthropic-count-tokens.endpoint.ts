// Anthropic `POST /v1/messages/count_tokens` (MessageCountTokensParams → MessageTokensCount in
// @anthropic-ai/sdk): the prompt's input_tokens, counted like a chat request's usage so a test
// can compare the two. The scenario's `usage.input` overrides the count.
import { validateAnthropicCountTokens } from './anthropic.validation';
import { promptTokens } from './prompt-size';
import type { EndpointCall, JsonEndpoint } from './provider-wire.types';

export const anthropicCountTokensEndpoint: JsonEndpoint = {
  validate: validateAnthropicCountTokens,
  answer: (call: EndpointCall) => ({ input_tokens: call.scenario.usage?.input ?? promptTokens(call.body, 'anthropic') }),
};
