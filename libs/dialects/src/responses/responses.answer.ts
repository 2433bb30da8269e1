import { ErrorEvent, ErrorKind, FinishReason, ResponseEvent, Usage } from '@switchyard/ir';
import type { JsonObject } from '../json-guards';
import type { StreamRenderer } from '../dialect.types';
import { joinToolCallId } from '../tool-call-id';
import { REDACTED_REASONING_PREFIX } from './responses-input.parse';
import type { ResponsesEcho } from './responses.parse';

// IR events → an OpenAI Response object and, when streaming, the documented SSE sequence
// (platform.openai.com/docs/api-reference/responses-streaming; the `openai` SDK's
// ResponseStreamEvent types and its ResponseStream, which rebuilds the response from exactly
// these events): response.created, response.in_progress, then per output item
// response.output_item.added → its parts and deltas → response.output_item.done, then
// response.completed, response.incomplete (max_output_tokens, content filter) or
// response.failed. Every event carries `type` and a `sequence_number` from 0, framed as
// `event: <type>` + `data: <json>`. A JSON answer is the same builder run without the framing,
// so both shapes come from one code path.

/** Ids and stamps of one Response. */
export interface ResponsesAnswerContext {
  /** `resp_<hex>`; output item ids are derived from the same hex. */
  responseId: string;
  createdAt: number;
  /** The public model asked for. */
  model: string;
  echo: ResponsesEcho;
}

type OpenItem =
  | { kind: 'message'; item: JsonObject; index: number; text: string; logprobs: JsonObject[] }
  | { kind: 'reasoning'; item: JsonObject; index: number; text: string; signature: string }
  | { kind: 'function'; item: JsonObject; index: number; args: string; irIndex: number };

export class ResponsesAnswer implements StreamRenderer {
  private readonly output: JsonObject[] = [];
  private readonly hex: string;
  private open: OpenItem | undefined;
  private sequence = 0;
  private started = false;
  private finish: FinishReason = FinishReason.FINISH_REASON_UNSPECIFIED;
  private usage: Usage | undefined;
  private final: JsonObject | undefined;
  /** include reasoning.encrypted_content: shown to the client; always kept for the store. */
  private readonly encrypted: boolean;

  /** `sse`: render the stream's events; false for a JSON answer (only `response()` is wanted). */
  constructor(
    private readonly ctx: ResponsesAnswerContext,
    private readonly sse: boolean,
  ) {
    this.hex = ctx.responseId.slice('resp_'.length);
    this.encrypted = ctx.echo.include.includes(ENCRYPTED_REASONING);
  }

  event(ev: ResponseEvent): string {
    const e = ev.event;
    if (!e) return '';
    let out = this.begin();
    switch (e.$case) {
      case 'start':
        return out;
      case 'textDelta':
        if (e.value.choice !== 0 || !e.value.text) return out;
        out += this.messageItem();
        const message = this.open as Extract<OpenItem, { kind: 'message' }>;
        message.text += e.value.text;
        const logprobs = tokenLogprobs(e.value.logprobsJson);
        message.logprobs.push(...logprobs);
        return out + this.emit('response.output_text.delta', { item_id: message.item['id'], output_index: message.index, content_index: 0, delta: e.value.text, logprobs });
      case 'reasoningDelta': {
        const v = e.value;
        if (v.choice !== 0) return out;
        if (v.redactedData) {
          // Provider-encrypted reasoning: an item of its own, replayed through encrypted_content.
          out += this.close();
          const item = { id: this.itemId('rs'), type: 'reasoning', summary: [], encrypted_content: REDACTED_REASONING_PREFIX + v.redactedData };
          out += this.add(item);
          this.open = { kind: 'reasoning', item, index: this.output.length - 1, text: '', signature: '' };
          out += this.close();
        }
        if (!v.text && !v.signature) return out;
        out += this.reasoningItem(v.itemId);
        const open = this.open as Extract<OpenItem, { kind: 'reasoning' }>;
        open.signature += v.signature;
        if (!v.text) return out;
        // The summary part opens with its first text (a signature alone makes no part).
        if (!open.text) out += this.emit('response.reasoning_summary_part.added', { item_id: open.item['id'], output_index: open.index, summary_index: 0, part: { type: 'summary_text', text: '' } });
        open.text += v.text;
        return out + this.emit('response.reasoning_summary_text.delta', { item_id: open.item['id'], output_index: open.index, summary_index: 0, delta: v.text });
      }
      case 'toolCallDelta': {
        const v = e.value;
        if (v.choice !== 0) return out;
        if (this.open?.kind !== 'function' || this.open.irIndex !== v.index) {
          out += this.close();
          const item = { id: this.itemId('fc'), type: 'function_call', status: 'in_progress', arguments: '', call_id: joinToolCallId(v.id, v.signature), name: v.name };
          out += this.add(item);
          this.open = { kind: 'function', item, index: this.output.length - 1, args: '', irIndex: v.index };
        }
        if (!v.argumentsDelta) return out;
        this.open.args += v.argumentsDelta;
        return out + this.emit('response.function_call_arguments.delta', { item_id: this.open.item['id'], output_index: this.open.index, delta: v.argumentsDelta });
      }
      case 'stop':
        if (e.value.choice === 0) this.finish = e.value.reason;
        return out;
      case 'usage':
        this.usage = e.value;
        return out;
      case 'error':
        return out + this.error(e.value);
    }
  }

