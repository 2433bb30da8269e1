import { Logger, OnModuleDestroy } from '@nestjs/common';
import { DEFAULT_ROUTING, UPSTREAM_RESPONSE_LIMIT_DEFAULTS, providerKeyContext, resolveUpstreamKey, SecretError, type UpstreamKeySources, type UpstreamLimits } from '@switchyard/config';
import { ErrorKind, IrError } from '@switchyard/ir';
import type { AdapterPort, ChatRequest, CountTokensResponse, EmbedGenerateRequest, EmbedResponse, ErrorEvent, GenerateRequest, MediaGenerateRequest, MediaResponse, ResponseEvent, Target, Timeouts } from '@switchyard/ir';
import { SseParser, providerAdapter, upstreamError } from '@switchyard/providers';
import type { PassthroughPolicy, ProviderAdapter, UpstreamHttpRequest, UpstreamTarget } from '@switchyard/providers';
import { GEN_AI_OPERATION, TRACING, metricSeries } from '@switchyard/telemetry';
import { Dispatcher, request } from 'undici';
import { countEmbedTokens, countPromptTokens } from './local-token-count';
import { logExcerpt } from './log-redaction';
import { readBytesBody, readJsonBody } from './upstream-body.reader';
import { type Call, requestIdOf, totalTimeout, whereOf } from './upstream-call';
import { UpstreamClock } from './upstream-clock';
import { UpstreamProtocolError, UpstreamTooLargeError, protocol, protocolError } from './upstream-errors';
import { UpstreamFailures } from './upstream-failures';
import type { UpstreamOptions } from './upstream.options';
import { endUpstreamSpan, observeUpstreamEvent, startUpstreamSpan } from './upstream-span';
import { UpstreamPools } from './upstream-pools';

function errorEvent(value: ErrorEvent): ResponseEvent {
  return { event: { $case: 'error', value } };
}

/**
 * Calls one upstream deployment over pooled keep-alive connections and turns its answer into
 * IR events (the adapter of docs/architecture.md §1). Never throws: failures become error events.
 * Every error event that leaves carries a fixed text (docs/architecture.md §2, "Upstream errors");
 * what the upstream said goes to this process's log, redacted.
 */
export class UpstreamService implements AdapterPort, OnModuleDestroy {
  private readonly pools: UpstreamPools;
  private readonly keys: UpstreamKeySources;
  private readonly limits: UpstreamLimits;
  private readonly log = new Logger('Upstream');
  private readonly failures = new UpstreamFailures();

  /** Every setting is the process's, validated at boot: nothing here reads the environment but `env:` keys. */
  constructor({ outbound, secretBox, limits = UPSTREAM_RESPONSE_LIMIT_DEFAULTS }: UpstreamOptions) {
    this.pools = new UpstreamPools(outbound);
    this.keys = { box: secretBox, envPrefix: outbound.envPrefix };
    this.limits = limits;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pools.close();
  }

  async *generate(req: GenerateRequest, signal: AbortSignal): AsyncIterable<ResponseEvent> {
    const chat = req.request ?? { model: '', system: [], messages: [], tools: [], stream: false, includeUsage: false, droppedParams: [] };
    const call = this.build(req.target, (adapter, target) => adapter.buildRequest(chat, target));
    if ('error' in call) {
      yield errorEvent(call.error);
      return;
    }
    const dropped = call.http.dropped?.length ? call.http.dropped : undefined;
    const stream = chat.stream;
    const events = this.exchange(call, req.timeouts, signal, (res) => (stream ? this.stream(call, res) : this.json(call, res)));
    if (TRACING.on) {
      yield* this.traced(GEN_AI_OPERATION.chat, call, chat, events, dropped);
      return;
    }
    for await (const ev of events) {
      // The start event tells the ingress what this upstream could not take (x-switchyard-dropped-params).
      if (dropped && ev.event?.$case === 'start') ev.event.value.droppedParams = dropped;
      yield ev;
    }
  }

  /** `generate`'s relay inside the upstream call's span (docs/architecture.md §9, Traces). */
  private async *traced(operation: string, call: Call, chat: ChatRequest, events: AsyncIterable<ResponseEvent>, dropped: string[] | undefined): AsyncIterable<ResponseEvent> {
    const span = startUpstreamSpan(operation, call.target, call.http.url, chat);
    const reasons: string[] = [];
    let ended = false;
    try {
      for await (const ev of events) {
        if (dropped && ev.event?.$case === 'start') ev.event.value.droppedParams = dropped;
        observeUpstreamEvent(span, ev, reasons);
        // An error is the last event, and a caller that got one may never ask for more: the span ends with it.
        if (ev.event?.$case === 'error') {
          ended = true;
          endUpstreamSpan(span, reasons);
        }
        yield ev;
      }
    } finally {
      if (!ended) endUpstreamSpan(span, reasons);
    }
  }

