import { Logger } from '@nestjs/common';
import { type JsonObject, type OpenAiResponsesDialect, type PathParams, type ResponsesAnswer, type ResponsesCall, identifiedInputItems, parseInputItems, previousResponseNotFound, responseIdOf } from '@switchyard/dialects';
import { type PiiRedaction, redactChatRequest, restoreResponse } from '@switchyard/guardrails';
import { IrError, ResponseFolder } from '@switchyard/ir';
import type { ContentPart, ErrorEvent, Message, Principal, RequestSize, ResponseEvent, ResponseStorePort, RouterPort, StartEvent, StoredResponse } from '@switchyard/ir';
import { TRACING, activeSpan } from '@switchyard/telemetry';
import type { AdmittedCall } from '../admitted-call';
import { IMPOSED_MAX_TOKENS_HEADER, answerHeaders } from '../answer-headers';
import { recordContent } from '../content-capture';
import type { DataOperation } from '../data-operation';
import type { PeerSpill } from '../region/peer-spill';
import { spillOrFail } from '../region/spill-or-fail';
import type { RequestLimits } from '../request-limits';
import { SSE_HEADERS, sendBody, writeChunk } from '../response-writer';
import { UsageTracker } from '../usage-tracker';

/** A Responses request as the ingress holds it: the dialect's parse plus the conversation it continues. */
export interface ResponsesParsed extends ResponsesCall {
  /** The stored response `previous_response_id` names, once loaded (its tenant is checked after admission). */
  previous?: StoredResponse;
  /** The conversation's items before this request's input (what a later turn continues after). */
  history: JsonObject[];
}

type Resp = AdmittedCall<OpenAiResponsesDialect, ResponsesParsed>;

/**
 * POST /v1/responses (issue 17): the Responses dialect through the same admission skeleton,
 * limits, router, usage and audit as chat. What it adds: the stored conversation of
 * `previous_response_id` is loaded before admission (so admission counts it) and prepended to
 * the request; with `store` the answer is kept (the Response, its input items, the conversation
 * before them) before its last bytes are written, so a client that continues at once finds it.
 */
export class ResponsesOperation implements DataOperation<OpenAiResponsesDialect, ResponsesParsed, PathParams> {
  readonly operation = 'chat';
  private readonly log = new Logger('Responses');

  constructor(
    private readonly router: RouterPort,
    private readonly limits: RequestLimits,
    private readonly region: string,
    /** Where stored responses live; none when this ingress has no database. */
    private readonly store?: ResponseStorePort,
    private readonly spill?: PeerSpill,
  ) {}

  parse(dialect: OpenAiResponsesDialect, body: unknown): ResponsesParsed {
    const call = dialect.parseRequest(body);
    if (!this.store) {
      if (call.storeAsked) throw IrError.invalid('store: this gateway keeps no responses (its ingress has no database); send store: false', 'store');
      if (call.echo.previousResponseId) throw previousResponseNotFound(call.echo.previousResponseId);
      // The default (true) cannot be honoured: the answer says it was not stored.
      call.echo.store = false;
    }
    return { ...call, history: [] };
  }

  async load(parsed: ResponsesParsed): Promise<void> {
    const id = parsed.echo.previousResponseId;
    if (id && this.store) {
      const previous = await this.store.find(id);
      if (!previous) throw previousResponseNotFound(id);
      const output = carriedOutput(previous.response);
      parsed.previous = previous;
      parsed.history = [...previous.history, ...previous.inputItems, ...output];
      const earlier: { system: ContentPart[]; messages: Message[] } = { system: [], messages: [] };
      parseInputItems(parsed.history, 'previous_response_id', earlier);
      // A previous response's instructions are not carried over (OpenAI's rule); system
      // messages among its input items are, after this request's instructions.
      parsed.chat.system.splice(parsed.echo.instructions ? 1 : 0, 0, ...earlier.system);
      parsed.chat.messages.unshift(...earlier.messages);
    }
    if (parsed.chat.messages.length === 0) throw IrError.invalid('input: must contain at least one message or item', 'input');
  }

  /** Another tenant's stored response is answered as an unknown id (ids cannot be probed across tenants), unbilled. */
  authorize(parsed: ResponsesParsed, principal: Principal): void {
    const previous = parsed.previous;
    if (previous && previous.tenantId !== principal.tenantId) throw previousResponseNotFound(previous.id);
  }

  irRequest(parsed: ResponsesParsed): ResponsesParsed['chat'] {
    return parsed.chat;
  }

  size(parsed: ResponsesParsed): RequestSize {
    return this.limits.chat(parsed.chat);
  }

  redact(parsed: ResponsesParsed, redaction: PiiRedaction): void {
    redactChatRequest(parsed.chat, redaction);
  }

  meter(admitted: Resp): UsageTracker {
    return new UsageTracker(admitted.parsed.chat, admitted.dialect.id, this.region);
  }

