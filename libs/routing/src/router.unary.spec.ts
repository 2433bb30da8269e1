import { CountTokensResponse, EmbedResponse, ErrorEvent, ErrorKind, ResponseEvent, StartEvent } from '@switchyard/ir';
import { DeploymentEntry, ModelEntry } from './catalogue.types';
import { OPENAI_EU, ScriptedAdapter, VLLM, collect, deployment, failure, overloaded, rateLimited, request, scriptedRouter, started, stopped, pinRandomEachTest } from './router.harness';
import { RouterService } from './router.service';

/** What a call answered, whatever its shape: the start event's routing fields, or the final error. */
type Answer = { start?: StartEvent | undefined; error?: ErrorEvent | undefined };
type Call = (sut: RouterService, model: string, signal: AbortSignal) => Promise<Answer>;

// Chat, embeddings and token counts go through one route loop: each behaviour below holds for all three.
const CALLS: [string, Call][] = [
  [
    'chat',
    async (sut, model, signal) => {
      const events = await collect(sut.route(request(model), signal));
      const first = events[0]?.event;
      const last = events[events.length - 1]?.event;
      return { start: first?.$case === 'start' ? first.value : undefined, error: last?.$case === 'error' ? last.value : undefined };
    },
  ],
  ['embeddings', (sut, model, signal) => sut.embed({ model, inputs: [{ text: 'hi', tokens: [] }], taskType: '', title: '', droppedParams: [] }, signal)],
  ['token counts', (sut, model, signal) => sut.countTokens(request(model), signal)],
];

function model(name: string, deployments: DeploymentEntry[], extra: Partial<ModelEntry> = {}): ModelEntry {
  return { name, fallbacks: [], tiers: [deployments], created: 1, ...extra };
}

const ok: ResponseEvent[] = [started, stopped];
const outcomes = (answer: Answer) => (answer.start?.attemptLog ?? answer.error?.attemptLog ?? []).map((x) => `${x.model}/${x.providerId}:${x.outcome}`);

describe(`${RouterService.name}: embeddings and token counts`, () => {
  let adapter: ScriptedAdapter;
  let sut: RouterService;

  async function routerWith(...args: Parameters<typeof scriptedRouter>): Promise<void> {
    ({ sut, adapter } = await scriptedRouter(...args));
  }

  pinRandomEachTest();
  it('retries embeddings and token counts like chat, stamping who answered', async () => {
    // The 429 puts gpt-4o@openai in cooldown, so the token count goes straight to vLLM.
    await routerWith([[rateLimited], [], []]);
    const signal = new AbortController().signal;

    const embedded = await sut.embed({ model: 'gpt-4o', inputs: [{ text: 'hi', tokens: [] }], taskType: '', title: '', droppedParams: [] }, signal);
    const counted = await sut.countTokens(request('gpt-4o'), signal);

    expect(embedded).toMatchObject({
      embeddings: [{ index: 0, values: [0.25] }],
      start: { model: 'gpt-4o', providerId: 'vllm-gpu', deploymentId: 'gpt-4o@vllm', upstreamModel: 'Qwen/Qwen3-32B', attempts: 2 },
    });
    expect(counted).toMatchObject({ inputTokens: 7, start: { deploymentId: 'gpt-4o@vllm', attempts: 1 } });
    expect(adapter.deployments).toStrictEqual(['gpt-4o@openai', 'gpt-4o@vllm', 'gpt-4o@vllm']);
  });

  it('answers a unary call for an unknown model or with a non-retryable failure at once', async () => {
    await routerWith([[failure(false)]]);
    const signal = new AbortController().signal;

    const embedded = await sut.embed({ model: 'nope', inputs: [], taskType: '', title: '', droppedParams: [] }, signal);
    const counted = await sut.countTokens(request('gpt-4o'), signal);

    expect(embedded).toStrictEqual({
      embeddings: [],
      usageEstimated: false,
      error: { kind: ErrorKind.ERROR_KIND_NOT_FOUND, message: 'The model `nope` does not exist or is not served here.', param: 'model', retryable: false, providerStatus: 0, retryAfterMs: 0, attemptLog: [] },
    });
    expect(counted).toMatchObject({ inputTokens: 0, estimated: false, error: { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST } });
    expect(adapter.calls).toHaveLength(1);
  });

  it('answers a failed unary call with a whole message, which the router service can send over gRPC', async () => {
    await routerWith([[failure(false)]]);
    const signal = new AbortController().signal;

    const embedded = await sut.embed({ model: 'nope', inputs: [], taskType: '', title: '', droppedParams: [] }, signal);
    const counted = await sut.countTokens(request('gpt-4o'), signal);

    // The generated encoders throw on a missing repeated field: a bare { error } answer became a gRPC INTERNAL.
    expect(EmbedResponse.decode(EmbedResponse.encode(embedded).finish()).error?.kind).toBe(ErrorKind.ERROR_KIND_NOT_FOUND);
    expect(CountTokensResponse.decode(CountTokensResponse.encode(counted).finish()).error?.kind).toBe(ErrorKind.ERROR_KIND_INVALID_REQUEST);
  });

  describe.each(CALLS)('%s', (_name, call) => {
    it('falls back along the model chain when the model has no deployment left', async () => {
      const x = model('x', [deployment('a', OPENAI_EU, 1)], { fallbacks: ['y'] });
      const y = model('y', [deployment('b', VLLM, 1)]);
      await routerWith([[overloaded()], ok], [x, y], { retries: 0 });

      const answer = await call(sut, 'x', new AbortController().signal);

      expect(answer.error).toBeUndefined();
      expect(answer.start).toMatchObject({ model: 'x', deploymentId: 'b', attempts: 2 });
      expect(outcomes(answer)).toStrictEqual(['x/openai-eu:overloaded', 'y/vllm-gpu:ok']);
      expect(adapter.deployments).toStrictEqual(['a', 'b']);
    });

    it('waits out the retry-after of its only deployment, cooling down after a 429, then tries it again', async () => {
      jest.useFakeTimers();
      const solo = model('solo', [deployment('solo@vllm', VLLM, 1)]);
      await routerWith([[failure(true, 2000)], ok], [solo]);

      const done = call(sut, 'solo', new AbortController().signal);
      await jest.advanceTimersByTimeAsync(1999);
      const callsBefore = adapter.calls.length;
      await jest.advanceTimersByTimeAsync(1);
      const answer = await done;

      expect(callsBefore).toBe(1);
      expect(answer.error).toBeUndefined();
      expect(answer.start).toMatchObject({ model: 'solo', deploymentId: 'solo@vllm', attempts: 2 });
      expect(outcomes(answer)).toStrictEqual(['solo/vllm-gpu:rate_limited', 'solo/vllm-gpu:ok']);
    });

    it('does not wait for a retry-after longer than the retry limit: it answers with the 429', async () => {
      jest.useFakeTimers();
      const solo = model('solo', [deployment('solo@vllm', VLLM, 1)]);
      await routerWith([[failure(true, 60_000)], ok], [solo]);

      const answer = await call(sut, 'solo', new AbortController().signal);

      expect(answer.error).toMatchObject({ kind: ErrorKind.ERROR_KIND_RATE_LIMITED, providerStatus: 429, retryAfterMs: 60_000 });
      expect(adapter.calls).toHaveLength(1);
    });
  });
});