  embed(req: EmbedGenerateRequest, signal: AbortSignal): Promise<EmbedResponse> {
    return TRACING.on ? this.tracedEmbed(req, signal) : this.embedOnce(req, signal);
  }

  /** `embed` inside the upstream call's span (docs/architecture.md §9, Traces). */
  private async tracedEmbed(req: EmbedGenerateRequest, signal: AbortSignal): Promise<EmbedResponse> {
    const span = startUpstreamSpan(GEN_AI_OPERATION.embeddings, req.target, req.target?.baseUrl ?? '', undefined);
    try {
      const res = await this.embedOnce(req, signal);
      if (res.error) observeUpstreamEvent(span, { event: { $case: 'error', value: res.error } }, []);
      else if (res.usage) observeUpstreamEvent(span, { event: { $case: 'usage', value: res.usage } }, []);
      return res;
    } finally {
      endUpstreamSpan(span, []);
    }
  }

  private async embedOnce(req: EmbedGenerateRequest, signal: AbortSignal): Promise<EmbedResponse> {
    const request = req.request ?? { model: '', inputs: [], taskType: '', title: '', droppedParams: [] };
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
    if ('error' in answer) return { error: answer.error, embeddings: [], usageEstimated: false };
    const res = answer.value;
    res.upstreamSeconds = answer.seconds;
    if (answer.dropped?.length) res.start = { id: '', model: '', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, cacheHit: false, attemptLog: [], ...res.start, droppedParams: answer.dropped };
    // Gemini reports no usage for embeddings; the client and billing still get a count.
    if (!res.usage?.inputTokens) {
      res.usage = { outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0, ...res.usage, inputTokens: countEmbedTokens(request) };
      res.usageEstimated = true;
    }
    return res;
  }

  async countTokens(req: GenerateRequest, signal: AbortSignal): Promise<CountTokensResponse> {
    const request = req.request ?? { model: '', system: [], messages: [], tools: [], stream: false, includeUsage: false, droppedParams: [] };
    const adapter = providerAdapter(req.target?.providerType ?? '');
    // Providers without a counting endpoint are counted here, without a round trip.
    if (adapter && !adapter.buildCountTokensRequest) return { inputTokens: countPromptTokens(request), estimated: true, upstreamSeconds: 0 };
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
    return 'error' in answer ? { error: answer.error, inputTokens: 0, estimated: false } : { inputTokens: answer.value, estimated: false, upstreamSeconds: answer.seconds };
  }

