import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ChatDialect, CountTokensDialect, EmbedDialect, PathParams, RenderContext, RenderedBody } from '@switchyard/dialects';
import { AUTH_PORT, ErrorKind, IrError, ROUTER_PORT, ResponseFolder, Role, USAGE_SINK, httpStatusOf } from '@switchyard/ir';
import type { Attempt, AuthPort, ChatRequest, CountTokensResponse, Dialect, ErrorEvent, Principal, RequestMeta, RequestSize, RouterPort, StartEvent, UsageSink } from '@switchyard/ir';
import { findUnstorableText, hashKey, mayHoldUnstorableText } from '@switchyard/shared';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { ClientAddressResolver } from './client-address';
import { credentialOf } from './credentials';
import type { DataRoute } from './dialect-registry';
import { MISSING_KEY, unstorableField } from './ingress-errors';
import { KeyGate } from './key-gate';
import { QuotaHold } from './quota-hold';
import { setRateLimitHeaders } from './rate-limit.headers';
import type { RequestLimits } from './request-limits';
import { SSE_HEADERS, sendBody, writeChunk } from './response-writer';
import { UsageTracker } from './usage-tracker';

export interface IncomingCall {
  /** Ours (minted by the ingress); the ledger's key. */
  requestId: string;
  /** The caller's own id, for correlation only (request-ids.ts). */
  clientRequestId: string | undefined;
  headers: IncomingHttpHeaders;
  query: Record<string, unknown> | undefined;
  body: string | undefined;
  clientIp: string;
}

/** What every dialect can do: answer an error in its own shape. */
export interface ErrorDialect {
  readonly id: Dialect;
  renderError(error: ErrorEvent): RenderedBody;
}

/** Lists request fields dropped as harmless on the way upstream (issue 3: nothing silently wrong). */
export const DROPPED_HEADER = 'x-switchyard-dropped-params';
/** Says a token count was made locally (the upstream has no counting endpoint or reported none). */
export const ESTIMATED_HEADER = 'x-switchyard-token-count';
/** Request: no-cache (do not answer from the cache) or no-store (do not touch it). Response: `hit` when the cache answered. */
export const CACHE_HEADER = 'x-switchyard-cache';
/** Every upstream try: deployment=outcome, in order (issue 5). */
export const ATTEMPTS_HEADER = 'x-switchyard-attempts';
/** The output limit a budgeted request without one was sent upstream with (its reservation assumed it). */
export const IMPOSED_MAX_TOKENS_HEADER = 'x-switchyard-max-tokens';

/** An admitted request: who it is for, and its hold on the quota store when anything was counted. */
export interface Admission {
  principal: Principal;
  hold?: QuotaHold;
  /** When a budget applies and the request set no output limit: the one it must be sent with. */
  maxOutputTokens: number;
}

export const INGRESS_OPTIONS = Symbol('IngressOptions');
export interface IngressOptions {
  region: string;
  /** The client's address for IP allow-lists (the socket's, or X-Forwarded-For from a trusted proxy). */
  clientAddress?: ClientAddressResolver;
  /** Size ceilings checked before admission (embeddings inputs, tokens per request). */
  limits: RequestLimits;
}

/**
 * One chat request from the client's dialect to the router and back (DESIGN.md §1, ingress):
 * credential and key gate (before the body is read) → parse → admit → route → render, then
 * exactly one usage event.
 */
@Injectable()
export class ChatPipeline {
  private readonly log = new Logger(ChatPipeline.name);
  private readonly gate: KeyGate;

  constructor(
    @Inject(AUTH_PORT) private readonly auth: AuthPort,
    @Inject(ROUTER_PORT) private readonly router: RouterPort,
    @Inject(USAGE_SINK) private readonly usage: UsageSink,
    @Inject(INGRESS_OPTIONS) private readonly options: IngressOptions,
  ) {
    this.gate = new KeyGate(auth);
  }

