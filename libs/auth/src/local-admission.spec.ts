import { Dialect, ErrorKind, type AdmitRequest, type AdmitResponse, type AuthPort, type DescribeKeyRequest, type DescribeKeyResponse, type HeartbeatRequest, type SettleRequest } from '@switchyard/ir';
import { hashKey, type ModelPrice } from '@switchyard/shared';
import { AuthService } from './auth.service';
import { KeyDirectory } from './key-directory';
import type { KeyRecord } from './key-directory.types';
import { MemoryKeySource, keyRecord } from './memory-key.source.fixture';
import { LocalAdmission } from './local-admission';
import { tenantPlanQuota } from './plan-quota';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const PRICE: ModelPrice = { from: 0, input: 2, output: 8, cachedInput: 2, cacheWrite: 2 };

/** Auth over gRPC, as the ingress sees it: every call recorded, answered by a real AuthService. */
class RecordingAuth implements AuthPort {
  readonly calls: string[] = [];
  constructor(private readonly auth: AuthService) {}
  admit(request: AdmitRequest): Promise<AdmitResponse> {
    this.calls.push(`admit ${request.keyHash.slice(0, 8)}`);
    return this.auth.admit(request);
  }
  settle(request: SettleRequest): Promise<void> {
    this.calls.push('settle');
    return this.auth.settle(request);
  }
  heartbeat(request: HeartbeatRequest): Promise<void> {
    this.calls.push('heartbeat');
    return this.auth.heartbeat(request);
  }
  describeKey(request: DescribeKeyRequest): Promise<DescribeKeyResponse> {
    this.calls.push('describeKey');
    return this.auth.describeKey(request);
  }
  corsOrigins(): Promise<string[]> {
    this.calls.push('corsOrigins');
    return this.auth.corsOrigins();
  }
}

let seq = 0;
function ask(secret: string, over: Partial<AdmitRequest> = {}): AdmitRequest {
  return { keyHash: hashKey(secret), model: 'gpt-4o', requestId: `r${++seq}`, counted: true, inputTokensEstimate: 100, inputTokensBound: 400, maxOutputTokens: 0, clientIp: '203.0.113.9', dialect: Dialect.DIALECT_OPENAI, ...over };
}

