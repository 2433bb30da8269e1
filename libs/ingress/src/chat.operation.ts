import { type ChatDialect, type PathParams, type RenderContext, type StreamRenderer, upstreamIdFor } from '@switchyard/dialects';
import { type PiiRedaction, redactChatRequest, restoreResponse } from '@switchyard/guardrails';
import { ResponseFolder } from '@switchyard/ir';
import type { ChatRequest, RequestSize, ResponseEvent, RouterPort } from '@switchyard/ir';
import { type Span, TRACING, activeSpan } from '@switchyard/telemetry';
import type { AdmittedCall } from './admitted-call';
import { recordContent } from './content-capture';
import { IMPOSED_MAX_TOKENS_HEADER, answerHeaders } from './answer-headers';
import type { DataOperation } from './data-operation';
import type { PeerSpill } from './region/peer-spill';
import { spillOrFail } from './region/spill-or-fail';
import type { RequestLimits } from './request-limits';
import { SSE_HEADERS, sendBody, writeChunk } from './response-writer';
import { UsageTracker } from './usage-tracker';
import { carryVendorHeaders } from './vendor-headers';

type Chat = AdmittedCall<ChatDialect, ChatRequest>;

/** POST /v1/chat/completions, /v1/messages, :generateContent, :streamGenerateContent — routed, rendered as JSON or SSE, metered. */
export class ChatOperation implements DataOperation<ChatDialect, ChatRequest, PathParams> {
  readonly operation = 'chat';

  constructor(
    private readonly router: RouterPort,
    private readonly limits: RequestLimits,
    private readonly region: string,
    /** Spill-over to peer regions (region.peers); none when the region has no peers. */
    private readonly spill?: PeerSpill,
  ) {}

  parse(dialect: ChatDialect, body: unknown, path: PathParams): ChatRequest {
    return dialect.parseRequest(body, path);
  }

  irRequest(chat: ChatRequest): ChatRequest {
    return chat;
  }

  size(chat: ChatRequest): RequestSize {
    return this.limits.chat(chat);
  }

  redact(chat: ChatRequest, redaction: PiiRedaction): void {
    redactChatRequest(chat, redaction);
  }

  meter(admitted: Chat): UsageTracker {
    return new UsageTracker(admitted.parsed, admitted.dialect.id, this.region);
  }

  run(admitted: Chat): Promise<void> {
    const chat = admitted.parsed;
    carryVendorHeaders(chat, admitted.dialect.id, admitted.call.headers);
    const imposed = admitted.admission.maxOutputTokens;
    if (imposed && !chat.sampling?.maxTokens) {
      chat.sampling = { stop: [], ...chat.sampling, maxTokens: imposed };
      admitted.res.setHeader(IMPOSED_MAX_TOKENS_HEADER, String(imposed));
    }
    const ctx: RenderContext = { requestId: admitted.call.requestId, model: chat.model, created: Math.floor(Date.now() / 1000), includeUsage: chat.includeUsage };
    // Content capture: only for a tenant that opted in, and only when the request is traced.
    const span = TRACING.on && admitted.admission.principal.captureContent ? activeSpan() : undefined;
    if (span) return this.captured(admitted, ctx, span);
    const events = this.answer(admitted);
    return chat.stream ? this.stream(admitted, ctx, events) : this.json(admitted, ctx, events);
  }

  /**
   * The router's answer, with the request's PII placeholders put back when the key restores them.
   * A capturing request folds the answer before the restore: its span holds what the upstream
   * saw and said (placeholders), like the captured input, which is the masked request.
   */
  private answer({ parsed: chat, signal, pii, bodies }: Chat, capture?: ResponseFolder): AsyncIterable<ResponseEvent> {
    let routed = this.router.route(chat, signal);
    // The request audit keeps the answer as the upstream gave it (placeholders), like the masked request.
    if (bodies) routed = bodies.watch(routed);
    const events = capture ? foldedInto(routed, capture) : routed;
    return pii?.restore ? restoreResponse(events, pii.restore) : events;
  }

  /** Serves the request while folding what it answers (a stream assembled), then puts its content on `span`, however it ended. */
  private async captured(admitted: Chat, ctx: RenderContext, span: Span): Promise<void> {
    const chat = admitted.parsed;
    const folder = new ResponseFolder();
    const events = this.answer(admitted, folder);
    try {
      await (chat.stream ? this.stream(admitted, ctx, events) : this.json(admitted, ctx, events));
    } finally {
      recordContent(span, chat, folder.value);
    }
  }

  private async json(admitted: Chat, ctx: RenderContext, events: AsyncIterable<ResponseEvent>): Promise<void> {
    const { dialect, parsed: chat, res, signal, tracker } = admitted;
    const folder = new ResponseFolder();
    for await (const ev of events) {
      tracker?.observe(ev);
      folder.add(ev);
    }
    if (signal.aborted) return;
    const folded = folder.value;
    if (folded.error) return spillOrFail(this.spill, admitted, folded.error);
    const upstreamId = upstreamIdFor(dialect.id, folded.start);
    sendBody(res, 200, dialect.renderResponse(folded, upstreamId ? { ...ctx, upstreamId } : ctx), answerHeaders(chat.droppedParams, folded.start));
  }

  private async stream(admitted: Chat, ctx: RenderContext, events: AsyncIterable<ResponseEvent>): Promise<void> {
    const { dialect, parsed: chat, res, signal, tracker } = admitted;
    // Made at the first event, the answer's start, whose id a same-family client gets (upstream-id.ts).
    let renderer: StreamRenderer | undefined;
    for await (const ev of events) {
      tracker?.observe(ev);
      if (!renderer) {
        // Until the first good event the answer can still be a plain HTTP error with its status.
        if (ev.event?.$case === 'error') return spillOrFail(this.spill, admitted, ev.event.value);
        const start = ev.event?.$case === 'start' ? ev.event.value : undefined;
        const upstreamId = upstreamIdFor(dialect.id, start);
        renderer = dialect.createStreamRenderer(upstreamId ? { ...ctx, upstreamId } : ctx);
        res.writeHead(200, { ...SSE_HEADERS, ...answerHeaders(chat.droppedParams, start) });
      }
      // Once the stream is open a failure can only be the dialect's error event, ending it.
      if (ev.event?.$case === 'error') {
        await writeChunk(res, renderer.error(ev.event.value));
        res.end();
        return;
      }
      const pending = writeChunk(res, renderer.event(ev));
      if (pending) await pending;
      if (signal.aborted) return;
    }
    if (signal.aborted) return;
    if (!renderer) {
      res.writeHead(200, SSE_HEADERS);
      renderer = dialect.createStreamRenderer(ctx);
    }
    res.end(renderer.end());
  }
}

async function* foldedInto(events: AsyncIterable<ResponseEvent>, folder: ResponseFolder): AsyncGenerator<ResponseEvent> {
  for await (const ev of events) {
    folder.add(ev);
    yield ev;
  }
}
