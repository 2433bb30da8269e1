import { ResponseEvent } from '@switchyard/ir';
import { objectOf, textOf } from '../core/json-shape';
import type { ProviderStreamParser, SseEvent } from '../core/provider-adapter.types';
import { anthropicStreamError } from './anthropic.errors';
import { anthropicUsageToIr, stopEvent } from './anthropic.response';
import type { AnthropicStreamEvent, AnthropicUsage } from './anthropic.types';

// Anthropic Messages SSE → IR events (docs.anthropic.com/en/docs/build-with-claude/streaming):
// message_start, per block content_block_start / _delta… / _stop, message_delta (stop reason,
// cumulative usage), message_stop; ping anywhere; `error` may arrive mid-stream. Unknown event
// and block types are ignored, as the docs ask ("handle unknown event types gracefully").
//
// Tool calls are numbered among tool_use blocks only (0, 1, 2 …) whatever text or thinking
// blocks come between; input_json_delta fragments are forwarded as they arrive.

interface ToolBlock {
  index: number;
  sawArguments: boolean;
}

export class AnthropicStreamParser implements ProviderStreamParser {
  private finished = false;
  private usage: AnthropicUsage = {};
  private tools = 0;
  /** Anthropic's block index → the tool call it opened; only tool_use blocks are kept. */
  private readonly toolBlocks = new Map<number, ToolBlock>();

  get done(): boolean {
    return this.finished;
  }

  push(sse: SseEvent): ResponseEvent[] {
    const e = objectOf<AnthropicStreamEvent>(JSON.parse(sse.data), 'stream event');
    switch (e.type ?? sse.event) {
      case 'message_start': {
        const m = e.message ?? {};
        this.usage = { ...m.usage };
        return [{ event: { $case: 'start', value: { id: m.id ?? '', model: m.model ?? '', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] } } }];
      }
      case 'content_block_start':
        return this.blockStart(e);
      case 'content_block_delta':
        return this.blockDelta(e);
      case 'content_block_stop':
        return this.blockStop(e.index ?? 0);
      case 'message_delta': {
        // message_delta usage is cumulative; its input fields may be null or absent.
        for (const [key, value] of Object.entries(e.usage ?? {})) {
          // `__proto__` would replace the usage object's prototype rather than set a field.
          if (value !== null && value !== undefined && key !== '__proto__') (this.usage as Record<string, unknown>)[key] = value;
        }
        return [
          { event: { $case: 'stop', value: stopEvent(e.delta?.stop_reason, e.delta?.stop_sequence) } },
          { event: { $case: 'usage', value: anthropicUsageToIr(this.usage) } },
        ];
      }
      case 'message_stop':
        this.finished = true;
        return [];
      case 'error': {
        this.finished = true;
        // The upstream's words stay in the operator's log (the adapter logs this event's data).
        return [{ event: { $case: 'error', value: anthropicStreamError(textOf(e.error?.type) || undefined, textOf(e.error?.message)) } }];
      }
      default:
        // ping, and event types added after this was written.
        return [];
    }
  }

  private blockStart(e: AnthropicStreamEvent): ResponseEvent[] {
    const b = e.content_block ?? {};
    switch (b.type) {
      case 'text':
        return b.text ? [{ event: { $case: 'textDelta', value: { text: b.text, choice: 0, logprobsJson: '', signature: '' } } }] : [];
      case 'thinking':
        return b.thinking ? [{ event: { $case: 'reasoningDelta', value: { text: b.thinking, choice: 0, signature: '', redactedData: '' } } }] : [];
      case 'redacted_thinking':
        return [{ event: { $case: 'reasoningDelta', value: { redactedData: b.data ?? '', choice: 0, text: '', signature: '' } } }];
      case 'tool_use': {
        const index = this.tools++;
        this.toolBlocks.set(e.index ?? 0, { index, sawArguments: false });
        return [{ event: { $case: 'toolCallDelta', value: { index, id: b.id ?? '', name: b.name ?? '', argumentsDelta: '', choice: 0, signature: '' } } }];
      }
      default:
        return [];
    }
  }

  private blockDelta(e: AnthropicStreamEvent): ResponseEvent[] {
    const d = e.delta ?? {};
    switch (d.type) {
      case 'text_delta':
        return d.text ? [{ event: { $case: 'textDelta', value: { text: d.text, choice: 0, logprobsJson: '', signature: '' } } }] : [];
      case 'thinking_delta':
        return d.thinking ? [{ event: { $case: 'reasoningDelta', value: { text: d.thinking, choice: 0, signature: '', redactedData: '' } } }] : [];
      case 'signature_delta':
        return d.signature ? [{ event: { $case: 'reasoningDelta', value: { signature: d.signature, choice: 0, text: '', redactedData: '' } } }] : [];
      case 'input_json_delta': {
        const tool = this.toolBlocks.get(e.index ?? 0);
        if (!tool || !d.partial_json) return [];
        tool.sawArguments = true;
        return [{ event: { $case: 'toolCallDelta', value: { index: tool.index, argumentsDelta: d.partial_json, choice: 0, id: '', name: '', signature: '' } } }];
      }
      default:
        return [];
    }
  }

  // A tool call without parameters may stream no input_json_delta at all: close it as `{}` so
  // the folded arguments are still a JSON object.
  private blockStop(blockIndex: number): ResponseEvent[] {
    const tool = this.toolBlocks.get(blockIndex);
    if (!tool || tool.sawArguments) return [];
    tool.sawArguments = true;
    return [{ event: { $case: 'toolCallDelta', value: { index: tool.index, argumentsDelta: '{}', choice: 0, id: '', name: '', signature: '' } } }];
  }
}
