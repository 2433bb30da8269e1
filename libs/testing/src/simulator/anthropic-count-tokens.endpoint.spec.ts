import Anthropic from '@anthropic-ai/sdk';
import { ProviderSimulator } from './provider-simulator';

describe('Anthropic count_tokens endpoint', () => {
  let sim: ProviderSimulator;
  let client: Anthropic;
  const prompt = { model: 'claude-sonnet-4-6', system: 'You are terse.', messages: [{ role: 'user' as const, content: 'What is the weather in Paris?' }] };

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    client = new Anthropic({ baseURL: sim.url, apiKey: 'x', maxRetries: 0 });
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  it('counts the prompt the way chat usage does', async () => {
    const counted = await client.messages.countTokens(prompt);
    const message = await client.messages.create({ ...prompt, max_tokens: 10 });

    expect(counted).toEqual({ input_tokens: 11 });
    expect(message.usage.input_tokens).toBe(counted.input_tokens);
    expect(sim.requests[0]).toMatchObject({ provider: 'anthropic', path: '/v1/messages/count_tokens' });
  });

  it('answers the scripted count, and scripted errors', async () => {
    sim.script({ usage: { input: 4242, output: 0 } });
    sim.script({ error: { status: 529 } });

    expect(await client.messages.countTokens(prompt)).toEqual({ input_tokens: 4242 });
    await expect(client.messages.countTokens(prompt)).rejects.toMatchObject({ status: 529, type: 'overloaded_error' });
  });

  it('refuses generation settings the endpoint does not take', async () => {
    const error = await client.messages.countTokens({ ...prompt, max_tokens: 5 } as never).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens: Extra inputs are not permitted' },
    });
  });
});
