import { ErrorKind } from '@switchyard/ir';
import { ScriptedAdapter, rateLimited, failure, request, scriptedRouter } from './router.harness';
import { RouterService } from './router.service';

describe(`${RouterService.name}: embeddings and token counts`, () => {
  let adapter: ScriptedAdapter;
  let sut: RouterService;

  async function routerWith(...args: Parameters<typeof scriptedRouter>): Promise<void> {
    ({ sut, adapter } = await scriptedRouter(...args));
  }

  beforeEach(() => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });
  it('retries embeddings and token counts like chat, stamping who answered', async () => {
    // The 429 puts gpt-4o@openai in cooldown, so the token count goes straight to vLLM.
    await routerWith([[rateLimited], [], []]);
    const signal = new AbortController().signal;

    const embedded = await sut.embed({ model: 'gpt-4o', inputs: [{ text: 'hi', tokens: [] }] }, signal);
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

    await expect(sut.embed({ model: 'nope', inputs: [] }, signal)).resolves.toStrictEqual({
      error: { kind: ErrorKind.ERROR_KIND_NOT_FOUND, message: 'The model `nope` does not exist or is not served here.', param: 'model', retryable: false },
    });
    await expect(sut.countTokens(request('gpt-4o'), signal)).resolves.toMatchObject({ error: { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST } });
    expect(adapter.calls).toHaveLength(1);
  });
});
