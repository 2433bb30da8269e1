import { ResponseEvent } from '@switchyard/ir';
import type { ProviderStreamParser, SseEvent } from '../core/provider-adapter.types';
import { upstreamError } from '../core/upstream-fault';
import { logprobsJsonOf, openAiFinishToIr, openAiUsageToIr, reasoningOf } from './openai.response';
import type { OpenAiChatResponse, OpenAiChoice, OpenAiMessage, OpenAiToolCall } from './openai.types';
import { objectOf, objectsOf } from '../core/json-shape';

// OpenAI chat.completion.chunk SSE → IR events. The stream ends with `data: [DONE]`; usage
// arrives in a last chunk with empty choices when stream_options.include_usage was sent.
// Azure opens with a chunk that has an empty id, empty choices and prompt_filter_results,
// and may add content_filter_results to later chunks: the first is skipped (start comes from
// the first chunk with something in it), the others carry nothing we read.
export class OpenAiStreamParser implements ProviderStreamParser {
  private started = false;
  private finished = false;

  get done(): boolean {
    return this.finished;
  }

  push(sse: SseEvent): ResponseEvent[] {
    if (sse.data === '[DONE]') {
      this.finished = true;
      return [];
    }
    const chunk = objectOf<OpenAiChatResponse>(JSON.parse(sse.data), 'stream event');
    const out: ResponseEvent[] = [];
    if (chunk.error) {
      // The upstream's words stay in the operator's log (the adapter logs this event's data).
      out.push({ event: { $case: 'error', value: upstreamError('stream-error', { retryable: false }) } });
      this.finished = true;
      return out;
    }
    const choices = objectsOf<OpenAiChoice>(chunk.choices, 'choices');
    if (!this.started) {
      if (choices.length === 0 && !chunk.usage) return out;
      this.started = true;
      out.push({ event: { $case: 'start', value: { id: chunk.id ?? '', model: chunk.model ?? '', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] } } });
    }
    for (const c of choices) {
      const choice = c.index ?? 0;
      const d = c.delta === undefined || c.delta === null ? undefined : objectOf<OpenAiMessage>(c.delta, 'delta');
      if (d) {
        const reasoning = reasoningOf(d);
        if (reasoning) out.push({ event: { $case: 'reasoningDelta', value: { text: reasoning, choice, signature: '', redactedData: '' } } });
        const text = d.content || d.refusal || '';
        const logprobsJson = logprobsJsonOf(c.logprobs);
        if (text || logprobsJson) out.push({ event: { $case: 'textDelta', value: logprobsJson ? { text, choice, logprobsJson, signature: '' } : { text, choice, logprobsJson: '', signature: '' } } });
        for (const t of objectsOf<OpenAiToolCall>(d.tool_calls, 'tool_calls')) {
          out.push({ event: { $case: 'toolCallDelta', value: { index: t.index ?? 0, id: t.id ?? '', name: t.function?.name ?? '', argumentsDelta: t.function?.arguments ?? '', choice, signature: '' } } });
        }
      }
      if (c.finish_reason) out.push({ event: { $case: 'stop', value: { reason: openAiFinishToIr(c.finish_reason), rawReason: c.finish_reason, choice, stopSequence: '' } } });
    }
    if (chunk.usage) out.push({ event: { $case: 'usage', value: openAiUsageToIr(chunk.usage) } });
    return out;
  }
}
