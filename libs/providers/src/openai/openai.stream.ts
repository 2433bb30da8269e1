import { ErrorKind, ResponseEvent } from '@switchyard/ir';
import type { ProviderStreamParser, SseEvent } from '../core/provider-adapter.types';
import { openAiFinishToIr, openAiUsageToIr } from './openai.response';
import type { OpenAiChatResponse } from './openai.types';

// OpenAI chat.completion.chunk SSE → IR events. The stream ends with `data: [DONE]`; usage
// arrives in a last chunk with empty choices when stream_options.include_usage was sent.
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
    const chunk = JSON.parse(sse.data) as OpenAiChatResponse;
    const out: ResponseEvent[] = [];
    if (chunk.error) {
      out.push({ event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, message: chunk.error.message ?? 'upstream stream error', retryable: false } } });
      this.finished = true;
      return out;
    }
    if (!this.started) {
      this.started = true;
      out.push({ event: { $case: 'start', value: { id: chunk.id ?? '', model: chunk.model ?? '' } } });
    }
    for (const c of chunk.choices ?? []) {
      const choice = c.index ?? 0;
      const d = c.delta;
      if (d) {
        if (d.reasoning_content) out.push({ event: { $case: 'reasoningDelta', value: { text: d.reasoning_content, choice } } });
        if (d.content) out.push({ event: { $case: 'textDelta', value: { text: d.content, choice } } });
        for (const t of d.tool_calls ?? []) {
          out.push({ event: { $case: 'toolCallDelta', value: { index: t.index ?? 0, id: t.id ?? '', name: t.function?.name ?? '', argumentsDelta: t.function?.arguments ?? '', choice } } });
        }
      }
      if (c.finish_reason) out.push({ event: { $case: 'stop', value: { reason: openAiFinishToIr(c.finish_reason), rawReason: c.finish_reason, choice } } });
    }
    if (chunk.usage) out.push({ event: { $case: 'usage', value: openAiUsageToIr(chunk.usage) } });
    return out;
  }
}
