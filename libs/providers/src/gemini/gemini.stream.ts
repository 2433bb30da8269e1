import { ResponseEvent, Usage } from '@switchyard/ir';
import type { ProviderStreamParser, SseEvent } from '../core/provider-adapter.types';
import { geminiRpcError } from './gemini.errors';
import { blockedStop, CandidateReader, geminiUsageToIr } from './gemini.response';
import type { GeminiCandidate, GeminiGenerateContentResponse } from './gemini.types';
import { objectOf, objectsOf } from '../core/json-shape';

// streamGenerateContent?alt=sse → IR events. Every `data:` is a whole GenerateContentResponse
// holding the parts generated since the last one; the last chunk carries finishReason and
// usageMetadata (usage may also come, cumulatively, on earlier chunks: the last one wins).
// There is no end marker: the server closes the stream, so `done` stays false and finish()
// closes the answer with the stops and usage, or throws when no finish reason ever came.

export class GeminiStreamParser implements ProviderStreamParser {
  private started = false;
  private failed = false;
  private responseId = '';
  private blockReason = '';
  private usage: Usage | undefined;
  private readonly reader = new CandidateReader();

  /** Becomes true only after an upstream error event, after which nothing else counts. */
  get done(): boolean {
    return this.failed;
  }

  push(sse: SseEvent): ResponseEvent[] {
    const chunk = objectOf<GeminiGenerateContentResponse>(JSON.parse(sse.data), 'stream event');
    if (chunk.error) {
      this.failed = true;
      return [{ event: { $case: 'error', value: geminiRpcError(chunk.error, chunk.error.code ?? 0, undefined) } }];
    }
    const out: ResponseEvent[] = [];
    if (!this.started) {
      this.started = true;
      this.responseId = chunk.responseId ?? '';
      out.push({ event: { $case: 'start', value: { id: this.responseId, model: chunk.modelVersion ?? '', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] } } });
    }
    if (chunk.promptFeedback?.blockReason) this.blockReason = chunk.promptFeedback.blockReason;
    for (const c of objectsOf<GeminiCandidate>(chunk.candidates, 'candidates')) this.reader.read(c, this.responseId, out);
    if (chunk.usageMetadata) this.usage = geminiUsageToIr(chunk.usageMetadata);
    return out;
  }

  finish(): ResponseEvent[] {
    if (this.failed) return [];
    const out: ResponseEvent[] = [];
    const choices = this.reader.choices;
    if (choices.length === 0 && this.blockReason) out.push(blockedStop(this.blockReason));
    for (const choice of choices) {
      const stop = this.reader.stop(choice);
      if (!stop) throw new Error(`Gemini stream ended before candidate ${choice} had a finishReason: the answer was cut short`);
      out.push(stop);
    }
    if (out.length === 0) throw new Error('Gemini stream ended without a finishReason: the answer was cut short');
    if (this.usage) out.push({ event: { $case: 'usage', value: this.usage } });
    return out;
  }
}