  run(admitted: Resp): Promise<void> {
    const { parsed } = admitted;
    const chat = parsed.chat;
    const imposed = admitted.admission.maxOutputTokens;
    if (imposed && !chat.sampling?.maxTokens) {
      chat.sampling = { stop: [], ...chat.sampling, maxTokens: imposed };
      admitted.res.setHeader(IMPOSED_MAX_TOKENS_HEADER, String(imposed));
    }
    const ctx = { responseId: responseIdOf(admitted.call.requestId), createdAt: Math.floor(Date.now() / 1000), model: chat.model, echo: parsed.echo };
    const answer = admitted.dialect.createAnswer(ctx, chat.stream);
    // Content capture, as ChatOperation: only for a tenant that opted in, and only when traced.
    const span = TRACING.on && admitted.admission.principal.captureContent ? activeSpan() : undefined;
    const folder = span ? new ResponseFolder() : undefined;
    const events = this.answer(admitted, folder);
    const served = chat.stream ? this.stream(admitted, answer, events) : this.json(admitted, answer, events);
    return span && folder ? served.finally(() => recordContent(span, chat, folder.value)) : served;
  }

  /**
   * The router's answer, kept for the audit as the upstream gave it and with PII placeholders
   * put back (as ChatOperation); a capturing request folds it before the restore.
   */
  private answer({ parsed, signal, pii, bodies }: Resp, capture?: ResponseFolder): AsyncIterable<ResponseEvent> {
    let routed = this.router.route(parsed.chat, signal);
    if (bodies) routed = bodies.watch(routed);
    if (capture) routed = foldedInto(routed, capture);
    return pii?.restore ? restoreResponse(routed, pii.restore) : routed;
  }

  private async json(admitted: Resp, answer: ResponsesAnswer, events: AsyncIterable<ResponseEvent>): Promise<void> {
    const { res, signal, tracker } = admitted;
    let start: StartEvent | undefined;
    let error: ErrorEvent | undefined;
    for await (const ev of events) {
      tracker?.observe(ev);
      const e = ev.event;
      if (e?.$case === 'error') error ??= e.value;
      else if (!error) {
        if (e?.$case === 'start') start = e.value;
        answer.event(ev);
      }
    }
    if (signal.aborted) return;
    if (error) return spillOrFail(this.spill, admitted, error);
    await this.keep(admitted, answer.stored());
    sendBody(res, 200, JSON.stringify(answer.response()), answerHeaders(admitted.parsed.chat.droppedParams, start));
  }

  private async stream(admitted: Resp, answer: ResponsesAnswer, events: AsyncIterable<ResponseEvent>): Promise<void> {
    const { parsed, res, signal, tracker } = admitted;
    let open = false;
    for await (const ev of events) {
      tracker?.observe(ev);
      if (!open) {
        // Until the first good event the answer can still be a plain HTTP error with its status.
        if (ev.event?.$case === 'error') return spillOrFail(this.spill, admitted, ev.event.value);
        res.writeHead(200, { ...SSE_HEADERS, ...answerHeaders(parsed.chat.droppedParams, ev.event?.$case === 'start' ? ev.event.value : undefined) });
        open = true;
      }
      // Once the stream is open a failure is response.failed, the stream's last event. The
      // client holds the id from response.created, so the failed response is stored too (as
      // OpenAI keeps it: status failed with its error), before that last event goes out.
      if (ev.event?.$case === 'error') {
        const failed = answer.error(ev.event.value);
        await this.keep(admitted, answer.stored());
        await writeChunk(res, failed);
        res.end();
        return;
      }
      const pending = writeChunk(res, answer.event(ev));
      if (pending) await pending;
      if (signal.aborted) return;
    }
    if (signal.aborted) return;
    if (!open) res.writeHead(200, SSE_HEADERS);
    const tail = answer.end();
    await this.keep(admitted, answer.stored());
    res.end(tail);
  }

  /**
   * Stores a finished answer (completed, incomplete or failed) when the request asked to (`store`, true by default). A failed
   * write is logged and the answer still goes out: the tokens are spent, and the client learns
   * of the loss when it asks for the id.
   */
  private async keep(admitted: Resp, response: JsonObject): Promise<void> {
    const { parsed } = admitted;
    if (!parsed.echo.store || !this.store) return;
    const principal = admitted.admission.principal;
    const id = response['id'] as string;
    try {
      await this.store.save({
        id,
        tenantId: principal.tenantId,
        keyId: principal.keyId,
        model: parsed.chat.model,
        response,
        inputItems: identifiedInputItems(id, parsed.input),
        history: parsed.history,
      });
    } catch (err) {
      this.log.error(`response ${id} could not be stored: ${String(err)}`);
    }
  }
}

/**
 * What a later turn continues after from a stored response's output: all of it, except after a
 * failure. A failed response's output is what the model had produced when it broke off — a
 * message cut mid-word, a function call whose arguments never closed, which an upstream would
 * refuse as an unpaired call — so only its history and input are carried; the next turn asks
 * again from there. OpenAI's reference says nothing more about continuing a failed response.
 */
function carriedOutput(response: JsonObject): JsonObject[] {
  if (response['status'] === 'failed' || !Array.isArray(response['output'])) return [];
  return response['output'] as JsonObject[];
}

async function* foldedInto(events: AsyncIterable<ResponseEvent>, folder: ResponseFolder): AsyncGenerator<ResponseEvent> {
  for await (const ev of events) {
    folder.add(ev);
    yield ev;
  }
}
