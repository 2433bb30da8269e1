import { FinishReason, ResponseEvent, Usage } from '@switchyard/ir';
import type { OpenAiChatResponse, OpenAiUsage } from './openai.types';

// OpenAI chat.completion (non-streaming) → IR events.

export function openAiFinishToIr(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
      return FinishReason.FINISH_REASON_STOP;
    case 'length':
      return FinishReason.FINISH_REASON_LENGTH;
    case 'tool_calls':
    case 'function_call':
      return FinishReason.FINISH_REASON_TOOL_CALLS;
    case 'content_filter':
      return FinishReason.FINISH_REASON_CONTENT_FILTER;
    default:
      return FinishReason.FINISH_REASON_STOP;
  }
}

export function openAiUsageToIr(u: OpenAiUsage): Usage {
  return {
    inputTokens: u.prompt_tokens ?? 0,
    outputTokens: u.completion_tokens ?? 0,
    cachedInputTokens: u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens ?? 0,
    reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

export function parseOpenAiResponse(raw: unknown): ResponseEvent[] {
  const body = raw as OpenAiChatResponse;
  if (!body || !Array.isArray(body.choices)) throw new Error('upstream response has no choices');
  const events: ResponseEvent[] = [{ event: { $case: 'start', value: { id: body.id ?? '', model: body.model ?? '' } } }];
  for (const c of body.choices) {
    const choice = c.index ?? 0;
    const m = c.message ?? {};
    if (m.reasoning_content) events.push({ event: { $case: 'reasoningDelta', value: { text: m.reasoning_content, choice } } });
    const text = m.content ?? m.refusal;
    if (text) events.push({ event: { $case: 'textDelta', value: { text, choice } } });
    (m.tool_calls ?? []).forEach((t, index) => {
      events.push({ event: { $case: 'toolCallDelta', value: { index, id: t.id ?? '', name: t.function?.name ?? '', argumentsDelta: t.function?.arguments ?? '', choice } } });
    });
    events.push({ event: { $case: 'stop', value: { reason: openAiFinishToIr(c.finish_reason), rawReason: c.finish_reason ?? '', choice } } });
  }
  if (body.usage) events.push({ event: { $case: 'usage', value: openAiUsageToIr(body.usage) } });
  return events;
}
