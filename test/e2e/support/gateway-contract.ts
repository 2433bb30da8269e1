import OpenAI from 'openai';
import type { ProviderSimulator } from '@switchyard/testing';
import { DEFAULT_CONTENT } from '@switchyard/testing';
import { OFFICE_ONLY_KEY, OTHER_MODEL_KEY, PUBLIC_MODEL, TEST_KEY, UPSTREAM_MODEL } from './gateway-config';
import { eventually } from './process-harness';

export interface UsageRow {
  request_id: string;
  tenant_id: string;
  model: string;
  status: string;
  http_status: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: string;
  stream: boolean;
  upstream_model: string | null;
  client_request_id: string | null;
}

export interface GatewayUnderTest {
  baseUrl: string;
  sim: ProviderSimulator;
  /** Rows recorded for a request id (the test reads the real ledger). */
  usageRows(requestId: string): Promise<UsageRow[]>;
}

/** The behaviour every deployment mode must show, driven through the official openai SDK. */
export function describeGatewayContract(get: () => GatewayUnderTest): void {
  const client = () => new OpenAI({ baseURL: `${get().baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
  const lastUpstream = () => {
    const reqs = get().sim.requests;
    return reqs[reqs.length - 1];
  };
  const recordedOnce = async (requestId: string) =>
    eventually(async () => {
      const rows = await get().usageRows(requestId);
      if (rows.length !== 1) throw new Error(`${rows.length} usage rows`);
      return rows[0] as UsageRow;
    }, 15_000, `usage row for ${requestId}`);

  beforeEach(() => get().sim.reset());

  it('answers a chat completion and records its usage once', async () => {
    const { data, response } = await client().chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }] }).withResponse();
    expect(data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.model).toBe(PUBLIC_MODEL);
    const upstream = lastUpstream();
    expect(upstream?.path).toBe('/v1/chat/completions');
    expect(upstream?.headers.authorization).toBe('Bearer sk-upstream-secret');
    expect(upstream?.body).toMatchObject({ model: UPSTREAM_MODEL, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }] });
    const requestId = response.headers.get('x-request-id') ?? '';
    expect(requestId).not.toBe('');
    const row = await recordedOnce(requestId);
    expect(row).toMatchObject({ tenant_id: 'acme', model: PUBLIC_MODEL, status: 'ok', http_status: 200, stream: false, upstream_model: UPSTREAM_MODEL });
    expect(row.input_tokens).toBe(data.usage?.prompt_tokens);
    expect(row.output_tokens).toBe(data.usage?.completion_tokens);
    const expectedCost = ((data.usage?.prompt_tokens ?? 0) * 1.5 + (data.usage?.completion_tokens ?? 0) * 6) / 1e6;
    expect(Number(row.cost_usd)).toBeCloseTo(expectedCost, 9);
  });

  it('streams with include_usage and records the streamed usage', async () => {
    get().sim.script({ content: 'one two three four five six', chunks: 6 });
    const stream = await client().chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'count' }], stream: true, stream_options: { include_usage: true } }).withResponse();
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    let finish: string | null | undefined;
    for await (const chunk of stream.data) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      finish ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('one two three four five six');
    expect(chunks).toBeGreaterThanOrEqual(6);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(lastUpstream()?.body).toMatchObject({ model: UPSTREAM_MODEL, stream: true, stream_options: { include_usage: true } });
    const row = await recordedOnce(stream.response.headers.get('x-request-id') ?? '');
    expect(row).toMatchObject({ status: 'ok', stream: true, output_tokens: usage?.completion_tokens, input_tokens: usage?.prompt_tokens });
  });

  it('lists the models the key may use', async () => {
    const models = await client().models.list();
    expect(models.data.map((m) => m.id)).toEqual([PUBLIC_MODEL]);
    const limited = new OpenAI({ baseURL: `${get().baseUrl}/v1`, apiKey: OTHER_MODEL_KEY, maxRetries: 0 });
    expect((await limited.models.list()).data.map((m) => m.id)).toEqual(['other-model']);
  });

  it('rejects a missing or wrong key with 401 in the OpenAI error shape', async () => {
    const bad = new OpenAI({ baseURL: `${get().baseUrl}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(bad.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const res = await fetch(`${get().baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { message: string; type: string; code: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers an unknown model with 404 and a model the key may not use with 403', async () => {
    await expect(client().chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    const wide = new OpenAI({ baseURL: `${get().baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    const err = await wide.chat.completions.create({ model: 'gpt-missing', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    expect(get().sim.requests).toHaveLength(0);
  });

  it('answers 403 to a key used from outside its allowed IP ranges, without calling upstream', async () => {
    const office = new OpenAI({ baseURL: `${get().baseUrl}/v1`, apiKey: OFFICE_ONLY_KEY, maxRetries: 0 });
    const err = await office.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err as InstanceType<typeof OpenAI.PermissionDeniedError>).message).toContain('IP address');
    expect(get().sim.requests).toHaveLength(0);
  });

  it('answers malformed JSON and wrong field types with 400 naming the problem', async () => {
    const post = (body: string) => fetch(`${get().baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}` }, body });
    const bad = await post('{"model": "gpt-test", "messages": [');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const wrongType = await post(JSON.stringify({ model: PUBLIC_MODEL, messages: 'hello' }));
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { error: { param: string } }).error.param).toBe('messages');
    const tooBig = await post(JSON.stringify({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'x'.repeat(5 * 1024 * 1024) }] }));
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
    // Without a content-length the limit is found while reading; the client still gets the answer.
    const chunk = new TextEncoder().encode('x'.repeat(1 << 20));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({ pull: (c) => (sent++ < 6 ? c.enqueue(chunk) : c.close()) });
    const chunked = await fetch(`${get().baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}` }, body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(get().sim.requests).toHaveLength(0);
  });

  it('maps an upstream failure to a clean error with a fixed text, not the upstream text, and still records the request', async () => {
    get().sim.script({ error: { status: 400, message: 'upstream says no' } });
    const err = await client().chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toContain('The upstream provider rejected the request as invalid. (upstream status 400');
    expect((err as Error).message).not.toContain('upstream says no');
    const row = await recordedOnce((err as InstanceType<typeof OpenAI.BadRequestError>).requestID ?? '');
    expect(row).toMatchObject({ status: 'error', http_status: 400, output_tokens: 0 });
  });

  it('aborts the upstream request when the client hangs up mid-stream, and records it as aborted', async () => {
    get().sim.script({ content: Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '), chunks: 40, chunkDelayMs: 100 });
    const ac = new AbortController();
    const res = await fetch(`${get().baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}` },
      body: JSON.stringify({ model: PUBLIC_MODEL, stream: true, messages: [{ role: 'user', content: 'long answer please' }] }),
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    await reader?.read();
    ac.abort();
    const upstream = await get().sim.waitFor((r) => r.aborted, 10_000);
    expect(upstream.completed).toBe(false);
    const row = await recordedOnce(res.headers.get('x-request-id') ?? '');
    expect(row.status).toBe('aborted');
  });
}
