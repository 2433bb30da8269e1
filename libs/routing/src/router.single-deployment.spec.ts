import { ErrorKind, ResponseEvent } from '@switchyard/ir';
import { ModelEntry } from './catalogue.types';
import { ScriptedAdapter, VLLM, collect, deployment, hello, pinRandomEachTest, request, scriptedRouter, started, stopped } from './router.harness';
import { RouterService } from './router.service';

// Issue 17, fidelity: a model served by one deployment still gets `routing.retries` on a
// transient upstream failure (5xx, a connection error), with backoff, on that same deployment;
// there is no other deployment to move to, and giving up at the first 502 is what users noticed.

const SOLO: ModelEntry = { name: 'solo', fallbacks: [], tiers: [[deployment('solo@vllm', VLLM, 1)]], created: 1 };

function upstreamError(kind: ErrorKind, providerStatus: number): ResponseEvent {
  return { event: { $case: 'error', value: { kind, providerStatus, message: `upstream ${providerStatus || 'unreachable'}`, retryable: true, retryAfterMs: 0, param: '', attemptLog: [] } } };
}
const serverError = upstreamError(ErrorKind.ERROR_KIND_UPSTREAM_ERROR, 500);
const badGateway = upstreamError(ErrorKind.ERROR_KIND_UPSTREAM_ERROR, 502);
const refused = upstreamError(ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, 0);

describe('a model with a single deployment', () => {
  let sut: RouterService;
  let adapter: ScriptedAdapter;

  pinRandomEachTest();

  it('retries a 500 and a 502 on the same deployment and answers with the third try', async () => {
    ({ sut, adapter } = await scriptedRouter([[serverError], [badGateway], [started, hello, stopped]], [SOLO]));

    const events = await collect(sut.route(request('solo'), new AbortController().signal));

    expect(adapter.deployments).toStrictEqual(['solo@vllm', 'solo@vllm', 'solo@vllm']);
    expect(events.map((e) => e.event?.$case)).toStrictEqual(['start', 'textDelta', 'stop']);
    const start = events[0]?.event?.$case === 'start' ? events[0].event.value : undefined;
    expect(start?.attempts).toBe(3);
    expect(start?.attemptLog.map((a) => [a.deploymentId, a.outcome, a.status])).toStrictEqual([
      ['solo@vllm', 'upstream_error', 500],
      ['solo@vllm', 'upstream_error', 502],
      ['solo@vllm', 'ok', 0],
    ]);
  });

  it('retries a connection error on the same deployment', async () => {
    ({ sut, adapter } = await scriptedRouter([[refused], [started, stopped]], [SOLO]));

    const events = await collect(sut.route(request('solo'), new AbortController().signal));

    expect(adapter.deployments).toStrictEqual(['solo@vllm', 'solo@vllm']);
    expect(events.map((e) => e.event?.$case)).toStrictEqual(['start', 'stop']);
  });

  it('tries exactly 1 + routing.retries times, then answers the last failure', async () => {
    ({ sut, adapter } = await scriptedRouter([[serverError], [serverError], [badGateway], [started, stopped]], [SOLO], { retries: 2 }));

    const events = await collect(sut.route(request('solo'), new AbortController().signal));

    expect(adapter.calls).toHaveLength(3);
    expect(events).toHaveLength(1);
    const error = events[0]?.event?.$case === 'error' ? events[0].event.value : undefined;
    expect(error?.providerStatus).toBe(502);
    expect(error?.attemptLog).toHaveLength(3);
  });

  it('waits a backoff before going back to the deployment that failed', async () => {
    jest.useFakeTimers();
    // Full jitter at its top: the first retry waits just under 500 ms (250 ms × 2).
    jest.spyOn(Math, 'random').mockReturnValue(0.99);
    ({ sut, adapter } = await scriptedRouter([[serverError], [started, stopped]], [SOLO]));

    const done = collect(sut.route(request('solo'), new AbortController().signal));
    await jest.advanceTimersByTimeAsync(0);
    const callsAtOnce = adapter.calls.length;
    await jest.advanceTimersByTimeAsync(600);

    expect(callsAtOnce).toBe(1);
    expect((await done).map((e) => e.event?.$case)).toStrictEqual(['start', 'stop']);
    expect(adapter.calls).toHaveLength(2);
  });

  it('retries embeddings and token counts on the same deployment too', async () => {
    ({ sut, adapter } = await scriptedRouter([[serverError], [], [refused], []], [SOLO]));

    const embedded = await sut.embed({ model: 'solo', inputs: [{ text: 'x', tokens: [] }], taskType: '', title: '', droppedParams: [] }, new AbortController().signal);
    const counted = await sut.countTokens(request('solo'), new AbortController().signal);

    expect(embedded.error).toBeUndefined();
    expect(counted.error).toBeUndefined();
    expect(adapter.deployments).toStrictEqual(['solo@vllm', 'solo@vllm', 'solo@vllm', 'solo@vllm']);
  });

  it('does not retry a failure that is not transient (a 400)', async () => {
    const invalid: ResponseEvent = { event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, providerStatus: 400, message: 'bad', retryable: false, retryAfterMs: 0, param: '', attemptLog: [] } } };
    ({ sut, adapter } = await scriptedRouter([[invalid], [started, stopped]], [SOLO]));

    await collect(sut.route(request('solo'), new AbortController().signal));

    expect(adapter.calls).toHaveLength(1);
  });
});