  /** The stream ended normally: the open item closes, then response.completed or response.incomplete. */
  end(): string {
    let out = this.begin() + this.close();
    const incomplete = this.incompleteReason();
    const response = this.snapshot(incomplete ? 'incomplete' : 'completed');
    if (incomplete) response['incomplete_details'] = { reason: incomplete };
    else response['completed_at'] = Math.floor(Date.now() / 1000);
    response['usage'] = responsesUsage(this.usage);
    this.final = response;
    out += this.emit(incomplete ? 'response.incomplete' : 'response.completed', { response: this.response() });
    return out;
  }

  /** A failure once the stream began: response.failed with the error (the stream's last event). */
  error(error: ErrorEvent): string {
    const response = this.snapshot('failed');
    response['error'] = { code: error.kind === ErrorKind.ERROR_KIND_RATE_LIMITED ? 'rate_limit_exceeded' : 'server_error', message: error.message || 'error' };
    response['usage'] = this.usage ? responsesUsage(this.usage) : null;
    this.final = response;
    return this.begin() + this.emit('response.failed', { response: this.response() });
  }

  /** The Response object as it ended (after `end` or `error`), as the client sees it. */
  response(): JsonObject {
    return responseAsIncluded(this.stored(), this.ctx.echo.include);
  }

  /** The Response object as it ended, with everything a later turn needs (encrypted reasoning): what is stored. */
  stored(): JsonObject {
    if (!this.final) this.end();
    return this.final as JsonObject;
  }

  private begin(): string {
    if (this.started) return '';
    this.started = true;
    if (!this.sse) return '';
    return this.emit('response.created', { response: this.snapshot('in_progress') }) + this.emit('response.in_progress', { response: this.snapshot('in_progress') });
  }

  private messageItem(): string {
    if (this.open?.kind === 'message') return '';
    let out = this.close();
    const item = { id: this.itemId('msg'), type: 'message', status: 'in_progress', content: [] as JsonObject[], role: 'assistant' };
    out += this.add(item);
    this.open = { kind: 'message', item, index: this.output.length - 1, text: '', logprobs: [] };
    return out + this.emit('response.content_part.added', { item_id: item.id, output_index: this.open.index, content_index: 0, part: { type: 'output_text', annotations: [], text: '' } });
  }

  private reasoningItem(upstreamId?: string): string {
    if (this.open?.kind === 'reasoning') return '';
    let out = this.close();
    const item = { id: upstreamId || this.itemId('rs'), type: 'reasoning', summary: [] as JsonObject[] };
    out += this.add(item);
    this.open = { kind: 'reasoning', item, index: this.output.length - 1, text: '', signature: '' };
    return out;
  }

  /** Appends an item to the output and announces it. */
  private add(item: JsonObject): string {
    this.output.push(item);
    return this.emit('response.output_item.added', { output_index: this.output.length - 1, item: this.shown(item) });
  }

