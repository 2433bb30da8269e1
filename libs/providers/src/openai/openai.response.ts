import { FinishReason, ResponseEvent, Usage } from '@switchyard/ir';
import type { OpenAiChatResponse, OpenAiChoice, OpenAiLogprobs, OpenAiMessage, OpenAiToolCall, OpenAiUsage } from './openai.types';
import { objectOf, objectsOf } from '../core/json-shape';

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
    // Azure also answers content_filter when its filter cut the completion.
    case 'content_filter':
      return FinishReason.FINISH_REASON_CONTENT_FILTER;
    default:
      return FinishReason.FINISH_REASON_STOP;
  }
}

export function openAiUsageToIr(u: OpenAiUsage): Usage {
  const usage: Usage = {
    inputTokens: u.prompt_tokens ?? 0,
    outputTokens: u.completion_tokens ?? 0,
    cachedInputTokens: u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens ?? 0,
    reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
    cacheCreationInputTokens: 0,
  };
  const created = u.prompt_tokens_details?.cache_creation_input_tokens;
  if (created) usage.cacheCreationInputTokens = created;
  return usage;
}

/** The reasoning text of a message or delta, whichever field the server uses. */
export function reasoningOf(m: OpenAiMessage): string {
  return m.reasoning_content || m.reasoning || '';
}

/** A choice's logprobs as the TextDelta.logprobs_json fragment, or '' when there are none. */
export function logprobsJsonOf(lp: OpenAiLogprobs | null | undefined): string {
  if (!lp || (!lp.content?.length && !lp.refusal?.length)) return '';
  return JSON.stringify(lp.refusal?.length ? { content: lp.content ?? [], refusal: lp.refusal } : { content: lp.content });
}

export function parseOpenAiResponse(raw: unknown): ResponseEvent[] {
  const body = raw as OpenAiChatResponse;
  if (!body || !Array.isArray(body.choices)) throw new Error('upstream response has no choices');
  const events: ResponseEvent[] = [{ event: { $case: 'start', value: { id: body.id ?? '', model: body.model ?? '', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] } } }];
  for (const c of objectsOf<OpenAiChoice>(body.choices, 'choices')) events.push(...choiceEvents(c));
  if (body.usage) events.push({ event: { $case: 'usage', value: openAiUsageToIr(body.usage) } });
  return events;
}

function choiceEvents(c: OpenAiChoice): ResponseEvent[] {
  const choice = c.index ?? 0;
  const m = c.message === undefined || c.message === null ? {} : objectOf<OpenAiMessage>(c.message, 'message');
  const events: ResponseEvent[] = [];
  const reasoning = reasoningOf(m);
  if (reasoning) events.push({ event: { $case: 'reasoningDelta', value: { text: reasoning, choice, signature: '', redactedData: '' } } });
  const text = m.content ?? m.refusal;
  const logprobsJson = logprobsJsonOf(c.logprobs);
  if (text || logprobsJson) events.push({ event: { $case: 'textDelta', value: logprobsJson ? { text: text ?? '', choice, logprobsJson, signature: '' } : { text: text ?? '', choice, logprobsJson: '', signature: '' } } });
  objectsOf<OpenAiToolCall>(m.tool_calls, 'tool_calls').forEach((t, index) => {
    events.push({ event: { $case: 'toolCallDelta', value: { index, id: t.id ?? '', name: t.function?.name ?? '', argumentsDelta: t.function?.arguments ?? '', choice, signature: '' } } });
  });
  events.push({ event: { $case: 'stop', value: { reason: openAiFinishToIr(c.finish_reason), rawReason: c.finish_reason ?? '', choice, stopSequence: '' } } });
  return events;
}
