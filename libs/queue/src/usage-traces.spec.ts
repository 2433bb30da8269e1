import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { Dialect, ErrorKind, type UsageEvent } from '@switchyard/ir';
import { SpanKind, contextWith, runIn, startSpan } from '@switchyard/telemetry';
import { UsageTraces } from './usage-traces';

const usage = (requestId: string): UsageEvent => ({ requestId, tenantId: 'acme', model: 'gpt-test', status: 'ok', usage: { inputTokens: 3, outputTokens: 5, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, keyId: '', providerId: '', deploymentId: '', upstreamModel: '', dialect: Dialect.DIALECT_UNSPECIFIED, stream: false, httpStatus: 0, errorKind: ErrorKind.ERROR_KIND_UNSPECIFIED, latencyMs: 0, ttftMs: 0, region: '', startedAt: 0, finishedAt: 0, cacheHit: false, attempts: 0, clientRequestId: '' });

describe(UsageTraces.name, () => {
  const sdk = new NodeSDK({ spanProcessors: [new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })], metricReaders: [], logRecordProcessors: [], instrumentations: [] });
  beforeAll(() => sdk.start());
  afterAll(() => sdk.shutdown());

  it('hands each event of a batch the trace context it was published in, by index', () => {
    const sut = new UsageTraces();
    const span = startSpan('request', SpanKind.SERVER, {});
    const traced = usage('a');
    const untraced = usage('b');
    runIn(contextWith(span), () => sut.remember(traced));
    sut.remember(untraced);
    const { traceId, spanId } = span.spanContext();
    expect(sut.of([untraced, traced])).toEqual(['', `00-${traceId}-${spanId}-01`]);
    expect(sut.of([untraced])).toBeUndefined();
  });

  it('carries nothing for a request whose trace is not recorded', () => {
    const sut = new UsageTraces();
    const event = usage('c');
    // A caller's unsampled context (flags 00): the request's span does not record.
    const unsampled = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.NONE });
    runIn(unsampled, () => sut.remember(event));
    expect(sut.of([event])).toBeUndefined();
  });
});
