import { FinishReason } from '@switchyard/ir';
import type { AdmitRequest, AdmitResponse, AuthPort, ChatRequest, PiiPolicy, ResponseEvent, RouterPort, SettleRequest } from '@switchyard/ir';
import type { LineContext } from './batch-line.operation';
import { batchLineOperations } from './batch-line.registry';

// One line through its operation with typed fakes of auth and the router: the batch flag on the
// admit/settle path, and the key's PII guardrails applied per line (docs/architecture.md,
// "Files and batches").

class FakeAuth implements AuthPort {
  readonly admitted: AdmitRequest[] = [];
  readonly settled: SettleRequest[] = [];
  constructor(private readonly pii: PiiPolicy | undefined) {}

  admit(r: AdmitRequest): Promise<AdmitResponse> {
    this.admitted.push(r);
    return Promise.resolve({
      admitted: true,
      principal: { tenantId: 'acme', keyId: 'k1', models: [], region: '', allowedRegions: [], tenantModels: [], captureContent: false, corsOrigins: [], pii: this.pii },
      ticket: { requestId: r.requestId, scopes: ['key:k1'], reservedTokens: 1, reservedUsd: 0.001, atMs: Date.now(), leaseMs: 30_000 },
      maxOutputTokens: 0,
    });
  }
  settle(r: SettleRequest): Promise<void> {
    this.settled.push(r);
    return Promise.resolve();
  }
  heartbeat(): Promise<void> {
    return Promise.resolve();
  }
}

/** Echoes the text it was sent, so a restored placeholder shows in the answer. */
class EchoRouter implements Pick<RouterPort, 'route'> {
  readonly sent: string[] = [];
  async *route(chat: ChatRequest): AsyncIterable<ResponseEvent> {
    const part = chat.messages.at(-1)?.content[0]?.part;
    const text = part?.$case === 'text' ? part.value.text : '';
    this.sent.push(text);
    await Promise.resolve();
    yield { event: { $case: 'start', value: { id: 'up-1', model: 'up', providerId: 'sim', deploymentId: 'd1', upstreamModel: 'up', attempts: 1, droppedParams: [], cacheHit: false, attemptLog: [] } } };
    yield { event: { $case: 'textDelta', value: { choice: 0, text: `you said: ${text}`, signature: '', logprobsJson: '' } } };
    yield { event: { $case: 'usage', value: { inputTokens: 10, outputTokens: 2, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 } } };
    yield { event: { $case: 'stop', value: { choice: 0, reason: FinishReason.FINISH_REASON_STOP, rawReason: '', stopSequence: '' } } };
  }
}

const policy = (over: Partial<PiiPolicy>): PiiPolicy => ({ action: 'mask', categories: [], restore: false, custom: [], ...over });
const ctx = (line: number): LineContext => ({ requestId: `batch_1:${line}`, answerId: `batch_1_${line}`, tenantId: 'acme', keyId: 'k1', keyHash: 'h', clientIp: '', region: 'eu', endpoint: '/v1/chat/completions', vendorHeaders: [], signal: new AbortController().signal });
const body = (text: string) => ({ model: 'gpt', messages: [{ role: 'user', content: text }] });

function setUp(pii?: PiiPolicy) {
  const auth = new FakeAuth(pii);
  const router = new EchoRouter();
  const op = batchLineOperations(auth, router as unknown as RouterPort).get('/v1/chat/completions');
  if (!op) throw new Error('no chat line operation');
  return { auth, router, op };
}

describe('ChatLine', () => {
  it('admits and settles a line as a batch line, so auth counts it at the batch rates', async () => {
    const { auth, op } = setUp();

    const out = await op.run(body('hello'), ctx(1));

    expect(out).toMatchObject({ kind: 'answered', statusCode: 200 });
    expect(auth.admitted.map((a) => a.batch)).toEqual([true]);
    expect(auth.settled.map((s) => s.batch)).toEqual([true]);
  });

  it('fails a line the guard blocks with its 400 and sends nothing, while a clean line of the same key proceeds', async () => {
    const { auth, router, op } = setUp(policy({ action: 'block', categories: ['card'] }));

    const blocked = await op.run(body('my card is 4111 1111 1111 1111'), ctx(1));
    const clean = await op.run(body('hello'), ctx(2));

    expect(blocked).toMatchObject({
      kind: 'answered',
      statusCode: 400,
      body: { error: { type: 'invalid_request_error', message: 'This request contains personal data that this API key may not send (card). Remove it and try again.' } },
    });
    // Filed in the request audit as the ingress files a blocked request: audit only, no tokens, no upstream.
    const event = blocked.kind === 'answered' ? blocked.usage : undefined;
    expect(event).toMatchObject({ requestId: 'batch_1:1', providerId: '', httpStatus: 400, status: 'error', audit: { auditOnly: true, endpoint: '/v1/chat/completions', piiAction: 'block', piiCategories: ['card'] } });
    expect(event?.usage).toBeUndefined();
    expect(clean).toMatchObject({ kind: 'answered', statusCode: 200 });
    expect(router.sent).toEqual(['hello']);
    // The blocked line's reservation was given back at once, unmetered.
    expect(auth.settled[0]).toMatchObject({ ticket: { requestId: 'batch_1:1' }, usage: undefined });
  });

  it('files a line refused for its body in the request audit, with no model, and never admits it', async () => {
    const { auth, router, op } = setUp();

    const refused = await op.run({ model: 'gpt', messages: 'not a list' }, ctx(3));

    expect(refused).toMatchObject({ kind: 'answered', statusCode: 400, usage: { requestId: 'batch_1:3', model: '', httpStatus: 400, audit: { auditOnly: true, piiAction: '' } } });
    expect(auth.admitted).toEqual([]);
    expect(router.sent).toEqual([]);
  });

  it('masks what the line sends upstream, restores the echo in its answer, and files the categories for the audit', async () => {
    const { router, op } = setUp(policy({ action: 'mask', restore: true }));

    const out = await op.run(body('write to jane@example.com'), ctx(1));

    expect(router.sent).toEqual(['write to [EMAIL_1]']);
    expect(out).toMatchObject({ kind: 'answered', statusCode: 200, body: { choices: [{ message: { content: 'you said: write to jane@example.com' } }] } });
    expect(out.kind === 'answered' && out.usage?.audit).toMatchObject({ piiAction: 'mask', piiCategories: ['email'] });
  });
});
