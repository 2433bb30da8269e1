import { FinishReason, ResponseEvent, Usage } from '@switchyard/ir';
import { countOf, objectOf, objectsOf } from '../core/json-shape';
import { upstreamError } from '../core/upstream-fault';
import type { ResponsesOutputContent, ResponsesOutputItem, ResponsesResponse, ResponsesSummaryPart, ResponsesUsage } from './openai-responses.types';

// OpenAI Responses API Response object (non-streaming, or the one response.completed carries) →
// IR events. The API has no finish reason: a `completed` response stopped by itself (tool_calls
// when it holds function calls), an `incomplete` one says why in incomplete_details.reason
// (max_output_tokens → length, content_filter), a `failed` one carries `error`. Reasoning items
// become one reasoning delta each: the summary text, with the encrypted content as signature and
// the item id beside it (ReasoningDelta.item_id), so the reasoning can be sent back.

export function responsesStopOf(response: ResponsesResponse, calledTools: boolean): ResponseEvent {
  const raw = response.status === 'incomplete' ? (response.incomplete_details?.reason ?? 'incomplete') : (response.status ?? '');
  let reason: FinishReason;
  switch (raw) {
    case 'max_output_tokens':
      reason = FinishReason.FINISH_REASON_LENGTH;
      break;
    case 'content_filter':
      reason = FinishReason.FINISH_REASON_CONTENT_FILTER;
      break;
    default:
      reason = calledTools ? FinishReason.FINISH_REASON_TOOL_CALLS : FinishReason.FINISH_REASON_STOP;
  }
  return { event: { $case: 'stop', value: { reason, rawReason: raw, choice: 0, stopSequence: '' } } };
}

export function responsesUsageToIr(u: ResponsesUsage): Usage {
  return {
    inputTokens: countOf(u.input_tokens, 'input_tokens'),
    outputTokens: countOf(u.output_tokens, 'output_tokens'),
    cachedInputTokens: countOf(u.input_tokens_details?.cached_tokens, 'cached_tokens'),
    reasoningTokens: countOf(u.output_tokens_details?.reasoning_tokens, 'reasoning_tokens'),
    cacheCreationInputTokens: 0,
  };
}

export function responsesStartOf(response: ResponsesResponse): ResponseEvent {
  return { event: { $case: 'start', value: { id: response.id ?? '', model: response.model ?? '', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] } } };
}

/** A failed response: what the upstream said stays in the operator's log. */
export function responsesFailure(): ResponseEvent {
  return { event: { $case: 'error', value: upstreamError('stream-error', { retryable: false }) } };
}

/** The text of a reasoning item: its summaries, one paragraph each. */
export function summaryText(summary: unknown): string {
  return objectsOf<ResponsesSummaryPart>(summary, 'reasoning summary')
    .map((s) => s.text ?? '')
    .filter((t) => t !== '')
    .join('\n\n');
}

/** The closing reasoning delta of an item: its encrypted content when it has some, and its id. */
export function reasoningSeal(item: ResponsesOutputItem, text: string): ResponseEvent | undefined {
  const signature = item.encrypted_content ?? '';
  if (!text && !signature) return undefined;
  const value = { text, signature, redactedData: '', choice: 0, ...(item.id ? { itemId: item.id } : {}) };
  return { event: { $case: 'reasoningDelta', value } };
}

export function logprobsJsonOf(logprobs: unknown[] | null | undefined): string {
  return logprobs?.length ? JSON.stringify({ content: logprobs }) : '';
}

export function parseResponsesResponse(raw: unknown): ResponseEvent[] {
  const body = raw as ResponsesResponse | null;
  if (!body || body.object !== 'response' || !Array.isArray(body.output)) throw new Error('upstream response is not a Responses API response');
  if (body.status === 'failed') return [responsesStartOf(body), responsesFailure()];
  const events: ResponseEvent[] = [responsesStartOf(body)];
  let calls = 0;
  for (const item of objectsOf<ResponsesOutputItem>(body.output, 'output')) {
    switch (item.type) {
      case 'reasoning': {
        const seal = reasoningSeal(item, summaryText(item.summary));
        if (seal) events.push(seal);
        break;
      }
      case 'message':
        for (const c of objectsOf<ResponsesOutputContent>(item.content, 'message content')) {
          const text = c.type === 'refusal' ? (c.refusal ?? '') : (c.text ?? '');
          const logprobsJson = logprobsJsonOf(c.logprobs);
          if (text || logprobsJson) events.push({ event: { $case: 'textDelta', value: { text, choice: 0, logprobsJson, signature: '' } } });
        }
        break;
      case 'function_call':
        events.push({ event: { $case: 'toolCallDelta', value: { index: calls++, id: item.call_id ?? '', name: item.name ?? '', argumentsDelta: item.arguments ?? '', choice: 0, signature: '' } } });
        break;
      default:
        // Built-in tool items (web search, file search …) are never asked for.
        break;
    }
  }
  events.push(responsesStopOf(body, calls > 0));
  if (body.usage) events.push({ event: { $case: 'usage', value: responsesUsageToIr(objectOf<ResponsesUsage>(body.usage, 'usage')) } });
  return events;
}