  /**
   * Images and audio (issue 17): the provider's translation (a 400 naming the model where the
   * family has none), one exchange, and the answer's bytes as the upstream sent them (within the
   * JSON answer limit), with what they say about usage.
   */
  async media(req: MediaGenerateRequest, signal: AbortSignal): Promise<MediaResponse> {
    const request = req.request ?? { model: '', operation: 0, fieldsJson: '', file: Buffer.alloc(0), fileName: '', fileType: '' };
    const call = this.build(req.target, (adapter, target) => {
      if (!adapter.buildMediaRequest) throw IrError.invalid(`The model \`${request.model}\` is served by ${adapter.manifest.id}, which has no images or audio API.`, 'model');
      return adapter.buildMediaRequest(request, target);
    });
    if ('error' in call) return { contentType: '', body: Buffer.alloc(0), error: call.error };
    const clock = new UpstreamClock();
    let answer: MediaResponse | undefined;
    let error: ErrorEvent | undefined;
    const read = async (res: Dispatcher.ResponseData) => {
      const body = await readBytesBody(res, this.limits.jsonBytes);
      const header = res.headers['content-type'];
      const contentType = (Array.isArray(header) ? header[0] : header) ?? 'application/octet-stream';
      const reading = protocol(() => call.adapter.readMediaAnswer?.(request, { contentType, body }) ?? { units: undefined, usage: undefined });
      answer = { contentType, body, usage: reading.usage, units: reading.units };
    };
    for await (const ev of this.exchange(call, req.timeouts, signal, read)) {
      if (ev.event?.$case === 'error') error = ev.event.value;
    }
    if (error) return { contentType: '', body: Buffer.alloc(0), error };
    if (!answer || signal.aborted) return { contentType: '', body: Buffer.alloc(0), error: { kind: ErrorKind.ERROR_KIND_CANCELLED, message: 'the client went away', retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] } };
    answer.upstreamSeconds = clock.seconds();
    return answer;
  }

  /**
   * One call answered with a single JSON body (embeddings, token counts): translate, send under
   * the call's timeouts, read within the JSON limit. Any failure comes back as `{ error }`.
   */
  private async callJson<T>(
    target: Target | undefined,
    timeouts: Timeouts | undefined,
    signal: AbortSignal,
    translate: (adapter: ProviderAdapter, target: UpstreamTarget) => UpstreamHttpRequest,
    parse: (adapter: ProviderAdapter, body: unknown) => T,
  ): Promise<{ value: T; dropped: string[] | undefined; seconds: number } | { error: ErrorEvent }> {
    const call = this.build(target, translate);
    if ('error' in call) return { error: call.error };
    // The call's upstream time, for the gateway-overhead series (a failure's is on its error).
    const clock = new UpstreamClock();
    let value: T | undefined;
    let error: ErrorEvent | undefined;
    const read = async (res: Dispatcher.ResponseData) => {
      const body = await readJsonBody(res, this.limits.jsonBytes);
      value = protocol(() => parse(call.adapter, body));
    };
    for await (const ev of this.exchange(call, timeouts, signal, read)) {
      if (ev.event?.$case === 'error') error = ev.event.value;
    }
    if (error) return { error };
    if (signal.aborted) return { error: { kind: ErrorKind.ERROR_KIND_CANCELLED, message: 'the client went away', retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] } };
    return { value: value as T, dropped: call.http.dropped, seconds: clock.seconds() };
  }

  /** The provider's translation of one call; a request it cannot express becomes an error. */
  private build(target: Target | undefined, translate: (adapter: ProviderAdapter, target: UpstreamTarget) => UpstreamHttpRequest): Call | { error: ErrorEvent } {
    const t = target ?? { deploymentId: '', providerId: '', providerType: '', baseUrl: '', apiKeyRef: '', upstreamModel: '', optionsJson: '', passthroughJson: '' };
    const adapter = providerAdapter(t.providerType);
    if (!adapter) return { error: this.misconfigured(t, `provider type "${t.providerType}" is not served by this adapter`) };
    let apiKey = '';
    try {
      apiKey = resolveUpstreamKey(t.apiKeyRef, providerKeyContext(t.providerId), this.keys) ?? '';
      const http = translate(adapter, {
        baseUrl: t.baseUrl,
        apiKey,
        upstreamModel: t.upstreamModel,
        options: t.optionsJson ? (JSON.parse(t.optionsJson) as Record<string, string>) : {},
        passthrough: t.passthroughJson ? (JSON.parse(t.passthroughJson) as PassthroughPolicy) : undefined,
      });
      return { adapter, http, apiKey, target: t };
    } catch (err) {
      // Our own refusals of the client's request (IrError) name the client's field and stay
      // as they are; anything else is the gateway's configuration (a key that cannot be opened
      // — SecretError messages carry no key material — or bad deployment options).
      if (err instanceof IrError) return { error: err.toEvent() };
      const detail = err instanceof SecretError ? `upstream key: ${err.message}` : logExcerpt(String(err), [apiKey]);
      return { error: this.misconfigured(t, detail) };
    }
  }

  private misconfigured(target: Target, detail: string): ErrorEvent {
    this.log.error(`${whereOf(target)}: cannot call the upstream: ${detail}`);
    return upstreamError('gateway-misconfigured', { retryable: false });
  }

  private async *json(call: Call, res: Dispatcher.ResponseData): AsyncIterable<ResponseEvent> {
    const body = await readJsonBody(res, this.limits.jsonBytes);
    yield* protocol(() => call.adapter.parseResponse(body, call.http));
  }

  /**
   * One HTTP exchange with timeouts and cancellation; `read` consumes a successful answer
   * (yielding events or not). Failures of any phase are yielded as one error event with its
   * fixed text, the upstream's status and request id.
   */
  private async *exchange(
    call: Call,
    timeouts: Timeouts | undefined,
    signal: AbortSignal,
    read: (res: Dispatcher.ResponseData) => AsyncIterable<ResponseEvent> | Promise<void>,
  ): AsyncIterable<ResponseEvent> {
    const t = timeouts ?? { connectMs: 0, firstTokenMs: 0, totalMs: 0, idleMs: 0 };
    const firstTokenMs = t.firstTokenMs || DEFAULT_ROUTING.timeouts.firstTokenMs;
    // One controller and one timer per call: the client's abort and the total time limit both
    // cancel it (cheaper than AbortSignal.any + AbortSignal.timeout, which showed in profiles).
    const abort = new AbortController();
    const onClientAbort = () => abort.abort();
    signal.addEventListener('abort', onClientAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, t.totalMs || DEFAULT_ROUTING.timeouts.totalMs);
    // The upstream call's own time (monotonic): the gateway-overhead metric subtracts it from
    // the request's duration (docs/metrics.md), and switchyard_upstream_duration_seconds has it.
    const clock = new UpstreamClock();
    try {
      if (signal.aborted) return;
      let res: Dispatcher.ResponseData;
      try {
        res = await request(call.http.url, {
          method: 'POST',
          headers: call.http.headers,
          body: call.http.bytes ?? call.http.body,
          signal: abort.signal,
          dispatcher: this.pools.of(t.connectMs),
          headersTimeout: firstTokenMs,
          // Between stream chunks; a stalled stream fails instead of hanging the client forever.
          bodyTimeout: t.idleMs || firstTokenMs,
        });
      } catch (err) {
        if (signal.aborted) return;
        yield errorEvent(clock.stamp(this.failures.seal(call, timedOut ? totalTimeout() : this.failures.transport(call, err, 'connect'), undefined)));
        return;
      }
      if (res.statusCode >= 400) {
        const requestId = requestIdOf(call, res);
        yield errorEvent(clock.stamp(this.failures.seal(call, await this.failures.failure(call, res, requestId), requestId)));
        return;
      }
      // Until an event went on, a broken body is as retryable as a failed connect: nothing of
      // this answer reached anyone yet.
      let relayed = false;
      // The usage event waits for the answer's last byte, to carry the call's whole time; it
      // only ever moves past stop events, the order OpenAI streams have anyway. The last stop
      // event waits too: when no usage came (an upstream that reports none), it carries the time.
      let usage: ResponseEvent | undefined;
      let stop: ResponseEvent | undefined;
      try {
        const out = read(res);
        if (out instanceof Promise) await out;
        else
          for await (const ev of out) {
            relayed = true;
            const e = ev.event;
            if (e?.$case === 'usage') {
              usage = ev;
              continue;
            }
            if (stop) yield stop;
            stop = undefined;
            if (e?.$case === 'stop') {
              stop = ev;
              continue;
            }
            if (e?.$case === 'error') {
              if (usage) yield clock.stampUsage(usage);
              usage = undefined;
              e.value = clock.stamp(this.failures.seal(call, e.value, requestIdOf(call, res)));
            }
            yield ev;
          }
        if (stop) yield usage ? stop : clock.stampStop(stop);
        stop = undefined;
        if (usage) yield clock.stampUsage(usage);
      } catch (err) {
        res.body.destroy();
        if (signal.aborted) return;
        if (stop) yield stop;
        if (usage) yield clock.stampUsage(usage);
        yield errorEvent(clock.stamp(this.failures.seal(call, timedOut ? totalTimeout() : this.failures.bodyError(call, err, relayed), requestIdOf(call, res))));
      }
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onClientAbort);
      if (!signal.aborted) metricSeries().upstreamDuration.child({ provider: call.target.providerId, deployment: call.target.deploymentId }).observe(clock.seconds());
    }
  }

  private async *stream(call: Call, res: Dispatcher.ResponseData): AsyncIterable<ResponseEvent> {
    const sse = new SseParser(this.limits.eventBytes);
    const parser = call.adapter.createStreamParser(call.http);
    const decoder = new TextDecoder();
    let total = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > this.limits.streamBytes) throw new UpstreamTooLargeError(`the upstream stream passed the ${this.limits.streamBytes}-byte limit`);
      for (const ev of sse.push(decoder.decode(chunk, { stream: true }))) {
        let events: ResponseEvent[];
        try {
          events = parser.push(ev);
        } catch (err) {
          throw protocolError(err);
        }
        for (const out of events) {
          // What the upstream said about its failure is for the operator only.
          if (out.event?.$case === 'error') this.log.warn(`${whereOf(call.target)}: error event in the stream: ${logExcerpt(ev.data, [call.apiKey])}`);
          yield out;
        }
      }
      if (parser.done) break;
    }
    if (parser.finish) {
      yield* protocol(() => parser.finish?.() ?? []);
    } else if (!parser.done) {
      throw new UpstreamProtocolError('the stream ended before its end marker');
    }
  }
}