  /**
   * What runs before the body is read (issue 10): the credential and the key gate. The key's
   * hash when the body may be read; undefined once the refusal (401, or the route's own 400) was
   * answered, and the caller then discards the body. Synchronous in the steady state.
   */
  authenticate(route: DataRoute, call: IncomingCall, res: ServerResponse): string | undefined | Promise<string | undefined> {
    if (route.op === 'reject') {
      this.fail(route.dialect, res, route.error);
      return undefined;
    }
    const key = this.credential(route.dialect, call, res);
    if (!key) return undefined;
    const keyHash = hashKey(key);
    const verdict = this.gate.check({ keyHash, requestId: call.requestId, clientIp: call.clientIp, dialect: route.dialect.id });
    if (verdict === undefined) return keyHash;
    if (!(verdict instanceof Promise)) return this.refused(route.dialect, res, verdict);
    return verdict.then(
      (v) => (v ? this.refused(route.dialect, res, v) : keyHash),
      // The gate does not reject; should it, the full admission still decides.
      () => keyHash,
    );
  }

  private refused(dialect: ErrorDialect, res: ServerResponse, error: ErrorEvent): undefined {
    this.fail(dialect, res, error);
    return undefined;
  }

  /** Serves one data-path request of any dialect and operation, its body read and its key (`keyHash`) through the gate. */
  serve(route: DataRoute, call: IncomingCall, res: ServerResponse, keyHash: string): Promise<void> {
    switch (route.op) {
      case 'chat':
        return this.guard(route.dialect, res, call, () => this.run(route.dialect, call, res, route.path, keyHash));
      case 'count':
        return this.guard(route.dialect, res, call, () => this.count(route.dialect, call, res, route.path, keyHash));
      case 'embed':
        return this.guard(route.dialect, res, call, () => this.embed(route.dialect, call, res, route.path, keyHash));
      case 'reject':
        this.fail(route.dialect, res, route.error);
        return Promise.resolve();
    }
  }

