import { ErrorKind, FinishReason, Role } from '@switchyard/ir';
import type { AdmitRequest, AdmitResponse, AuthPort, ChatRequest, ErrorEvent, ResponseEvent, ResponseStorePort, RouterPort, StoredResponse, UsageEvent } from '@switchyard/ir';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ChatPipeline, type IncomingCall } from '../chat-pipeline.service';
import { dataRoute } from '../dialect-registry';
import { RequestLimits } from '../request-limits';

// POST /v1/responses through the admission skeleton, with an in-memory store: what is stored,
// what a continued conversation sends upstream, and who may continue it.

const principal = (tenantId: string): AdmitResponse['principal'] => ({ tenantId, keyId: `${tenantId}-key`, models: [], region: '', allowedRegions: [], tenantModels: [], captureContent: false, corsOrigins: [] });

class Auth implements AuthPort {
  tenant = 'acme';
  asked: AdmitRequest[] = [];
  async admit(r: AdmitRequest): Promise<AdmitResponse> {
    this.asked.push(r);
    return { admitted: true, principal: principal(this.tenant), maxOutputTokens: 0 };
  }
  async settle(): Promise<void> {}
  async heartbeat(): Promise<void> {}
}

/** Answers every chat with `Hi <n>.` and usage, or with `failure`; keeps what it was asked. */
class Router implements Pick<RouterPort, 'route'> {
  asked: ChatRequest[] = [];
  failure: ErrorEvent | undefined;
  /** Fails after the first text delta instead of before the answer. */
  failMidway = false;
  route(request: ChatRequest): AsyncIterable<ResponseEvent> {
    this.asked.push(request);
    const n = this.asked.length;
    const failure = this.failure;
    const midway = this.failMidway;
    return (async function* (): AsyncGenerator<ResponseEvent> {
      if (failure && !midway) {
        yield { event: { $case: 'error', value: failure } };
        return;
      }
      yield { event: { $case: 'start', value: { id: 'up', model: 'm', providerId: 'p', deploymentId: 'd', upstreamModel: 'm', attempts: 1, droppedParams: [], cacheHit: false, attemptLog: [] } } };
      yield { event: { $case: 'textDelta', value: { text: `Hi ${n}.`, choice: 0, logprobsJson: '', signature: '' } } };
      if (failure) {
        yield { event: { $case: 'error', value: failure } };
        return;
      }
      yield { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_STOP, rawReason: 'stop', choice: 0, stopSequence: '' } } };
      yield { event: { $case: 'usage', value: { inputTokens: 10, outputTokens: 3, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 } } };
    })();
  }
}

class MemoryStore implements ResponseStorePort {
  readonly rows = new Map<string, StoredResponse>();
  async save(r: StoredResponse): Promise<void> {
    this.rows.set(r.id, structuredClone(r));
  }
  async find(id: string): Promise<StoredResponse | undefined> {
    return this.rows.get(id);
  }
  async delete(id: string, tenantId: string): Promise<boolean> {
    return this.rows.get(id)?.tenantId === tenantId && this.rows.delete(id);
  }
}

interface Served {
  status: number;
  body: Record<string, unknown>;
}

function harness(store: ResponseStorePort | undefined) {
  const auth = new Auth();
  const router = new Router();
  const published: UsageEvent[] = [];
  const sut = new ChatPipeline(auth, router as unknown as RouterPort, { publish: (e) => published.push(e) }, {
    region: 'eu',
    limits: new RequestLimits({ maxEmbedInputs: 2048, maxRequestTokens: 20_000_000 }),
    responses: store,
  });
  let n = 0;
  async function post(body: unknown): Promise<Served> {
    const route = dataRoute('/v1/responses', '');
    if (!route) throw new Error('no route for /v1/responses');
    const res = new ServerResponse(new IncomingMessage(new Socket()));
    let written = '';
    res.write = ((chunk: string) => {
      written += chunk;
      return true;
    }) as typeof res.write;
    res.end = ((chunk?: string) => {
      written += chunk ?? '';
      return res;
    }) as typeof res.end;
    const requestId = `00000000-0000-4000-8000-00000000000${++n}`;
    const call: IncomingCall = { requestId, clientRequestId: undefined, headers: { authorization: 'Bearer sk' }, query: undefined, body: JSON.stringify(body), clientIp: '127.0.0.1', arrivedAt: performance.now(), traceId: undefined };
    await sut.serve(route, call, res, 'key-hash');
    // A stream's events are read as text; a JSON answer is parsed.
    return { status: res.statusCode, body: written.startsWith('{') ? (JSON.parse(written) as Record<string, unknown>) : { sse: written } };
  }
  return { auth, router, published, post };
}

const userTexts = (chat: ChatRequest | undefined) =>
  chat?.messages.map((m) => [m.role, m.content.map((p) => (p.part?.$case === 'text' ? p.part.value.text : p.part?.$case))]);

