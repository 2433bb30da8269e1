import { ErrorEvent, ResponseEvent } from '@switchyard/ir';
import type { RenderContext, StreamRenderer } from '../dialect.types';
import { openAiErrorObject, openAiFinishReason, openAiUsage } from './openai-chat.render';

// IR events → OpenAI `chat.completion.chunk` SSE. With stream_options.include_usage every chunk
// carries `"usage":null` and one last chunk with empty choices carries the usage, then [DONE]
// (platform.openai.com/docs/api-reference/chat-streaming).
export class OpenAiChatStreamRenderer implements StreamRenderer {
  private readonly prefix: string;
  private readonly suffix: string;
  private readonly toolCallsSeen = new Set<string>();
  private usage: ResponseEvent['event'] | undefined;

  constructor(private readonly ctx: RenderContext) {
    // Every chunk shares id, created and model: build that JSON prefix once per stream.
    this.prefix = `data: {"id":${JSON.stringify(`chatcmpl-${ctx.requestId}`)},"object":"chat.completion.chunk","created":${ctx.created},"model":${JSON.stringify(ctx.model)},"choices":`;
    this.suffix = ctx.includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  }

  event(ev: ResponseEvent): string {
    const e = ev.event;
    if (!e) return '';
    switch (e.$case) {
      case 'start':
        return this.chunk(0, '{"role":"assistant","content":""}', null);
      case 'textDelta':
        return this.chunk(e.value.choice ?? 0, `{"content":${JSON.stringify(e.value.text ?? '')}}`, null);
      case 'reasoningDelta':
        return e.value.text ? this.chunk(e.value.choice ?? 0, `{"reasoning_content":${JSON.stringify(e.value.text)}}`, null) : '';
      case 'toolCallDelta': {
        const v = e.value;
        const key = `${v.choice ?? 0}:${v.index ?? 0}`;
        const call: Record<string, unknown> = { index: v.index ?? 0 };
        if (!this.toolCallsSeen.has(key)) {
          this.toolCallsSeen.add(key);
          call['id'] = v.id ?? '';
          call['type'] = 'function';
          call['function'] = { name: v.name ?? '', arguments: v.argumentsDelta ?? '' };
        } else {
          call['function'] = { arguments: v.argumentsDelta ?? '' };
        }
        return this.chunk(v.choice ?? 0, `{"tool_calls":[${JSON.stringify(call)}]}`, null);
      }
      case 'stop':
        return this.chunk(e.value.choice ?? 0, '{}', openAiFinishReason(e.value.reason));
      case 'usage':
        this.usage = e;
        return '';
      case 'error':
        return this.error(e.value);
    }
  }

  end(): string {
    let out = '';
    if (this.ctx.includeUsage) {
      const u = this.usage?.$case === 'usage' ? this.usage.value : undefined;
      out += `${this.prefix}[],"usage":${JSON.stringify(openAiUsage(u))}}\n\n`;
    }
    return `${out}data: [DONE]\n\n`;
  }

  error(error: ErrorEvent): string {
    // The openai SDK raises an APIError when a data line carries `error`.
    return `data: ${JSON.stringify({ error: openAiErrorObject(error) })}\n\n`;
  }

  private chunk(index: number, delta: string, finish: string | null): string {
    return `${this.prefix}[{"index":${index},"delta":${delta},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}}]${this.suffix}`;
  }
}
