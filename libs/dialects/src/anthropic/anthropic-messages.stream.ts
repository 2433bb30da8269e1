import { ErrorEvent, FinishReason, ResponseEvent, Usage } from '@switchyard/ir';
import type { RenderContext, StreamRenderer } from '../dialect.types';
import { joinToolCallId } from '../tool-call-id';
import { anthropicDeltaUsage, anthropicErrorBody, anthropicMessageId, anthropicStop } from './anthropic-messages.render';

// IR events → the Anthropic Messages SSE stream (platform.claude.com/docs/en/build-with-claude/streaming):
//   message_start, ping, then per content block content_block_start / content_block_delta… /
//   content_block_stop, then message_delta (stop_reason, cumulative usage) and message_stop.
// IR deltas carry no block boundaries: a block opens when the kind of content changes (text,
// thinking, a new tool call) and closes when the next one opens or the message stops, so block
// indices follow the order content arrived in. A thinking block ends at its signature, as
// Anthropic's do. Anthropic streams one choice: events of other choices cannot occur (this
// dialect never asks for n > 1) and are ignored.

type OpenBlock = { kind: 'text' | 'tool' | 'redacted' } | { kind: 'thinking'; signed: boolean };

interface Stop {
  reason: FinishReason | undefined;
  raw: string | undefined;
  sequence: string | undefined;
}

export class AnthropicMessagesStreamRenderer implements StreamRenderer {
  private started = false;
  private blocks = 0;
  private open: OpenBlock | undefined;
  private openIndex = 0;
  /** IR tool call index → content block index. */
  private readonly toolBlocks = new Map<number, number>();
  private stop: Stop | undefined;
  private usage: Usage | undefined;
  private delivered = false;

  constructor(private readonly ctx: RenderContext) {}

  event(ev: ResponseEvent): string {
    const e = ev.event;
    if (!e) return '';
    switch (e.$case) {
      case 'start':
        return this.begin();
      case 'textDelta':
        if ((e.value.choice) !== 0 || !e.value.text) return '';
        return this.begin() + this.text() + this.delta({ type: 'text_delta', text: e.value.text });
      case 'reasoningDelta': {
        const v = e.value;
        if ((v.choice) !== 0) return '';
        let out = this.begin();
        if (v.redactedData) {
          out += this.close() + this.blockStart({ type: 'redacted_thinking', data: v.redactedData }, { kind: 'redacted' }) + this.close();
        }
        if (v.text) out += this.thinking() + this.delta({ type: 'thinking_delta', thinking: v.text });
        if (v.signature) {
          out += this.thinking() + this.delta({ type: 'signature_delta', signature: v.signature });
          this.open = { kind: 'thinking', signed: true };
        }
        return out;
      }
      case 'toolCallDelta': {
        const v = e.value;
        if ((v.choice) !== 0) return '';
        const call = v.index;
        let out = this.begin();
        let index = this.toolBlocks.get(call);
        if (index === undefined) {
          const block = { type: 'tool_use', id: joinToolCallId(v.id, v.signature), name: v.name, input: {}, caller: { type: 'direct' } };
          out += this.close() + this.blockStart(block, { kind: 'tool' });
          index = this.openIndex;
          this.toolBlocks.set(call, index);
        }
        // A fragment of a call whose block already closed (an upstream interleaving parallel
        // calls, which Anthropic never does) still goes to that call's block index: the SDK
        // accumulates deltas by index, and nothing the model said is lost.
        if (v.argumentsDelta) out += this.deltaAt(index, { type: 'input_json_delta', partial_json: v.argumentsDelta });
        return out;
      }
      case 'stop':
        if ((e.value.choice) !== 0) return '';
        this.stop = { reason: e.value.reason, raw: e.value.rawReason, sequence: e.value.stopSequence };
        return this.begin() + this.close() + this.finishIfReady();
      case 'usage':
        this.usage = e.value;
        return this.finishIfReady();
      case 'error':
        return this.error(e.value);
    }
  }

  end(): string {
    let out = this.begin() + this.close();
    if (!this.delivered) out += this.messageDelta();
    return `${out}event: message_stop\ndata: {"type":"message_stop"}\n\n`;
  }

  error(error: ErrorEvent): string {
    // The SDK raises an APIError carrying this body when it reads an `error` event.
    return `event: error\ndata: ${anthropicErrorBody(error)}\n\n`;
  }

  private begin(): string {
    if (this.started) return '';
    this.started = true;
    const message = {
      id: anthropicMessageId(this.ctx),
      type: 'message',
      role: 'assistant',
      model: this.ctx.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      // The IR learns the token counts at the end; message_delta carries them all, and the SDK
      // copies them over these.
      usage: {
        input_tokens: 0,
        cache_creation_input_tokens: null,
        cache_read_input_tokens: null,
        cache_creation: null,
        output_tokens: 0,
        output_tokens_details: null,
        server_tool_use: null,
        service_tier: null,
        inference_geo: null,
        speed: null,
      },
    };
    return `${sse('message_start', { type: 'message_start', message })}event: ping\ndata: {"type":"ping"}\n\n`;
  }

  /** Makes sure a text block is open. */
  private text(): string {
    if (this.open?.kind === 'text') return '';
    return this.close() + this.blockStart({ type: 'text', text: '', citations: null }, { kind: 'text' });
  }

  /** Makes sure an unsigned thinking block is open. */
  private thinking(): string {
    if (this.open?.kind === 'thinking' && !this.open.signed) return '';
    return this.close() + this.blockStart({ type: 'thinking', thinking: '', signature: '' }, { kind: 'thinking', signed: false });
  }

  private blockStart(contentBlock: Record<string, unknown>, open: OpenBlock): string {
    this.openIndex = this.blocks++;
    this.open = open;
    return sse('content_block_start', { type: 'content_block_start', index: this.openIndex, content_block: contentBlock });
  }

  private close(): string {
    if (!this.open) return '';
    this.open = undefined;
    return `event: content_block_stop\ndata: {"type":"content_block_stop","index":${this.openIndex}}\n\n`;
  }

  private delta(delta: Record<string, unknown>): string {
    return this.deltaAt(this.openIndex, delta);
  }

  private deltaAt(index: number, delta: Record<string, unknown>): string {
    return sse('content_block_delta', { type: 'content_block_delta', index, delta });
  }

  /** message_delta waits for both the stop and the usage (which may come after the stop). */
  private finishIfReady(): string {
    return this.stop && this.usage && !this.delivered ? this.messageDelta() : '';
  }

  private messageDelta(): string {
    this.delivered = true;
    const stop = anthropicStop(this.stop?.reason, this.stop?.raw, this.stop?.sequence);
    return sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stop.stop_reason, stop_sequence: stop.stop_sequence, stop_details: null, container: null },
      usage: anthropicDeltaUsage(this.usage),
    });
  }
}

function sse(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}
