import { MemoryResponseCache } from '@switchyard/cache';
import { Dialect, type ErrorEvent, type ResponseEvent } from '@switchyard/ir';
import { metricSeries } from '@switchyard/telemetry';
import type { DeploymentEntry, ModelEntry } from './catalogue.types';
import { OPENAI_EU, UNARY_UPSTREAM_SECONDS, VLLM, collect, deployment, hello, overloaded, pinRandomEachTest, request, scriptedRouter, started, stopped } from './router.harness';
import { RouterService } from './router.service';

function model(name: string, deployments: DeploymentEntry[], extra: Partial<ModelEntry> = {}): ModelEntry {
  return { name, fallbacks: [], tiers: [deployments], created: 1, ...extra };
}

function usage(upstreamSeconds: number): ResponseEvent {
  return { event: { $case: 'usage', value: { inputTokens: 5, outputTokens: 2, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0, upstreamSeconds } } };
}

function failedAfter(upstreamSeconds: number): ResponseEvent {
  const e = overloaded().event as { value: ErrorEvent };
  return { event: { $case: 'error', value: { ...e.value, upstreamSeconds } } };
}

function attempts(deployment: string, kind: string, outcome: string): number {
  return metricSeries().attempts.find({ deployment, kind, outcome })?.value ?? 0;
}

function usageOf(events: ResponseEvent[]): number | undefined {
  const ev = events.find((e) => e.event?.$case === 'usage')?.event;
  return ev?.$case === 'usage' ? ev.value.upstreamSeconds : undefined;
}

describe(`${RouterService.name}: metrics (issue 13)`, () => {
  pinRandomEachTest();
  const a = deployment('m-a', OPENAI_EU, 1);
  const b = deployment('m-b', VLLM, 1);
  const c = deployment('m-c', VLLM, 1);

  it('counts a retried request as its first try that failed and the retry that answered, and adds their upstream time', async () => {
    const { sut } = await scriptedRouter([[failedAfter(0.25)], [started, hello, stopped, usage(0.5)]], [model('retried', [a, b])]);

    const events = await collect(sut.route(request('retried'), new AbortController().signal));

    expect(attempts('m-a', 'first', 'overloaded')).toBe(1);
    expect(attempts('m-b', 'retry', 'ok')).toBe(1);
    expect(metricSeries().attempts.find({ deployment: 'm-a' })).toBeDefined();
    expect(usageOf(events)).toBeCloseTo(0.75, 9);
  });

  it('counts a try of a fallback model as a fallback, and puts every try\'s upstream time on the final error', async () => {
    const { sut } = await scriptedRouter([[failedAfter(0.25)], [failedAfter(1)]], [model('main', [c], { fallbacks: ['spare'] }), model('spare', [deployment('m-d', VLLM, 1)])], { retries: 0 });

    const events = await collect(sut.route(request('main'), new AbortController().signal));

    expect(attempts('m-c', 'first', 'overloaded')).toBe(1);
    expect(attempts('m-d', 'fallback', 'overloaded')).toBe(1);
    const last = events[events.length - 1]?.event;
    expect(last?.$case === 'error' && last.value.upstreamSeconds).toBeCloseTo(1.25, 9);
  });

  it('adds a failed try\'s upstream time to the embeddings or token count that answered after it, and to the final error', async () => {
    const signal = new AbortController().signal;
    const embed = (model: string) => ({ model, inputs: [{ text: 'hi', tokens: [] }], taskType: '', title: '', droppedParams: [] });
    const { sut } = await scriptedRouter([[failedAfter(0.25)], [], [failedAfter(0.25)], []], [model('unary', [deployment('m-u1', VLLM, 1), deployment('m-u2', VLLM, 1)])]);

    expect((await sut.embed(embed('unary'), signal)).upstreamSeconds).toBeCloseTo(0.25 + UNARY_UPSTREAM_SECONDS, 9);
    expect((await sut.countTokens(request('unary'), signal)).upstreamSeconds).toBeCloseTo(0.25 + UNARY_UPSTREAM_SECONDS, 9);

    const { sut: failing } = await scriptedRouter([[failedAfter(0.25)], [failedAfter(1)]], [model('down', [deployment('m-u3', VLLM, 1), deployment('m-u4', VLLM, 1)])], { retries: 1 });
    expect((await failing.embed(embed('down'), signal)).error?.upstreamSeconds).toBeCloseTo(1.25, 9);
  });

  it('counts cache look-ups by model and result, and a replayed answer carries no upstream time', async () => {
    const cache = new MemoryResponseCache({ maxBytes: 1 << 20, maxEntryBytes: 1 << 16 });
    const { sut } = await scriptedRouter([[started, hello, stopped, usage(0.5)]], [model('cached', [deployment('m-e', OPENAI_EU, 1)], { cacheTtlSeconds: 60 })], {}, cache);
    const ask = () => collect(sut.route({ ...request('cached'), meta: { requestId: '', clientRequestId: '', tenantId: 'acme', keyId: '', endUserId: '', region: '', dialect: Dialect.DIALECT_UNSPECIFIED, cacheMode: '', allowedRegions: [] } }, new AbortController().signal));

    expect(usageOf(await ask())).toBe(0.5);
    const replayed = await ask();

    expect(usageOf(replayed)).toBe(0);
    expect(metricSeries().cacheLookups.find({ model: 'cached', result: 'miss' })?.value).toBe(1);
    expect(metricSeries().cacheLookups.find({ model: 'cached', result: 'hit' })?.value).toBe(1);
    // The hit made no call: the one try is the miss's.
    expect(attempts('m-e', 'first', 'ok')).toBe(1);
    await cache.close();
  });
});
