import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { Logger } from '@nestjs/common';
import { type AdmitResponse, type AuthPort, ErrorKind, type RouterPort } from '@switchyard/ir';
import { SpanKind, TRACING, contextWith, runIn, startSpan } from '@switchyard/telemetry';
import { pipelineOf, serveThrough } from './chat-pipeline.harness';

// The request span and its `admit` child for a refused request: a known key's refusal still
// names the tenant, key and model on the request span (what an operator searches by), and the
// admit span's error.type is the snake_case kind logs and usage records use.

const PRINCIPAL = { tenantId: 'acme', keyId: 'key-7', models: [], region: '', allowedRegions: [], tenantModels: [], captureContent: false, corsOrigins: [] };
const refusal = (kind: ErrorKind, principal?: typeof PRINCIPAL): AdmitResponse => ({
  admitted: false,
  principal,
  error: { kind, message: 'refused', retryable: false, providerStatus: 0, retryAfterMs: 1000, param: '', attemptLog: [] },
  maxOutputTokens: 0,
});
const authAnswering = (answer: AdmitResponse): AuthPort => ({ admit: async () => answer, settle: async () => undefined, heartbeat: async () => undefined }) as unknown as AuthPort;
const NO_ROUTER = {} as RouterPort;
const CHAT = JSON.stringify({ model: 'gpt-public', messages: [{ role: 'user', content: 'hi' }] });

describe('request span of a refused request', () => {
  const exporter = new InMemorySpanExporter();
  const sdk = new NodeSDK({ spanProcessors: [new SimpleSpanProcessor({ exporter })], metricReaders: [], logRecordProcessors: [], instrumentations: [], resourceDetectors: [] });

  beforeAll(() => {
    Logger.overrideLogger(false);
    sdk.start();
    TRACING.on = true;
  });

  afterAll(async () => {
    TRACING.on = false;
    await sdk.shutdown();
  });

  beforeEach(() => exporter.reset());

  async function serveIn(answer: AdmitResponse): Promise<{ request: ReadableSpan; admit: ReadableSpan; status: number }> {
    const sut = pipelineOf(authAnswering(answer), NO_ROUTER, { publish: () => undefined });
    const span = startSpan('POST /v1/chat/completions', SpanKind.SERVER, {});
    const { status } = await runIn(contextWith(span), () => serveThrough(sut, '/v1/chat/completions', CHAT, { authorization: 'Bearer sk-sy-acme-0123456789abcdef' }));
    span.end();
    // No resource detectors: spans are exported as they end, nothing pending.
    const spans = exporter.getFinishedSpans();
    const find = (name: string) => spans.find((s) => s.name === name) ?? (() => { throw new Error(`no ${name} span`); })();
    return { request: find('POST /v1/chat/completions'), admit: find('admit'), status };
  }

  it('stamps tenant, key id and model on the request span of a known key refused for its budget', async () => {
    const { request, admit, status } = await serveIn(refusal(ErrorKind.ERROR_KIND_BUDGET_EXCEEDED, PRINCIPAL));

    expect(status).toBe(429);
    expect(request.attributes).toMatchObject({ 'switchyard.tenant.id': 'acme', 'switchyard.key.id': 'key-7', 'switchyard.model': 'gpt-public', 'gen_ai.request.model': 'gpt-public' });
    expect(admit.attributes['error.type']).toBe('budget_exceeded');
  });

  it('names nobody for an unknown key, and says authentication on its admit span', async () => {
    const { request, admit, status } = await serveIn(refusal(ErrorKind.ERROR_KIND_AUTHENTICATION));

    expect(status).toBe(401);
    expect(request.attributes['switchyard.tenant.id']).toBeUndefined();
    expect(admit.attributes['error.type']).toBe('authentication');
  });
});
