import type { ResponseEvent } from '@switchyard/ir';
import { objectOf } from '../core/json-shape';
import type { ProviderStreamParser, SseEvent } from '../core/provider-adapter.types';
import { logprobsJsonOf, reasoningSeal, responsesFailure, responsesStartOf, responsesStopOf, responsesUsageToIr } from './openai-responses.response';
import type { ResponsesOutputItem, ResponsesResponse, ResponsesStreamEvent } from './openai-responses.types';

// OpenAI Responses API SSE → IR events. Every event is named and its data carries the same
// `type` (the data is read; the name is not needed). The stream has no [DONE]: it ends with
// response.completed, response.incomplete or response.failed (or an `error` event). Deltas:
// response.output_text.delta / refusal.delta (text), output_item.added of a function_call (its
// id and name) then function_call_arguments.delta (by output_index), reasoning_summary_text.delta
// and reasoning_text.delta (reasoning; a new summary part starts a new paragraph). A reasoning
// item's encrypted content comes whole with its output_item.done; every reasoning delta names its
// item (ReasoningDelta.item_id, from output_item.added). The `obfuscation` filler on
// delta events and every event not named here (content_part.*, *.done, in_progress …) carry
// nothing the IR needs.
export class OpenAiResponsesStreamParser implements ProviderStreamParser {
  private started = false;
  private finished = false;
  /** output_index of each function call → its IR tool-call index. */
  private readonly calls = new Map<number, number>();
  /** output_index of each reasoning item → its id, put on every reasoning delta of the item. */
  private readonly reasonings = new Map<number, string>();

  get done(): boolean {
    return this.finished;
  }

  push(sse: SseEvent): ResponseEvent[] {
    const ev = objectOf<ResponsesStreamEvent>(JSON.parse(sse.data), 'stream event');
    const out: ResponseEvent[] = [];
    if (!this.started && ev.response) {
      this.started = true;
      out.push(responsesStartOf(objectOf<ResponsesResponse>(ev.response, 'response')));
    }
    switch (ev.type) {
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        this.text(out, ev);
        break;
      case 'response.output_item.added':
        this.itemAdded(out, ev);
        break;
      case 'response.function_call_arguments.delta':
        out.push({ event: { $case: 'toolCallDelta', value: { index: this.calls.get(ev.output_index ?? 0) ?? 0, id: '', name: '', argumentsDelta: ev.delta ?? '', choice: 0, signature: '' } } });
        break;
      case 'response.reasoning_summary_part.added':
        if ((ev.summary_index ?? 0) > 0) out.push(this.reasoning(ev, '\n\n'));
        break;
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        if (ev.delta) out.push(this.reasoning(ev, ev.delta));
        break;
      case 'response.output_item.done': {
        const item = ev.item === undefined ? undefined : objectOf<ResponsesOutputItem>(ev.item, 'output item');
        // The text was streamed already: only the encrypted content and the id are new.
        const seal = item?.type === 'reasoning' && item.encrypted_content ? reasoningSeal(item, '') : undefined;
        if (seal) out.push(seal);
        break;
      }
      case 'response.completed':
      case 'response.incomplete': {
        const response = objectOf<ResponsesResponse>(ev.response, 'response');
        out.push(responsesStopOf(response, this.calls.size > 0));
        if (response.usage) out.push({ event: { $case: 'usage', value: responsesUsageToIr(response.usage) } });
        this.finished = true;
        break;
      }
      case 'response.failed':
      case 'error':
        // The upstream's words stay in the operator's log (the adapter logs this event's data).
        out.push(responsesFailure());
        this.finished = true;
        break;
      default:
        break;
    }
    return out;
  }

  private text(out: ResponseEvent[], ev: ResponsesStreamEvent): void {
    const text = ev.delta ?? '';
    const logprobsJson = logprobsJsonOf(ev.logprobs);
    if (text || logprobsJson) out.push({ event: { $case: 'textDelta', value: { text, choice: 0, logprobsJson, signature: '' } } });
  }

  /** A reasoning delta, naming its item (a renderer can then answer with the upstream's id from the start). */
  private reasoning(ev: ResponsesStreamEvent, text: string): ResponseEvent {
    const itemId = this.reasonings.get(ev.output_index ?? 0);
    return { event: { $case: 'reasoningDelta', value: { text, signature: '', redactedData: '', choice: 0, ...(itemId ? { itemId } : {}) } } };
  }

  private itemAdded(out: ResponseEvent[], ev: ResponsesStreamEvent): void {
    const item = objectOf<ResponsesOutputItem>(ev.item, 'output item');
    if (item.type === 'reasoning' && typeof item.id === 'string') this.reasonings.set(ev.output_index ?? 0, item.id);
    if (item.type !== 'function_call') return;
    const index = this.calls.size;
    this.calls.set(ev.output_index ?? index, index);
    out.push({ event: { $case: 'toolCallDelta', value: { index, id: item.call_id ?? '', name: item.name ?? '', argumentsDelta: item.arguments ?? '', choice: 0, signature: '' } } });
  }
}
