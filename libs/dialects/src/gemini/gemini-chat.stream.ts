import { ErrorEvent, FinishReason, ResponseEvent, ToolCallDelta, Usage } from '@switchyard/ir';
import type { RenderContext, StreamRenderer } from '../dialect.types';
import { functionCallPart, geminiFinishReason, geminiStatus, geminiUsageMetadata, malformedCallMessage } from './gemini-chat.render';
import { withLogprobs } from './gemini-logprobs';
import type { GeminiCandidate, GeminiPart } from './gemini.types';

// IR events → streamGenerateContent?alt=sse. Every event is `data: <GenerateContentResponse>`
// ended by CRLF CRLF, as generativelanguage.googleapis.com frames it; there is no end marker.
//
// - Text and thought fragments go out as they arrive, one part per chunk.
// - Gemini never splits a functionCall across chunks, so a call's argument fragments are held
//   until the call is complete (the next call, other content, or the stop of its choice).
// - The last chunk carries finishReason and usageMetadata, so it waits for both (or end()).
//   Its content is one empty text part, as Gemini's own last chunk: the SDK's chat session drops
//   a whole streamed turn from its history when any chunk has no content parts.

interface PendingCall {
  id: string;
  name: string;
  arguments: string;
  signature: string;
}

interface ChoiceState {
  /** The call whose arguments are still arriving. */
  call: PendingCall | undefined;
  finishReason: string | undefined;
  finishMessage: string | undefined;
}

const CLOSING_PART: GeminiPart[] = [{ text: '' }];

export class GeminiChatStreamRenderer implements StreamRenderer {
  private readonly suffix: string;
  private readonly choices = new Map<number, ChoiceState>();
  private usage: Usage | undefined;
  private finished = false;

  constructor(ctx: RenderContext) {
    // Every chunk ends with the same model version and response id: build that once.
    this.suffix = `,"modelVersion":${JSON.stringify(ctx.model)},"responseId":${JSON.stringify(ctx.upstreamId ?? ctx.requestId)}}\r\n\r\n`;
  }

  event(ev: ResponseEvent): string {
    const e = ev.event;
    if (!e || this.finished) return '';
    switch (e.$case) {
      case 'start':
        return '';
      case 'textDelta': {
        const { text, signature } = e.value;
        if (!text && !signature) return '';
        const part: GeminiPart = signature ? { text: text ?? '', thoughtSignature: signature } : { text: text ?? '' };
        const logprobs = e.value.logprobsJson ? [e.value.logprobsJson] : undefined;
        return this.flushCall(e.value.choice) + this.parts(e.value.choice, [part], logprobs);
      }
      case 'reasoningDelta': {
        const { text, signature } = e.value;
        // Anthropic redacted thinking has no Gemini form; it is only replayable to Anthropic.
        if (!text && !signature) return '';
        const part: GeminiPart = { text: text ?? '', thought: true };
        if (signature) part.thoughtSignature = signature;
        return this.flushCall(e.value.choice) + this.parts(e.value.choice, [part]);
      }
      case 'toolCallDelta':
        return this.toolCallDelta(e.value);
      case 'stop': {
        const choice = e.value.choice;
        const out = this.flushCall(choice);
        const state = this.state(choice);
        state.finishReason ??= geminiFinishReason(e.value.reason || FinishReason.FINISH_REASON_STOP);
        return out + (this.usage ? this.finish() : '');
      }
      case 'usage':
        this.usage = e.value;
        return [...this.choices.values()].some((c) => c.finishReason) ? this.finish() : '';
      case 'error':
        return this.error(e.value);
    }
  }

  end(): string {
    if (this.finished) return '';
    let out = '';
    for (const choice of this.choices.keys()) out += this.flushCall(choice);
    // A stream that ended without a stop for some choice still ended normally.
    if (this.choices.size === 0) this.state(0);
    return out + this.finish();
  }

  error(error: ErrorEvent): string {
    // @google/genai raises an ApiError for a data line holding `error` with a numeric code.
    this.finished = true;
    return `data: ${JSON.stringify({ error: geminiStatus(error) })}\r\n\r\n`;
  }

  private toolCallDelta(d: ToolCallDelta): string {
    const choice = d.choice;
    const state = this.state(choice);
    let out = '';
    // The first fragment of a call carries its id or name; the previous call is then complete.
    if (!state.call || d.id || d.name) {
      out = this.flushCall(choice);
      state.call = { id: d.id, name: d.name, arguments: '', signature: '' };
    }
    state.call.arguments += d.argumentsDelta;
    if (d.signature) state.call.signature = d.signature;
    return out;
  }

  private flushCall(choice: number): string {
    const state = this.choices.get(choice);
    const call = state?.call;
    if (!state || !call) return '';
    state.call = undefined;
    const part = functionCallPart(call);
    if (part) return this.parts(choice, [part]);
    // Gemini ends a turn whose call it could not form with MALFORMED_FUNCTION_CALL.
    state.finishReason = 'MALFORMED_FUNCTION_CALL';
    state.finishMessage ??= malformedCallMessage(call);
    return '';
  }

  /** The closing chunk: every choice's finish reason, and the usage when known. */
  private finish(): string {
    this.finished = true;
    const candidates: GeminiCandidate[] = [...this.choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, c]) => {
        const content = { parts: CLOSING_PART, role: 'model' as const };
        const finishReason = c.finishReason ?? 'STOP';
        return c.finishMessage ? { content, finishReason, finishMessage: c.finishMessage, index } : { content, finishReason, index };
      });
    const usage = this.usage ? `,"usageMetadata":${JSON.stringify(geminiUsageMetadata(this.usage))}` : '';
    return `data: {"candidates":${JSON.stringify(candidates)}${usage}${this.suffix}`;
  }

  private parts(index: number, parts: GeminiPart[], logprobs?: string[]): string {
    this.state(index);
    const candidate = withLogprobs({ content: { parts, role: 'model' }, index }, logprobs);
    return `data: {"candidates":[${JSON.stringify(candidate)}]${this.suffix}`;
  }

  private state(choice: number): ChoiceState {
    let s = this.choices.get(choice);
    if (!s) {
      s = { call: undefined, finishReason: undefined, finishMessage: undefined };
      this.choices.set(choice, s);
    }
    return s;
  }
}
