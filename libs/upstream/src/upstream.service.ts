import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { DEFAULT_ROUTING, providerKeyContext, resolveUpstreamKey, SecretError, type SecretBox } from '@switchyard/config';
import { ErrorKind, IrError } from '@switchyard/ir';
import type { AdapterPort, CountTokensResponse, EmbedGenerateRequest, EmbedResponse, ErrorEvent, GenerateRequest, ResponseEvent, Target, Timeouts } from '@switchyard/ir';
import { SseParser, providerAdapter } from '@switchyard/providers';
import type { ProviderAdapter, UpstreamHttpRequest, UpstreamTarget } from '@switchyard/providers';
import { Agent, Dispatcher, request } from 'undici';
import { countEmbedTokens, countPromptTokens } from './local-token-count';
import { UpstreamProtocolError, transportError } from './upstream-errors';

// Error bodies are read for their message only; a hostile upstream cannot make us buffer more.
const MAX_ERROR_BODY = 64 * 1024;
const TOTAL_TIMEOUT = { kind: ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT, message: 'upstream exceeded the total time limit', retryable: false };

function errorEvent(value: ResponseEvent['event'] & { $case: 'error' }): ResponseEvent {
  return { event: value };
}

/**
 * Calls one upstream deployment over pooled keep-alive connections and turns its answer into
 * IR events (the adapter service of DESIGN.md §1). Never throws: failures become error events.
 */
@Injectable()
export class UpstreamService implements AdapterPort, OnModuleDestroy {
  private readonly agent: Dispatcher;

