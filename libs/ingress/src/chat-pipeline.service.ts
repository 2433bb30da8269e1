import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ChatDialect, RenderContext } from '@switchyard/dialects';
import { AUTH_PORT, ErrorKind, IrError, ROUTER_PORT, ResponseFolder, USAGE_SINK, httpStatusOf } from '@switchyard/ir';
import type { AuthPort, ChatRequest, ErrorEvent, Principal, RouterPort, UsageSink } from '@switchyard/ir';
import { hashKey } from '@switchyard/shared';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { credentialOf } from './credentials';
import { MISSING_KEY } from './ingress-errors';
import { SSE_HEADERS, sendBody, writeChunk } from './response-writer';
import { UsageTracker } from './usage-tracker';

export interface IncomingCall {
  requestId: string;
  headers: IncomingHttpHeaders;
  query: Record<string, unknown> | undefined;
  body: string | undefined;
  clientIp: string;
}

export const INGRESS_OPTIONS = Symbol('IngressOptions');
export interface IngressOptions {
  region: string;
}

/**
 * One chat request from the client's dialect to the router and back (DESIGN.md §1, ingress):
 * credential → parse → admit → route → render, then exactly one usage event.
 */
@Injectable()
export class ChatPipeline {
  private readonly log = new Logger(ChatPipeline.name);

  constructor(
    @Inject(AUTH_PORT) private readonly auth: AuthPort,
    @Inject(ROUTER_PORT) private readonly router: RouterPort,
    @Inject(USAGE_SINK) private readonly usage: UsageSink,
    @Inject(INGRESS_OPTIONS) private readonly options: IngressOptions,
  ) {}

  async handle(dialect: ChatDialect, call: IncomingCall, res: ServerResponse): Promise<void> {
    try {
      await this.run(dialect, call, res);
    } catch (err) {
      // A dependency's typed failure (e.g. auth unreachable over gRPC → 503) keeps its kind;
      // anything else is our bug: log it whole and answer 500.
      if (err instanceof IrError) {
        this.log.warn(`request ${call.requestId}: ${err.message}`);
        return this.fail(dialect, res, err.toEvent());
      }
      this.log.error(`request ${call.requestId} failed: ${(err as Error).stack ?? String(err)}`);
      this.fail(dialect, res, { kind: ErrorKind.ERROR_KIND_INTERNAL, message: 'internal error', retryable: false });
    }
  }

  private async run(dialect: ChatDialect, call: IncomingCall, res: ServerResponse): Promise<void> {
    const key = this.credential(dialect, call, res);
    if (!key) return;

    let chat: ChatRequest;
    try {
      chat = dialect.parseRequest(parseJson(call.body));
    } catch (err) {
      if (err instanceof IrError) return this.fail(dialect, res, err.toEvent());
      throw err;
    }
    const principal = await this.admit(dialect, call, key, chat.model ?? '', res);
    if (!principal) return;
    chat.meta = { ...chat.meta, requestId: call.requestId, tenantId: principal.tenantId, keyId: principal.keyId, region: this.options.region, dialect: dialect.id };

    const tracker = new UsageTracker(chat, dialect.id, this.options.region);
    const abort = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) abort.abort();
    };
    res.once('close', onClose);
    const ctx: RenderContext = { requestId: call.requestId, model: chat.model ?? '', created: Math.floor(Date.now() / 1000), includeUsage: chat.includeUsage ?? false };
    try {
      if (chat.stream) await this.stream(dialect, chat, ctx, res, abort.signal, tracker);
      else await this.json(dialect, chat, ctx, res, abort.signal, tracker);
    } finally {
      res.off('close', onClose);
      this.usage.publish(tracker.finish(abort.signal.aborted, res.statusCode));
    }
  }

  /** The key the client presented, or undefined once 401 was answered in its dialect. */
  credential(dialect: ChatDialect, call: IncomingCall, res: ServerResponse): string | undefined {
    const key = credentialOf(call.headers, call.query);
    if (!key) this.fail(dialect, res, MISSING_KEY);
    return key;
  }

  /** One admission round trip; undefined once the refusal was answered in the client's dialect. */
  async admit(dialect: ChatDialect, call: IncomingCall, key: string, model: string, res: ServerResponse): Promise<Principal | undefined> {
    const admission = await this.auth.admit({ keyHash: hashKey(key), model, requestId: call.requestId, clientIp: call.clientIp, dialect: dialect.id });
    if (admission.admitted && admission.principal) return admission.principal;
    this.fail(dialect, res, admission.error ?? { kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message: 'not admitted', retryable: false });
    return undefined;
  }

  private async json(dialect: ChatDialect, chat: ChatRequest, ctx: RenderContext, res: ServerResponse, signal: AbortSignal, tracker: UsageTracker): Promise<void> {
    const folder = new ResponseFolder();
    for await (const ev of this.router.route(chat, signal)) {
      tracker.observe(ev);
      folder.add(ev);
    }
    if (signal.aborted) return;
    const folded = folder.value;
    if (folded.error) return this.fail(dialect, res, folded.error);
    sendBody(res, 200, dialect.renderResponse(folded, ctx));
  }

  private async stream(dialect: ChatDialect, chat: ChatRequest, ctx: RenderContext, res: ServerResponse, signal: AbortSignal, tracker: UsageTracker): Promise<void> {
    const renderer = dialect.createStreamRenderer(ctx);
    let open = false;
    for await (const ev of this.router.route(chat, signal)) {
      tracker.observe(ev);
      if (!open) {
        // Until the first good event the answer can still be a plain HTTP error with its status.
        if (ev.event?.$case === 'error') return this.fail(dialect, res, ev.event.value);
        res.writeHead(200, SSE_HEADERS);
        open = true;
      }
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
    if (!open) {
      res.writeHead(200, SSE_HEADERS);
    }
    res.end(renderer.end());
  }

  private fail(dialect: ChatDialect, res: ServerResponse, error: ErrorEvent): void {
    const rendered = dialect.renderError(error);
    sendBody(res, rendered.status || httpStatusOf(error.kind), rendered.body, rendered.headers);
  }
}

function parseJson(body: string | undefined): unknown {
  if (body === undefined || body === '') throw IrError.invalid('The request body is empty; expected a JSON object.');
  try {
    return JSON.parse(body);
  } catch (err) {
    throw IrError.invalid(`We could not parse the JSON body of your request: ${(err as Error).message}`);
  }
}