  /** Closes the open item: its done events, its final form in the output. */
  private close(): string {
    const open = this.open;
    if (!open) return '';
    this.open = undefined;
    const id = open.item['id'];
    const index = open.index;
    let out = '';
    switch (open.kind) {
      case 'message': {
        const part = { type: 'output_text', annotations: [], logprobs: open.logprobs, text: open.text };
        out += this.emit('response.output_text.done', { item_id: id, output_index: index, content_index: 0, text: open.text, logprobs: open.logprobs });
        out += this.emit('response.content_part.done', { item_id: id, output_index: index, content_index: 0, part });
        open.item['content'] = [part];
        open.item['status'] = this.finish === FinishReason.FINISH_REASON_LENGTH ? 'incomplete' : 'completed';
        break;
      }
      case 'reasoning': {
        // The reasoning text is rendered as the item's one summary part: the IR does not tell
        // a summary from raw reasoning, and summary_text is what clients display and replay.
        if (open.text) {
          const part = { type: 'summary_text', text: open.text };
          out += this.emit('response.reasoning_summary_text.done', { item_id: id, output_index: index, summary_index: 0, text: open.text });
          out += this.emit('response.reasoning_summary_part.done', { item_id: id, output_index: index, summary_index: 0, part });
          open.item['summary'] = [part];
        }
        if (open.signature) open.item['encrypted_content'] = open.signature;
        break;
      }
      case 'function':
        out += this.emit('response.function_call_arguments.done', { item_id: id, output_index: index, name: open.item['name'], arguments: open.args });
        open.item['arguments'] = open.args;
        open.item['status'] = 'completed';
        break;
    }
    return out + this.emit('response.output_item.done', { output_index: index, item: this.shown(open.item) });
  }

  private shown(item: JsonObject): JsonObject {
    return this.encrypted ? item : withoutEncryptedContent(item);
  }

  private incompleteReason(): string | undefined {
    if (this.finish === FinishReason.FINISH_REASON_LENGTH) return 'max_output_tokens';
    if (this.finish === FinishReason.FINISH_REASON_CONTENT_FILTER) return 'content_filter';
    return undefined;
  }

  private snapshot(status: string): JsonObject {
    const e = this.ctx.echo;
    return {
      id: this.ctx.responseId,
      object: 'response',
      created_at: this.ctx.createdAt,
      status,
      background: false,
      error: null,
      incomplete_details: null,
      instructions: e.instructions,
      max_output_tokens: e.maxOutputTokens,
      max_tool_calls: null,
      model: this.ctx.model,
      output: status === 'in_progress' ? [] : this.output,
      top_logprobs: e.topLogprobs,
      parallel_tool_calls: e.parallelToolCalls,
      previous_response_id: e.previousResponseId,
      reasoning: e.reasoning,
      store: e.store,
      temperature: e.temperature,
      text: e.text,
      tool_choice: e.toolChoice,
      tools: e.tools,
      top_p: e.topP,
      truncation: e.truncation,
      usage: null,
      user: e.user,
      metadata: e.metadata,
    };
  }

  private emit(type: string, fields: JsonObject): string {
    if (!this.sse) return '';
    const data = JSON.stringify({ type, sequence_number: this.sequence++, ...fields });
    return `event: ${type}\ndata: ${data}\n\n`;
  }

  private itemId(prefix: string): string {
    return `${prefix}_${this.hex}${this.output.length}`;
  }
}

const ENCRYPTED_REASONING = 'reasoning.encrypted_content';

/**
 * A stored Response as a client that asked for `include` sees it: reasoning items carry
 * `encrypted_content` only with include reasoning.encrypted_content (OpenAI's rule; the store
 * keeps it, so a continued conversation replays the signed reasoning either way).
 */
export function responseAsIncluded(response: JsonObject, include: readonly string[]): JsonObject {
  if (include.includes(ENCRYPTED_REASONING) || !Array.isArray(response['output'])) return response;
  return { ...response, output: (response['output'] as JsonObject[]).map(withoutEncryptedContent) };
}

function withoutEncryptedContent(item: JsonObject): JsonObject {
  if (item['encrypted_content'] === undefined) return item;
  const { encrypted_content: _hidden, ...shown } = item;
  return shown;
}

/** The IR's log probabilities (Chat Completions' `{"content": [...]}`) as output_text.logprobs entries. */
function tokenLogprobs(json: string): JsonObject[] {
  if (!json) return [];
  const content = (JSON.parse(json) as { content?: unknown }).content;
  return Array.isArray(content) ? (content as JsonObject[]) : [];
}

export function responsesUsage(u: Usage | undefined): JsonObject {
  const input = u?.inputTokens ?? 0;
  const output = u?.outputTokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u?.cachedInputTokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: u?.reasoningTokens ?? 0 },
    total_tokens: input + output,
  };
}