  /** `box` opens upstream keys stored sealed (SWITCHYARD_SECRET_KEYS); only this process holds it. */
  constructor(
    connectMs = DEFAULT_ROUTING.timeouts.connectMs,
    private readonly box?: SecretBox,
  ) {
    this.agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 256, connect: { timeout: connectMs } });
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.close();
  }

  async *generate(req: GenerateRequest, signal: AbortSignal): AsyncIterable<ResponseEvent> {
    const chat = req.request ?? {};
    const built = this.build(req.target, (adapter, target) => adapter.buildRequest(chat, target));
    if ('error' in built) {
      yield errorEvent({ $case: 'error', value: built.error });
      return;
    }
    const { adapter, http } = built;
    const dropped = http.dropped?.length ? http.dropped : undefined;
    for await (const ev of this.call(adapter, http, chat.stream ?? false, req.timeouts, signal)) {
      // The start event tells the ingress what this upstream could not take (x-switchyard-dropped-params).
      if (dropped && ev.event?.$case === 'start') ev.event.value.droppedParams = dropped;
      yield ev;
    }
  }

  async embed(req: EmbedGenerateRequest, signal: AbortSignal): Promise<EmbedResponse> {
    const request = req.request ?? {};
    const answer = await this.callJson(
      req.target,
      req.timeouts,
      signal,
      (adapter, target) => {
        if (!adapter.buildEmbedRequest) throw IrError.invalid(`The model \`${request.model}\` is served by ${adapter.manifest.id}, which has no embeddings API.`, 'model');
        return adapter.buildEmbedRequest(request, target);
      },
      (adapter, body) => {
        if (!adapter.parseEmbedResponse) throw new Error('the provider has no embeddings parser');
        return adapter.parseEmbedResponse(body);
      },
    );
    if ('error' in answer) return { error: answer.error };
    const res = answer.value;
    if (answer.dropped?.length) res.start = { ...res.start, droppedParams: answer.dropped };
    // Gemini reports no usage for embeddings; the client and billing still get a count.
    if (!res.usage?.inputTokens) {
      res.usage = { ...res.usage, inputTokens: countEmbedTokens(request) };
      res.usageEstimated = true;
    }
    return res;
  }

  async countTokens(req: GenerateRequest, signal: AbortSignal): Promise<CountTokensResponse> {
    const request = req.request ?? {};
    const adapter = providerAdapter(req.target?.providerType ?? '');
    // Providers without a counting endpoint are counted here, without a round trip.
    if (adapter && !adapter.buildCountTokensRequest) return { inputTokens: countPromptTokens(request), estimated: true };
    const answer = await this.callJson(
      req.target,
      req.timeouts,
      signal,
      (a, target) => {
        if (!a.buildCountTokensRequest) throw new Error(`${a.manifest.id} has no token-counting endpoint`);
        return a.buildCountTokensRequest(request, target);
      },
      (a, body) => {
        if (!a.parseCountTokensResponse) throw new Error('the provider has no token-count parser');
        return a.parseCountTokensResponse(body);
      },
    );
    return 'error' in answer ? { error: answer.error } : { inputTokens: answer.value, estimated: false };
  }

  /**
   * One call answered with a single JSON body (embeddings, token counts): translate, send under
   * the call's timeouts, read. Any failure comes back as `{ error }`; an unreadable body as a
   * malformed-upstream error.
   */
  private async callJson<T>(
    target: Target | undefined,
    timeouts: Timeouts | undefined,
    signal: AbortSignal,
    translate: (adapter: ProviderAdapter, target: UpstreamTarget) => UpstreamHttpRequest,
    read: (adapter: ProviderAdapter, body: unknown) => T,
  ): Promise<{ value: T; dropped: string[] | undefined } | { error: ErrorEvent }> {
    const built = this.build(target, translate);
    if ('error' in built) return { error: built.error };
    const answer = await this.unary(built.adapter, built.http, timeouts, signal);
    if ('error' in answer) return { error: answer.error };
    try {
      return { value: read(built.adapter, answer.body), dropped: built.http.dropped };
    } catch (err) {
      return { error: malformed((err as Error).message) };
    }
  }

  /** The provider's translation of one call; a request it cannot express becomes an error. */
  private build(
    target: Target | undefined,
    translate: (adapter: ProviderAdapter, target: UpstreamTarget) => UpstreamHttpRequest,
  ): { adapter: ProviderAdapter; http: UpstreamHttpRequest } | { error: ErrorEvent } {
    const t = target ?? {};
    const adapter = providerAdapter(t.providerType ?? '');
    if (!adapter) return { error: { kind: ErrorKind.ERROR_KIND_INTERNAL, message: `provider type "${t.providerType}" is not served by this adapter`, retryable: false } };
    try {
      const http = translate(adapter, {
        baseUrl: t.baseUrl ?? '',
        apiKey: resolveUpstreamKey(t.apiKeyRef ?? '', this.box, providerKeyContext(t.providerId ?? '')) ?? '',
        upstreamModel: t.upstreamModel ?? '',
        options: t.optionsJson ? (JSON.parse(t.optionsJson) as Record<string, string>) : {},
      });
      return { adapter, http };
    } catch (err) {
      // A key that cannot be opened is the gateway's configuration, never the client's fault;
      // SecretError messages carry no key material.
      if (err instanceof SecretError) return { error: { kind: ErrorKind.ERROR_KIND_INTERNAL, message: `upstream key: ${err.message}`, retryable: false } };
      return { error: err instanceof IrError ? err.toEvent() : { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, message: String(err), retryable: false } };
    }
  }

  /** A single JSON answer (embeddings, token counts) under the same timeouts as a generation. */
  private async unary(adapter: ProviderAdapter, http: UpstreamHttpRequest, timeouts: Timeouts | undefined, signal: AbortSignal): Promise<{ body: unknown } | { error: ErrorEvent }> {
    let body: unknown;
    let error: ErrorEvent | undefined;
    for await (const ev of this.exchange(adapter, http, timeouts, signal, async (res) => {
      body = await res.body.json();
    })) {
      if (ev.event?.$case === 'error') error = ev.event.value;
    }
    if (error) return { error };
    if (signal.aborted) return { error: { kind: ErrorKind.ERROR_KIND_CANCELLED, message: 'the client went away', retryable: false } };
    return { body };
  }

  private call(adapter: ProviderAdapter, http: UpstreamHttpRequest, stream: boolean, timeouts: Timeouts | undefined, signal: AbortSignal): AsyncIterable<ResponseEvent> {
    return this.exchange(adapter, http, timeouts, signal, (res) => (stream ? this.stream(adapter, res) : this.json(adapter, res)));
  }

  private async *json(adapter: ProviderAdapter, res: Dispatcher.ResponseData): AsyncIterable<ResponseEvent> {
    yield* adapter.parseResponse(await res.body.json());
  }

  /**
   * One HTTP exchange with timeouts and cancellation; `read` consumes a successful answer
   * (yielding events or not). Failures of any phase are yielded as one error event.
   */
  private async *exchange(
    adapter: ProviderAdapter,
    http: UpstreamHttpRequest,
    timeouts: Timeouts | undefined,
    signal: AbortSignal,
    read: (res: Dispatcher.ResponseData) => AsyncIterable<ResponseEvent> | Promise<void>,
  ): AsyncIterable<ResponseEvent> {
    const t = timeouts ?? {};
    const firstTokenMs = t.firstTokenMs || DEFAULT_ROUTING.timeouts.firstTokenMs;
    // One controller and one timer per call: the client's abort and the total time limit both
    // cancel it (cheaper than AbortSignal.any + AbortSignal.timeout, which showed in profiles).
    const call = new AbortController();
    const onClientAbort = () => call.abort();
    signal.addEventListener('abort', onClientAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      call.abort();
    }, t.totalMs || DEFAULT_ROUTING.timeouts.totalMs);
    try {
      if (signal.aborted) return;
      let res: Dispatcher.ResponseData;
      try {
        res = await request(http.url, {
          method: 'POST',
          headers: http.headers,
          body: http.body,
          signal: call.signal,
          dispatcher: this.agent,
          headersTimeout: firstTokenMs,
          // Between stream chunks; a stalled stream fails instead of hanging the client forever.
          bodyTimeout: t.idleMs || firstTokenMs,
        });
      } catch (err) {
        if (signal.aborted) return;
        yield errorEvent({ $case: 'error', value: timedOut ? TOTAL_TIMEOUT : transportError(err, 'connect') });
        return;
      }
      if (res.statusCode >= 400) {
        yield errorEvent({ $case: 'error', value: await this.failure(adapter, res) });
        return;
      }
      // Until an event went on, a broken body is as retryable as a failed connect: nothing of
      // this answer reached anyone yet.
      let relayed = false;
      try {
        const out = read(res);
        if (out instanceof Promise) await out;
        else
          for await (const ev of out) {
            relayed = true;
            yield ev;
          }
      } catch (err) {
        res.body.destroy();
        if (signal.aborted) return;
        yield errorEvent({
          $case: 'error',
          value: timedOut
            ? TOTAL_TIMEOUT
            : err instanceof SyntaxError || err instanceof UpstreamProtocolError
              ? { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, message: `malformed upstream response: ${(err as Error).message}`, retryable: false }
              : transportError(err, relayed ? 'stream' : 'connect'),
        });
      }
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onClientAbort);
    }
  }

  private async *stream(adapter: ProviderAdapter, res: Dispatcher.ResponseData): AsyncIterable<ResponseEvent> {
    const sse = new SseParser();
    const parser = adapter.createStreamParser();
    const decoder = new TextDecoder();
    for await (const chunk of res.body) {
      for (const ev of sse.push(decoder.decode(chunk as Buffer, { stream: true }))) {
        for (const out of parser.push(ev)) yield out;
      }
      if (parser.done) break;
    }
    if (parser.finish) {
      let closing: ResponseEvent[];
      try {
        closing = parser.finish();
      } catch (err) {
        throw new UpstreamProtocolError((err as Error).message);
      }
      yield* closing;
    } else if (!parser.done) {
      throw new UpstreamProtocolError('the stream ended before its end marker');
    }
  }

  private async failure(adapter: ProviderAdapter, res: Dispatcher.ResponseData) {
    let body = '';
    try {
      for await (const chunk of res.body) {
        body += (chunk as Buffer).toString('utf8');
        if (body.length > MAX_ERROR_BODY) break;
      }
    } catch {
      // The status is enough to classify the failure.
    }
    res.body.destroy();
    const retryAfter = res.headers['retry-after'];
    return adapter.mapError(res.statusCode, body, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  }
}

function malformed(message: string): ErrorEvent {
  return { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, message: `malformed upstream response: ${message}`, retryable: false };
}
