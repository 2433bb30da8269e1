import { ErrorEvent, FinishReason, ResponseEvent, StartEvent, Usage } from './generated/switchyard/ir/v1/ir';

export interface FoldedToolCall {
  id: string;
  name: string;
  arguments: string;
  /** Gemini thoughtSignature of the call. */
  signature?: string;
}

/** One content block of a choice, in the order the provider produced them. */
export type FoldedBlock =
  | { kind: 'reasoning'; text: string; signature: string }
  | { kind: 'redacted'; data: string }
  | { kind: 'text'; text: string }
  | { kind: 'tool'; index: number };

export interface FoldedChoice {
  index: number;
  text: string;
  reasoning: string;
  reasoningSignature: string;
  /** Anthropic redacted_thinking blocks, in order. */
  redactedData?: string[];
  toolCalls: FoldedToolCall[];
  finishReason: FinishReason;
  /** The provider's own stop value (e.g. "pause_turn") and the stop sequence that matched. */
  rawReason?: string;
  stopSequence?: string;
  /** Gemini thoughtSignature that came on a text part (the last one wins). */
  textSignature?: string;
  /** OpenAI-family logprobs fragments ({"content":[...]} JSON), in order. */
  logprobsJson?: string[];
  /**
   * The same content as ordered blocks (interleaved thinking, text and tool calls; several
   * signed thinking blocks kept apart), for dialects whose answers are ordered (Anthropic).
   */
  blocks?: FoldedBlock[];
}

/** A non-streaming response: the same events as a stream, folded (docs/architecture.md §2). */
export interface FoldedResponse {
  start: StartEvent;
  choices: FoldedChoice[];
  usage: Usage | undefined;
  error: ErrorEvent | undefined;
}

export class ResponseFolder {
  private readonly result: FoldedResponse = { start: { id: '', model: '', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] }, choices: [], usage: undefined, error: undefined };

  add(event: ResponseEvent): void {
    const e = event.event;
    if (!e) return;
    switch (e.$case) {
      case 'start':
        this.result.start = e.value;
        return;
      case 'textDelta': {
        const c = this.choice(e.value.choice);
        c.text += e.value.text;
        if (e.value.text) {
          const last = lastBlock(c);
          if (last?.kind === 'text') last.text += e.value.text;
          else (c.blocks ??= []).push({ kind: 'text', text: e.value.text });
        }
        if (e.value.signature) c.textSignature = e.value.signature;
        if (e.value.logprobsJson) (c.logprobsJson ??= []).push(e.value.logprobsJson);
        return;
      }
      case 'reasoningDelta': {
        const c = this.choice(e.value.choice);
        c.reasoning += e.value.text;
        if (e.value.signature) c.reasoningSignature += e.value.signature;
        if (e.value.redactedData) (c.redactedData ??= []).push(e.value.redactedData);
        foldReasoningBlock(c, e.value.text, e.value.signature, e.value.redactedData);
        return;
      }
      case 'toolCallDelta': {
        const c = this.choice(e.value.choice);
        const index = e.value.index;
        let call = c.toolCalls[index];
        if (!call) {
          call = { id: '', name: '', arguments: '' };
          c.toolCalls[index] = call;
          (c.blocks ??= []).push({ kind: 'tool', index });
        }
        if (e.value.id) call.id = e.value.id;
        if (e.value.name) call.name += e.value.name;
        if (e.value.signature) call.signature = e.value.signature;
        call.arguments += e.value.argumentsDelta;
        return;
      }
      case 'stop': {
        const c = this.choice(e.value.choice);
        c.finishReason = e.value.reason || FinishReason.FINISH_REASON_STOP;
        if (e.value.rawReason) c.rawReason = e.value.rawReason;
        if (e.value.stopSequence) c.stopSequence = e.value.stopSequence;
        return;
      }
      case 'usage':
        this.result.usage = e.value;
        return;
      case 'error':
        this.result.error = e.value;
        return;
    }
  }

  get value(): FoldedResponse {
    if (this.result.choices.length === 0) this.choice(0);
    return this.result;
  }

  private choice(index: number | undefined): FoldedChoice {
    const i = index ?? 0;
    let c = this.result.choices[i];
    if (!c) {
      c = { index: i, text: '', reasoning: '', reasoningSignature: '', toolCalls: [], finishReason: FinishReason.FINISH_REASON_UNSPECIFIED };
      this.result.choices[i] = c;
    }
    return c;
  }
}

function lastBlock(c: FoldedChoice): FoldedBlock | undefined {
  return c.blocks?.[c.blocks.length - 1];
}

/**
 * Thinking text continues the open thinking block; a signature closes it (Anthropic sends the
 * signature last), so the next thinking text starts a new block; redacted thinking is its own.
 */
function foldReasoningBlock(c: FoldedChoice, text: string, signature: string, redacted: string): void {
  if (redacted) {
    (c.blocks ??= []).push({ kind: 'redacted', data: redacted });
    return;
  }
  if (!text && !signature) return;
  const last = lastBlock(c);
  const open = last?.kind === 'reasoning' && !last.signature ? last : undefined;
  if (open) {
    open.text += text;
    open.signature += signature;
  } else (c.blocks ??= []).push({ kind: 'reasoning', text, signature });
}
