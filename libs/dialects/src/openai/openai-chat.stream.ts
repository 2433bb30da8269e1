import { ErrorEvent, ResponseEvent, Usage } from '@switchyard/ir';
import type { RenderContext, StreamRenderer } from '../dialect.types';
import { joinToolCallId } from '../tool-call-id';
import { openAiErrorObject, openAiFinishReason, openAiThinkingBlocks, openAiUsage } from './openai-chat.render';

// IR events → OpenAI `chat.completion.chunk` SSE. With stream_options.include_usage every chunk
// carries `"usage":null` and one last chunk with empty choices carries the usage, then [DONE]
// (platform.openai.com/docs/api-reference/chat-streaming). With n > 1 each choice opens with
// its own role chunk, as OpenAI's do.
export class OpenAiChatStreamRenderer implements StreamRenderer {
  private readonly prefix: string;
  private readonly suffix: string;
  private readonly toolCallsSeen = new Set<string>();
  private readonly opened = new Set<number>();
  private usage: Usage | undefined;

  constructor(private readonly ctx: RenderContext) {
    // Every chunk shares id, created and model: build that JSON prefix once per stream.
    this.prefix = `data: {"id":${JSON.stringify(ctx.upstreamId ?? `chatcmpl-${ctx.requestId}`)},"object":"chat.completion.chunk","created":${ctx.created},"model":${JSON.stringify(ctx.model)},"choices":`;
    this.suffix = ctx.includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  }

  event(ev: ResponseEvent): string {
    const e = ev.event;
    if (!e) return '';
    switch (e.$case) {
      case 'start':
        return this.open(0);
      case 'textDelta': {
        const v = e.value;
        // Logprobs fragments are `{"content":[...]}` JSON written by our providers.
        const logprobs = v.logprobsJson ? v.logprobsJson : 'null';
        return this.chunk(v.choice, `{"content":${JSON.stringify(v.text)}}`, null, logprobs);
      }
      case 'reasoningDelta': {
        const v = e.value;
        const choice = v.choice;
        let out = v.text ? this.chunk(choice, `{"reasoning_content":${JSON.stringify(v.text)}}`, null) : '';
        // A signature or redacted reasoning has no place in reasoning_content: LiteLLM's
        // thinking_blocks carry them, so a client can send them back on the next turn.
        const blocks = openAiThinkingBlocks('', v.signature, v.redactedData ? [v.redactedData] : []);
        if (blocks) out += this.chunk(choice, `{"thinking_blocks":${JSON.stringify(blocks)}}`, null);
        return out;
      }
      case 'toolCallDelta': {
        const v = e.value;
        const key = `${v.choice}:${v.index}`;
        const call: Record<string, unknown> = { index: v.index };
        if (!this.toolCallsSeen.has(key)) {
          this.toolCallsSeen.add(key);
          call['id'] = joinToolCallId(v.id, v.signature);
          call['type'] = 'function';
          call['function'] = { name: v.name, arguments: v.argumentsDelta };
        } else {
          call['function'] = { arguments: v.argumentsDelta };
        }
        return this.chunk(v.choice, `{"tool_calls":[${JSON.stringify(call)}]}`, null);
      }
      case 'stop':
        return this.chunk(e.value.choice, '{}', openAiFinishReason(e.value.reason));
      case 'usage':
        this.usage = e.value;
        return '';
      case 'error':
        return this.error(e.value);
    }
  }

  end(): string {
    const usage = this.ctx.includeUsage ? `${this.prefix}[],"usage":${JSON.stringify(openAiUsage(this.usage))}}\n\n` : '';
    return `${usage}data: [DONE]\n\n`;
  }

  error(error: ErrorEvent): string {
    // The openai SDK raises an APIError when a data line carries `error`.
    return `data: ${JSON.stringify({ error: openAiErrorObject(error) })}\n\n`;
  }

  /** The role chunk that opens a choice, once. */
  private open(index: number): string {
    if (this.opened.has(index)) return '';
    this.opened.add(index);
    return this.line(index, '{"role":"assistant","content":""}', null, 'null');
  }

  private chunk(index: number, delta: string, finish: string | null, logprobs = 'null'): string {
    return this.open(index) + this.line(index, delta, finish, logprobs);
  }

  private line(index: number, delta: string, finish: string | null, logprobs: string): string {
    return `${this.prefix}[{"index":${index},"delta":${delta},"logprobs":${logprobs},"finish_reason":${finish === null ? 'null' : `"${finish}"`}}]${this.suffix}`;
  }
}
