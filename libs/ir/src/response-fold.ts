import { ErrorEvent, FinishReason, ResponseEvent, StartEvent, Usage } from './generated/switchyard/ir/v1/ir';

export interface FoldedToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface FoldedChoice {
  index: number;
  text: string;
  reasoning: string;
  reasoningSignature: string;
  toolCalls: FoldedToolCall[];
  finishReason: FinishReason;
}

/** A non-streaming response: the same events as a stream, folded together (DESIGN.md §2). */
export interface FoldedResponse {
  start: StartEvent;
  choices: FoldedChoice[];
  usage: Usage | undefined;
  error: ErrorEvent | undefined;
}

export class ResponseFolder {
  private readonly result: FoldedResponse = { start: {}, choices: [], usage: undefined, error: undefined };

  add(event: ResponseEvent): void {
    const e = event.event;
    if (!e) return;
    switch (e.$case) {
      case 'start':
        this.result.start = e.value;
        return;
      case 'textDelta':
        this.choice(e.value.choice).text += e.value.text ?? '';
        return;
      case 'reasoningDelta': {
        const c = this.choice(e.value.choice);
        c.reasoning += e.value.text ?? '';
        if (e.value.signature) c.reasoningSignature += e.value.signature;
        return;
      }
      case 'toolCallDelta': {
        const c = this.choice(e.value.choice);
        const index = e.value.index ?? 0;
        let call = c.toolCalls[index];
        if (!call) {
          call = { id: '', name: '', arguments: '' };
          c.toolCalls[index] = call;
        }
        if (e.value.id) call.id = e.value.id;
        if (e.value.name) call.name += e.value.name;
        call.arguments += e.value.argumentsDelta ?? '';
        return;
      }
      case 'stop':
        this.choice(e.value.choice).finishReason = e.value.reason ?? FinishReason.FINISH_REASON_STOP;
        return;
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
