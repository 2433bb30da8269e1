import { FinishReason, ResponseEvent, StopEvent, Usage } from '@switchyard/ir';
import type { AnthropicContentBlock, AnthropicMessage, AnthropicUsage } from './anthropic.types';
import { countOf, objectsOf } from '../core/json-shape';

// Anthropic Message (non-streaming) → IR events, in content order: a thinking block gives its
// text then a signature-only reasoning delta; redacted_thinking gives redacted_data; tool_use
// blocks are numbered 0, 1, 2 among themselves. Server-tool and other blocks the IR cannot
// carry (server_tool_use, web_search_tool_result, citations …) are skipped: only an Anthropic
// client could have asked for them, through its extensions.

export function anthropicFinishToIr(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return FinishReason.FINISH_REASON_LENGTH;
    case 'tool_use':
      return FinishReason.FINISH_REASON_TOOL_CALLS;
    case 'refusal':
      return FinishReason.FINISH_REASON_CONTENT_FILTER;
    default:
      // end_turn, stop_sequence, pause_turn, and whatever Anthropic adds next.
      return FinishReason.FINISH_REASON_STOP;
  }
}

/** Anthropic's input_tokens excludes cache reads and writes; the IR's includes them. */
export function anthropicUsageToIr(u: AnthropicUsage): Usage {
  const read = countOf(u.cache_read_input_tokens, 'cache_read_input_tokens');
  const written = countOf(u.cache_creation_input_tokens, 'cache_creation_input_tokens');
  return {
    inputTokens: countOf(u.input_tokens, 'input_tokens') + read + written,
    outputTokens: u.output_tokens ?? 0,
    cachedInputTokens: read,
    reasoningTokens: u.output_tokens_details?.thinking_tokens ?? 0,
    cacheCreationInputTokens: written,
  };
}

export function parseAnthropicResponse(raw: unknown): ResponseEvent[] {
  const body = raw as AnthropicMessage | null;
  if (!body || typeof body !== 'object' || !Array.isArray(body.content)) throw new Error('upstream response has no content');
  const events: ResponseEvent[] = [{ event: { $case: 'start', value: { id: body.id ?? '', model: body.model ?? '', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] } } }];
  let toolIndex = 0;
  for (const block of objectsOf<AnthropicContentBlock>(body.content, 'content')) {
    switch (block.type) {
      case 'text':
        if (block.text) events.push({ event: { $case: 'textDelta', value: { text: block.text, choice: 0, logprobsJson: '', signature: '' } } });
        break;
      case 'thinking':
        if (block.thinking) events.push({ event: { $case: 'reasoningDelta', value: { text: block.thinking, choice: 0, signature: '', redactedData: '' } } });
        if (block.signature) events.push({ event: { $case: 'reasoningDelta', value: { signature: block.signature, choice: 0, text: '', redactedData: '' } } });
        break;
      case 'redacted_thinking':
        events.push({ event: { $case: 'reasoningDelta', value: { redactedData: block.data ?? '', choice: 0, text: '', signature: '' } } });
        break;
      case 'tool_use':
        events.push({
          event: { $case: 'toolCallDelta', value: { index: toolIndex++, id: block.id ?? '', name: block.name ?? '', argumentsDelta: JSON.stringify(block.input ?? {}), choice: 0, signature: '' } },
        });
        break;
      default:
        break;
    }
  }
  events.push({ event: { $case: 'stop', value: stopEvent(body.stop_reason, body.stop_sequence) } });
  if (body.usage) events.push({ event: { $case: 'usage', value: anthropicUsageToIr(body.usage) } });
  return events;
}

export function stopEvent(reason: string | null | undefined, stopSequence: string | null | undefined): StopEvent {
  return { reason: anthropicFinishToIr(reason), rawReason: reason ?? '', choice: 0, stopSequence: stopSequence ?? '' };
}