  private async guard(dialect: ErrorDialect, res: ServerResponse, call: IncomingCall, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      // A dependency's typed failure (e.g. auth unreachable over gRPC → 503) keeps its kind;
      // anything else is our bug: log it whole and answer 500.
      if (err instanceof IrError) {
        this.log.warn(`request ${call.requestId}: ${err.detail ?? err.message}`);
        return this.fail(dialect, res, err.toEvent());
      }
      this.log.error(`request ${call.requestId} failed: ${(err as Error).stack ?? String(err)}`);
      this.fail(dialect, res, { kind: ErrorKind.ERROR_KIND_INTERNAL, message: 'internal error', retryable: false });
    }
  }

  private async run(dialect: ChatDialect, call: IncomingCall, res: ServerResponse, path: PathParams | undefined, keyHash: string): Promise<void> {
    const chat = this.parse(dialect, res, call, (body) => dialect.parseRequest(body, path));
    if (!chat) return;
    const admission = await this.admit(dialect, call, keyHash, chat.model ?? '', res, this.options.limits.chat(chat));
    if (!admission) return;
    chat.meta = { ...chat.meta, ...this.metaOf(call, admission.principal, dialect) };
    if (admission.maxOutputTokens && !chat.sampling?.maxTokens) {
      chat.sampling = { ...chat.sampling, maxTokens: admission.maxOutputTokens };
      res.setHeader(IMPOSED_MAX_TOKENS_HEADER, String(admission.maxOutputTokens));
    }

    const tracker = new UsageTracker(chat, dialect.id, this.options.region);
    const abort = this.abortOnClose(res);
    const ctx = this.context(call, chat.model ?? '', chat.includeUsage ?? false);
    try {
      if (chat.stream) await this.stream(dialect, chat, ctx, res, abort.signal, tracker);
      else await this.json(dialect, chat, ctx, res, abort.signal, tracker);
    } finally {
      abort.release();
      const event = tracker.finish(abort.signal.aborted, res.statusCode);
      const hedgeLosses = tracker.hedgeLosses();
      this.usage.publish(event);
      for (const lost of hedgeLosses) this.usage.publish(lost);
      admission.hold?.settle(event, hedgeLosses);
    }
  }

  /** POST /v1/messages/count_tokens, :countTokens — admitted like a chat request, not metered. */
  private async count(dialect: CountTokensDialect, call: IncomingCall, res: ServerResponse, path: PathParams | undefined, keyHash: string): Promise<void> {
    const chat = this.parse(dialect, res, call, (body) => dialect.parseCountTokens(body, path));
    if (!chat) return;
    // Counts as a request (per minute, concurrency) that consumes no tokens.
    const admission = await this.admit(dialect, call, keyHash, chat.model ?? '', res, { inputEstimate: 0, inputBound: 0, maxOutput: 0 });
    if (!admission) return;
    chat.meta = { ...chat.meta, ...this.metaOf(call, admission.principal, dialect) };
    const abort = this.abortOnClose(res);
    let counted: CountTokensResponse;
    try {
      counted = await this.router.countTokens(chat, abort.signal);
    } finally {
      abort.release();
      admission.hold?.settle(undefined);
    }
    if (counted.error) return this.fail(dialect, res, counted.error);
    sendBody(res, 200, dialect.renderCountTokens(counted), counted.estimated ? { [ESTIMATED_HEADER]: 'estimated' } : undefined);
  }

  /** POST /v1/embeddings, :embedContent, :batchEmbedContents — one usage event, like chat. */
  private async embed(dialect: EmbedDialect, call: IncomingCall, res: ServerResponse, path: (PathParams & { batch?: boolean }) | undefined, keyHash: string): Promise<void> {
    const parsed = this.parse(dialect, res, call, (body) => dialect.parseEmbedRequest(body, path));
    if (!parsed) return;
    const request = parsed.request;
    const admission = await this.admit(dialect, call, keyHash, request.model ?? '', res, this.options.limits.embed(request));
    if (!admission) return;
    request.meta = { ...request.meta, ...this.metaOf(call, admission.principal, dialect) };
    // The tracker sees the inputs as one user message, for its fallback estimate.
    const asChat: ChatRequest = {
      model: request.model,
      meta: request.meta,
      messages: [{ role: Role.ROLE_USER, content: (request.inputs ?? []).map((i) => ({ part: { $case: 'text' as const, value: { text: i.text ?? '' } } })) }],
    };
    const tracker = new UsageTracker(asChat, dialect.id, this.options.region);
    const abort = this.abortOnClose(res);
    try {
      const answer = await this.router.embed(request, abort.signal);
      if (answer.start) tracker.observe({ event: { $case: 'start', value: answer.start } });
      if (answer.usage) tracker.observe({ event: { $case: 'usage', value: answer.usage } });
      if (answer.error) {
        tracker.observe({ event: { $case: 'error', value: answer.error } });
        return this.fail(dialect, res, answer.error);
      }
      if (abort.signal.aborted) return;
      const headers = answerHeaders(request.droppedParams, answer.start);
      if (answer.usageEstimated) headers[ESTIMATED_HEADER] = 'estimated';
      sendBody(res, 200, dialect.renderEmbedResponse(answer, parsed, this.context(call, request.model ?? '', false)), headers);
    } finally {
      abort.release();
      const event = tracker.finish(abort.signal.aborted, res.statusCode);
      this.usage.publish(event);
      admission.hold?.settle(event);
    }
  }

  /** Who asks, from where, how (the x-switchyard-cache request header), and where they may be served. */
  private metaOf(call: IncomingCall, principal: Principal, dialect: ErrorDialect): RequestMeta {
    const cache = call.headers[CACHE_HEADER];
    return {
      requestId: call.requestId,
      clientRequestId: call.clientRequestId ?? '',
      tenantId: principal.tenantId,
      keyId: principal.keyId,
      region: this.options.region,
      dialect: dialect.id,
      cacheMode: typeof cache === 'string' ? cache.trim().toLowerCase() : '',
      allowedRegions: principal.allowedRegions ?? [],
    };
  }

  /** The parsed request, or undefined once a 400 naming the bad field was answered. */
  private parse<T>(dialect: ErrorDialect, res: ServerResponse, call: IncomingCall, parse: (body: unknown) => T): T | undefined {
    try {
      return parse(parseJson(call.body));
    } catch (err) {
      if (err instanceof IrError) {
        this.fail(dialect, res, err.toEvent());
        return undefined;
      }
      throw err;
    }
  }

  private context(call: IncomingCall, model: string, includeUsage: boolean): RenderContext {
    return { requestId: call.requestId, model, created: Math.floor(Date.now() / 1000), includeUsage };
  }

  /** An abort signal for a client that hangs up before the answer was written. */
  private abortOnClose(res: ServerResponse): { signal: AbortSignal; release(): void } {
    const abort = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) abort.abort();
    };
    res.once('close', onClose);
    return { signal: abort.signal, release: () => res.off('close', onClose) };
  }

  /** The key the client presented, or undefined once 401 was answered in its dialect. */
  credential(dialect: ErrorDialect, call: IncomingCall, res: ServerResponse): string | undefined {
    const key = credentialOf(call.headers, call.query);
    if (!key) this.fail(dialect, res, MISSING_KEY);
    return key;
  }

  /**
   * One admission round trip; undefined once the refusal was answered in the client's dialect.
   * `keyHash`: the sha256 of the key (`hashKey`), never the key. With `size` the call is counted
   * against the key's limits (every data call); without it (model lists) only the key is
   * checked. Rate-limit headers go on whatever answer follows.
   */
  async admit(dialect: ErrorDialect, call: IncomingCall, keyHash: string, model: string, res: ServerResponse, size?: RequestSize): Promise<Admission | undefined> {
    const admission = await this.auth.admit({
      keyHash,
      model,
      requestId: call.requestId,
      clientIp: this.options.clientAddress ? this.options.clientAddress(call.clientIp, call.headers) : call.clientIp,
      dialect: dialect.id,
      counted: size !== undefined,
      inputTokensEstimate: size?.inputEstimate ?? 0,
      inputTokensBound: size?.inputBound ?? 0,
      maxOutputTokens: size?.maxOutput ?? 0,
    });
    setRateLimitHeaders(res, dialect.id, admission.rate);
    if (admission.admitted && admission.principal) {
      return { principal: admission.principal, hold: admission.ticket && new QuotaHold(this.auth, admission.ticket), maxOutputTokens: admission.maxOutputTokens ?? 0 };
    }
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
    sendBody(res, 200, dialect.renderResponse(folded, ctx), answerHeaders(chat.droppedParams, folded.start));
  }

  private async stream(dialect: ChatDialect, chat: ChatRequest, ctx: RenderContext, res: ServerResponse, signal: AbortSignal, tracker: UsageTracker): Promise<void> {
    const renderer = dialect.createStreamRenderer(ctx);
    let open = false;
    for await (const ev of this.router.route(chat, signal)) {
      tracker.observe(ev);
      if (!open) {
        // Until the first good event the answer can still be a plain HTTP error with its status.
        if (ev.event?.$case === 'error') return this.fail(dialect, res, ev.event.value);
        res.writeHead(200, { ...SSE_HEADERS, ...answerHeaders(chat.droppedParams, ev.event?.$case === 'start' ? ev.event.value : undefined) });
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

  private fail(dialect: ErrorDialect, res: ServerResponse, error: ErrorEvent): void {
    const rendered = dialect.renderError(error);
    const headers = error.attemptLog?.length ? { ...rendered.headers, [ATTEMPTS_HEADER]: renderAttempts(error.attemptLog) } : rendered.headers;
    sendBody(res, rendered.status || httpStatusOf(error.kind), rendered.body, headers);
  }
}

function parseJson(body: string | undefined): unknown {
  if (body === undefined || body === '') throw IrError.invalid('The request body is empty; expected a JSON object.');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw IrError.invalid(`We could not parse the JSON body of your request: ${(err as Error).message}`);
  }
  // Hot path: the scan of the text is cheap; the walk runs only for bodies with suspect escapes.
  if (mayHoldUnstorableText(body)) {
    const field = findUnstorableText(value);
    if (field !== undefined) throw unstorableField(field);
  }
  return value;
}

/**
 * What the client is told in headers: the fields the dialect (`dialectDropped`) and the
 * provider dropped, every try, and a cache hit.
 */
function answerHeaders(dialectDropped: string[] | undefined, start: StartEvent | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  const dropped = new Set([...(dialectDropped ?? []), ...(start?.droppedParams ?? [])]);
  if (dropped.size) headers[DROPPED_HEADER] = [...dropped].join(', ');
  if (start?.attemptLog?.length) headers[ATTEMPTS_HEADER] = renderAttempts(start.attemptLog);
  if (start?.cacheHit) headers[CACHE_HEADER] = 'hit';
  return headers;
}

/** `provider=p;model=m;outcome=o[;status=n][;ms=n][;hedge]`, comma-separated, in try order. */
export function renderAttempts(log: readonly Attempt[]): string {
  return log
    .map((a) => {
      let s = `provider=${a.providerId ?? ''};model=${a.model ?? ''};outcome=${a.outcome ?? ''}`;
      if (a.status) s += `;status=${a.status}`;
      if (a.durationMs !== undefined) s += `;ms=${a.durationMs}`;
      if (a.hedge) s += ';hedge';
      return s;
    })
    .join(', ');
}