describe('ResponsesOperation', () => {
  it('stores the answer with its input items and sends the whole conversation on the next turn', async () => {
    const store = new MemoryStore();
    const h = harness(store);
    const first = await h.post({ model: 'm', instructions: 'Be brief.', input: 'My name is Ada.' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: 'resp_00000000000040008000000000000001', status: 'completed', store: true, output: [{ type: 'message', content: [{ text: 'Hi 1.' }] }] });
    const stored = store.rows.get(first.body['id'] as string);
    expect(stored).toMatchObject({ tenantId: 'acme', keyId: 'acme-key', model: 'm', history: [], inputItems: [{ id: 'msg_00000000000040008000000000000001in0', type: 'message', role: 'user' }] });

    const second = await h.post({ model: 'm', previous_response_id: first.body['id'], input: 'What is my name?' });
    expect(second.body).toMatchObject({ previous_response_id: first.body['id'], output: [{ content: [{ text: 'Hi 2.' }] }] });
    const sent = h.router.asked[1];
    expect(sent?.system).toEqual([]);
    expect(userTexts(sent)).toEqual([
      [Role.ROLE_USER, ['My name is Ada.']],
      [Role.ROLE_ASSISTANT, ['Hi 1.']],
      [Role.ROLE_USER, ['What is my name?']],
    ]);
    // Admission counted the conversation, not only the new input.
    expect(h.auth.asked[1]?.inputTokensEstimate).toBeGreaterThan(h.auth.asked[0]?.inputTokensEstimate ?? 0);
    expect(store.rows.get(second.body['id'] as string)?.history).toHaveLength(2);
    expect(h.published.filter((e) => e.requestId)).toHaveLength(2);
  });

  it("answers another tenant's id as it answers an unknown one, and sends nothing upstream", async () => {
    const store = new MemoryStore();
    const h = harness(store);
    const first = await h.post({ model: 'm', input: 'secret' });
    h.auth.tenant = 'globex';
    const foreign = await h.post({ model: 'm', previous_response_id: first.body['id'], input: 'and?' });
    const unknown = await h.post({ model: 'm', previous_response_id: 'resp_nope', input: 'and?' });
    // OpenAI's answer for an id it does not hold (400, code previous_response_not_found), for both.
    expect(foreign.status).toBe(400);
    expect(foreign.body).toEqual({ error: { message: `Previous response with id '${first.body['id'] as string}' not found.`, type: 'invalid_request_error', param: 'previous_response_id', code: 'previous_response_not_found' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: { code: 'previous_response_not_found' } });
    expect(h.router.asked).toHaveLength(1);
    // Refused, not billed: an audit-only event (outcome `refused`, no usage row), never tokens
    // counted from the other tenant's conversation.
    const event = h.published.find((e) => e.requestId.endsWith('2'));
    expect(event).toMatchObject({ tenantId: 'globex', status: 'error', httpStatus: 400, audit: { auditOnly: true } });
    expect(event?.usage?.inputTokens ?? 0).toBe(0);
  });

  it('without a store: the default answer says store false, an explicit store true is a 400', async () => {
    const h = harness(undefined);
    expect((await h.post({ model: 'm', input: 'x' })).body).toMatchObject({ status: 'completed', store: false });
    const refused = await h.post({ model: 'm', input: 'x', store: true });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { param: 'store' } });
    expect((await h.post({ model: 'm', input: 'x', previous_response_id: 'resp_1' })).body).toMatchObject({ error: { code: 'previous_response_not_found' } });
    expect(h.router.asked).toHaveLength(1);
  });

  it('answers a routing failure in OpenAI shape with its status and stores nothing', async () => {
    const store = new MemoryStore();
    const h = harness(store);
    h.router.failure = { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: 'The upstream provider is unavailable.', retryable: true, attemptLog: [], providerStatus: 0, retryAfterMs: 0, param: '' };
    const failed = await h.post({ model: 'm', input: 'x' });
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ error: { message: 'The upstream provider is unavailable.', type: 'api_error' } });
    expect(store.rows.size).toBe(0);
    expect(h.published).toHaveLength(1);
  });

  it('stores a stream that failed midway as failed with its error, and continues it from its input alone', async () => {
    const store = new MemoryStore();
    const h = harness(store);
    h.router.failure = { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, message: 'The upstream failed.', retryable: false, attemptLog: [], providerStatus: 500, retryAfterMs: 0, param: '' };
    h.router.failMidway = true;
    const streamed = await h.post({ model: 'm', input: 'My name is Ada.', stream: true });
    // Stored before the stream's last event, response.failed, was written.
    expect(String(streamed.body['sse']).trimEnd().split('\n\n').at(-1)).toMatch(/^event: response\.failed\n/);
    const [failed] = [...store.rows.values()];
    expect(failed?.response).toMatchObject({ status: 'failed', error: { code: 'server_error', message: 'The upstream failed.' }, output: [{ type: 'message', status: 'in_progress' }] });
    expect(failed?.inputItems).toEqual([expect.objectContaining({ type: 'message', role: 'user' })]);

    h.router.failure = undefined;
    const next = await h.post({ model: 'm', previous_response_id: failed?.id, input: 'Again, please.' });
    expect(next.body).toMatchObject({ status: 'completed', previous_response_id: failed?.id });
    // The half-written answer is not carried; the question is.
    expect(userTexts(h.router.asked[1])).toEqual([
      [Role.ROLE_USER, ['My name is Ada.']],
      [Role.ROLE_USER, ['Again, please.']],
    ]);
  });

  it('refuses an empty input without a previous response before admission', async () => {
    const h = harness(new MemoryStore());
    const empty = await h.post({ model: 'm', input: [] });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ error: { param: 'input' } });
    expect(h.auth.asked).toHaveLength(0);
  });
});
