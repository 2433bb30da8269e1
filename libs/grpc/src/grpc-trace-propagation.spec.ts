import { trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { type AdmitRequest, type AdmitResponse, type AuthPort, type ChatRequest, Dialect, type ResponseEvent, type RouterPort } from '@switchyard/ir';
import { SpanKind, TRACING, contextWith, runIn, startSpan } from '@switchyard/telemetry';
import { GrpcAuthClient } from './grpc-auth.client';
import { GrpcRouterClient } from './grpc-router.client';
import { GrpcServerHost } from './grpc-server.host';
import { serveAuth, serveRouter } from './port-service.registrar';

// Trace context across a real gRPC hop (docs/architecture.md §9, Traces): the client sends the
// active context as `traceparent` metadata, the server continues it in a SERVER span and runs
// the handler (a unary answer, or a stream's generator) inside it; a call without a context gets
// no span.

const ADMIT: AdmitRequest = { keyHash: 'sha256:abc', model: 'm', requestId: 'r-1', counted: true, clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0 };
const ADMITTED: AdmitResponse = { admitted: true, maxOutputTokens: 0 };
const REQUEST: ChatRequest = { model: 'm', system: [], messages: [], tools: [], stream: true, includeUsage: false, droppedParams: [] };
const EVENT: ResponseEvent = { event: { $case: 'textDelta', value: { text: 'hi', choice: 0, logprobsJson: '', signature: '' } } };

describe('gRPC trace propagation', () => {
  const exporter = new InMemorySpanExporter();
  const sdk = new NodeSDK({ spanProcessors: [new SimpleSpanProcessor({ exporter })], metricReaders: [], logRecordProcessors: [], instrumentations: [] });
  const host = new GrpcServerHost();
  // The span active inside each handler, as the handler saw it.
  const seen: { admit?: string; route?: string } = {};
  let auth: GrpcAuthClient;
  let router: GrpcRouterClient;

  beforeAll(async () => {
    sdk.start();
    TRACING.on = true;
    const authImpl: Pick<AuthPort, 'admit' | 'settle' | 'heartbeat'> = {
      admit: async () => {
        seen.admit = trace.getActiveSpan()?.spanContext().spanId;
        return ADMITTED;
      },
      settle: async () => undefined,
      heartbeat: async () => undefined,
    };
    const routerImpl = {
      async *route() {
        seen.route = trace.getActiveSpan()?.spanContext().spanId;
        yield EVENT;
      },
    } as unknown as RouterPort;
    serveAuth(host, authImpl as AuthPort);
    serveRouter(host, routerImpl);
    const port = await host.start('127.0.0.1', 0);
    auth = new GrpcAuthClient(`127.0.0.1:${port}`);
    router = new GrpcRouterClient(`127.0.0.1:${port}`);
  });

  afterAll(async () => {
    auth.close();
    router.close();
    await host.stop(100);
    TRACING.on = false;
    await sdk.shutdown();
  });

  beforeEach(() => exporter.reset());

  const server = (name: string): ReadableSpan | undefined => exporter.getFinishedSpans().find((s) => s.name === name);

  it('continues the caller’s trace in a server span around a unary handler', async () => {
    const parent = startSpan('caller', SpanKind.INTERNAL, {});
    await runIn(contextWith(parent), () => auth.admit(ADMIT));
    parent.end();
    // The answer can reach the client before the server has ended its span (seen under load).
    const span = await eventuallyFinished(() => server('switchyard.auth.v1.AuthService/Admit'));
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span.attributes).toMatchObject({ 'rpc.system': 'grpc', 'rpc.method': 'switchyard.auth.v1.AuthService/Admit' });
    expect(seen.admit).toBe(span.spanContext().spanId);
  });

  it('runs a server stream’s generator inside its server span', async () => {
    const parent = startSpan('caller', SpanKind.INTERNAL, {});
    const events: ResponseEvent[] = [];
    await runIn(contextWith(parent), async () => {
      for await (const ev of router.route(REQUEST, new AbortController().signal)) events.push(ev);
    });
    parent.end();
    expect(events).toHaveLength(1);
    const span = await eventuallyFinished(() => server('switchyard.router.v1.RouterService/Route'));
    expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(seen.route).toBe(span.spanContext().spanId);
  });

  it('makes no span for a call that carries no trace context', async () => {
    await auth.admit(ADMIT);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

/** A server span ends when the call's status has gone out, just after the client saw the answer. */
async function eventuallyFinished(find: () => ReadableSpan | undefined): Promise<ReadableSpan> {
  for (let i = 0; i < 100; i++) {
    const span = find();
    if (span) return span;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('span not finished');
}