describe(LocalAdmission.name, () => {
  let source: MemoryKeySource;
  let auth: AuthService;
  let remote: RecordingAuth;
  let directory: KeyDirectory;
  let sut: LocalAdmission;

  async function start(...keys: [string, KeyRecord][]): Promise<void> {
    for (const [secret, record] of keys) source.keys.set(hashKey(secret), record);
    auth = new AuthService(source);
    await auth.reload();
    remote = new RecordingAuth(auth);
    directory = new KeyDirectory(source, { prices: false });
    await directory.reload();
    sut = new LocalAdmission(directory, remote);
  }

  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    source = new MemoryKeySource(PRICE);
  });

  afterEach(() => jest.restoreAllMocks());

  it('admits a key with nothing to count without asking auth', async () => {
    await start(['free', keyRecord('k-free', { captureContent: true, corsOrigins: ['https://app.example'] })]);

    const res = await sut.admit(ask('free'));

    expect(res).toEqual({ admitted: true, principal: expect.objectContaining({ tenantId: 'acme', keyId: 'k-free', captureContent: true }), maxOutputTokens: 0 });
    expect(remote.calls).toEqual([]);
  });

  // Every check that needs no count, on keys with nothing to count: the same answer as auth's own, never asked.
  it.each<[string, Partial<KeyRecord>, Partial<AdmitRequest>]>([
    ['allowed', {}, {}],
    ['revoked', { revoked: true }, {}],
    ['expired', { expiresAt: NOW - 1 }, {}],
    ['expiring later', { expiresAt: NOW + 60_000 }, {}],
    ['outside its IP ranges', { allowedIps: ['10.0.0.0/8'] }, {}],
    ["outside its tenant's IP ranges", { tenantAllowedIps: ['10.0.0.0/8'] }, {}],
    ['inside its IP ranges', { allowedIps: ['203.0.113.0/24'] }, {}],
    ['asking for a model it may not use', { models: ['claude-*'] }, {}],
    ["asking for a model its tenant may not use", { tenantModels: ['claude-*'] }, {}],
    ['with no region in common with its tenant', { keyRegions: ['eu-west'], allowedRegions: ['us-east'] }, {}],
    ['listing models (uncounted)', { models: ['claude-*'] }, { counted: false, model: '' }],
    ["forwarded by a peer region (budgets only)", {}, { budgetOnly: true }],
  ])('answers as auth does for a key %s', async (_name, record, request) => {
    await start(['k', keyRecord('k1', record)]);
    const q = ask('k', request);

    const local = await sut.admit(q);
    const authAnswer = await auth.admit(q);

    expect(local).toEqual(authAnswer);
    expect(remote.calls).toEqual([]);
  });

  it('names whose key a local refusal was, as auth does', async () => {
    await start(['gone', keyRecord('k-gone', { revoked: true })]);

    const res = await sut.admit(ask('gone'));

    expect(res).toMatchObject({ admitted: false, error: { kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message: 'This API key has been revoked.' }, principal: { keyId: 'k-gone' } });
  });

  it.each<[string, Partial<KeyRecord>]>([
    ['a rate limit', { limits: { rpm: 10 } }],
    ['a concurrency limit', { limits: { concurrency: 1 } }],
    ["its tenant's budget", { tenantLimits: { monthlyBudgetUsd: 5 } }],
    ['a plan that stops', { plan: tenantPlanQuota('starter', 'usd', 10, true) }],
    ['a token plan that stops', { plan: tenantPlanQuota('starter', 'tokens', 1_000_000, true) }],
    ['spend alerts on its plan', { plan: tenantPlanQuota('pro', 'usd', 10, false), spendAlerts: [50, 90] }],
    ['a prepaid balance', { balance: { tenantId: 'acme', creditsNano: 1e9, seedSpentNano: 0 } }],
  ])('asks auth for a key with %s, for every request', async (_name, record) => {
    await start(['counted', keyRecord('k-counted', record)]);

    const res = await sut.admit(ask('counted'));
    await sut.admit(ask('counted', { counted: false, model: '' }));

    expect(res.admitted).toBe(true);
    expect(res.ticket?.scopes.length).toBeGreaterThan(0);
    expect(remote.calls).toEqual([`admit ${hashKey('counted').slice(0, 8)}`, `admit ${hashKey('counted').slice(0, 8)}`]);
  });

  it('asks auth for a key it does not know: auth may have loaded it already', async () => {
    await start();
    source.keys.set(hashKey('new'), keyRecord('k-new'));
    jest.spyOn(Date, 'now').mockReturnValue(NOW + 5_000);

    const res = await sut.admit(ask('new'));

    expect(res).toMatchObject({ admitted: true, principal: { keyId: 'k-new' } });
    expect(remote.calls).toHaveLength(1);
  });

  it('refuses a key revoked since, from the reload a change announcement starts', async () => {
    await start(['free', keyRecord('k-free')]);
    expect((await sut.admit(ask('free'))).admitted).toBe(true);

    source.keys.set(hashKey('free'), keyRecord('k-free', { revoked: true }));
    const before = await sut.admit(ask('free'));
    await directory.invalidate();
    const after = await sut.admit(ask('free'));

    // Until its directory reloads the ingress answers from what it loaded: the consistency bound.
    expect(before.admitted).toBe(true);
    expect(after.error?.message).toBe('This API key has been revoked.');
    expect(remote.calls).toEqual([]);
  });

  it('sends a key that gained a limit to auth from the next reload on', async () => {
    await start(['free', keyRecord('k-free')]);
    source.keys.set(hashKey('free'), keyRecord('k-free', { limits: { rpm: 1 } }));
    await directory.invalidate();
    await auth.invalidate();

    const first = await sut.admit(ask('free'));
    const second = await sut.admit(ask('free'));

    expect(first.admitted).toBe(true);
    expect(second.error?.kind).toBe(ErrorKind.ERROR_KIND_RATE_LIMITED);
    expect(remote.calls).toHaveLength(2);
  });

  it('leaves settling, lease renewal, /v1/me and CORS origins to auth', async () => {
    await start(['counted', keyRecord('k-counted', { limits: { concurrency: 2 }, corsOrigins: ['https://app.example'] })]);
    const admitted = await sut.admit(ask('counted'));

    await sut.heartbeat({ ticket: admitted.ticket });
    await sut.settle({ ticket: admitted.ticket, model: 'gpt-4o', cacheHit: false, startedAtMs: NOW });
    const me = await sut.describeKey({ keyHash: hashKey('counted'), clientIp: '203.0.113.9' });
    const origins = await sut.corsOrigins();

    expect(remote.calls.slice(1)).toEqual(['heartbeat', 'settle', 'describeKey', 'corsOrigins']);
    expect(me.keyId).toBe('k-counted');
    expect(origins).toEqual(['https://app.example']);
  });
});
