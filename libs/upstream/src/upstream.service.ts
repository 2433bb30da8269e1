import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { DEFAULT_ROUTING, resolveSecret } from '@switchyard/config';
import { ErrorKind, IrError } from '@switchyard/ir';
import type { AdapterPort, GenerateRequest, ResponseEvent } from '@switchyard/ir';
import { SseParser, providerAdapter } from '@switchyard/providers';
import type { ProviderAdapter } from '@switchyard/providers';
import { Agent, Dispatcher, request } from 'undici';
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

  constructor(connectMs = DEFAULT_ROUTING.timeouts.connectMs) {
    this.agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 256, connect: { timeout: connectMs } });
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.close();
  }

  async *generate(req: GenerateRequest, signal: AbortSignal): AsyncIterable<ResponseEvent> {
    const target = req.target ?? {};
    const adapter = providerAdapter(target.providerType ?? '');
    if (!adapter) {
      yield errorEvent({ $case: 'error', value: { kind: ErrorKind.ERROR_KIND_INTERNAL, message: `provider type "${target.providerType}" is not served by this adapter`, retryable: false } });
      return;
    }
    const chat = req.request ?? {};
    let http;
    try {
      http = adapter.buildRequest(chat, {
        baseUrl: target.baseUrl ?? '',
        apiKey: resolveSecret(target.apiKeyRef ?? '') ?? '',
        upstreamModel: target.upstreamModel ?? '',
        options: target.optionsJson ? (JSON.parse(target.optionsJson) as Record<string, string>) : {},
      });
    } catch (err) {
      const e = err instanceof IrError ? err.toEvent() : { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, message: String(err), retryable: false };
      yield errorEvent({ $case: 'error', value: e });
      return;
    }
    const t = req.timeouts ?? {};
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
          bodyTimeout: firstTokenMs,
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
      try {
        if (chat.stream) yield* this.stream(adapter, res);
        else yield* adapter.parseResponse(await res.body.json());
      } catch (err) {
        res.body.destroy();
        if (signal.aborted) return;
        yield errorEvent({
          $case: 'error',
          value: timedOut
            ? TOTAL_TIMEOUT
            : err instanceof SyntaxError || err instanceof UpstreamProtocolError
              ? { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, message: `malformed upstream response: ${(err as Error).message}`, retryable: false }
              : transportError(err, 'stream'),
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
    if (!parser.done) throw new UpstreamProtocolError('the stream ended before its end marker');
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
