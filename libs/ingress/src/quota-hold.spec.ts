import { Dialect, ErrorKind, type AuthPort, type HeartbeatRequest, type SettleRequest, type UsageEvent } from '@switchyard/ir';
import { QuotaHold } from './quota-hold';

class Auth implements AuthPort {
  settled: SettleRequest[] = [];
  beats: HeartbeatRequest[] = [];
  failSettles = 0;
  admit(): never {
    throw new Error('unused');
  }
  async settle(r: SettleRequest): Promise<void> {
    if (this.failSettles-- > 0) throw new Error('auth unreachable');
    this.settled.push(r);
  }
  async heartbeat(r: HeartbeatRequest): Promise<void> {
    this.beats.push(r);
  }
}

const TICKET = { requestId: 'req-1', scopes: ['key:k'], reservedTokens: 10, reservedUsd: 0.1, atMs: 5, leaseMs: 30_000 };

describe(QuotaHold.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('renews the lease every third of it while the request runs, and stops once settled', async () => {
    const auth = new Auth();
    const hold = new QuotaHold(auth, TICKET);

    await jest.advanceTimersByTimeAsync(25_000);
    expect(auth.beats).toHaveLength(2);
    hold.settle({ model: 'gpt-4o', usage: { inputTokens: 3, outputTokens: 4, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, startedAt: 7, requestId: '', tenantId: '', keyId: '', providerId: '', deploymentId: '', upstreamModel: '', dialect: Dialect.DIALECT_UNSPECIFIED, stream: false, status: '', httpStatus: 0, errorKind: ErrorKind.ERROR_KIND_UNSPECIFIED, latencyMs: 0, ttftMs: 0, region: '', finishedAt: 0, cacheHit: false, attempts: 0, clientRequestId: '' });
    await jest.advanceTimersByTimeAsync(60_000);

    expect(auth.beats).toHaveLength(2);
    expect(auth.settled).toEqual([{ ticket: TICKET, model: 'gpt-4o', usage: { inputTokens: 3, outputTokens: 4, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, cacheHit: false, startedAtMs: 7 }]);
  });

  it('charges the hedge attempts that lost their race along with the request', async () => {
    const auth = new Auth();
    const lost: UsageEvent = { model: 'gpt-4o', usage: { inputTokens: 3, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, requestId: '', tenantId: '', keyId: '', providerId: '', deploymentId: '', upstreamModel: '', dialect: Dialect.DIALECT_UNSPECIFIED, stream: false, status: '', httpStatus: 0, errorKind: ErrorKind.ERROR_KIND_UNSPECIFIED, latencyMs: 0, ttftMs: 0, region: '', startedAt: 0, finishedAt: 0, cacheHit: false, attempts: 0, clientRequestId: '' };
    new QuotaHold(auth, TICKET).settle({ model: 'gpt-4o', usage: { inputTokens: 3, outputTokens: 4, cachedInputTokens: 1, reasoningTokens: 0, cacheCreationInputTokens: 0 }, startedAt: 7, requestId: '', tenantId: '', keyId: '', providerId: '', deploymentId: '', upstreamModel: '', dialect: Dialect.DIALECT_UNSPECIFIED, stream: false, status: '', httpStatus: 0, errorKind: ErrorKind.ERROR_KIND_UNSPECIFIED, latencyMs: 0, ttftMs: 0, region: '', finishedAt: 0, cacheHit: false, attempts: 0, clientRequestId: '' }, [lost, lost]);
    await jest.advanceTimersByTimeAsync(0);
    expect(auth.settled[0].usage).toEqual({ inputTokens: 9, outputTokens: 4, cachedInputTokens: 1, reasoningTokens: 0, cacheCreationInputTokens: 0 });
  });

  it('settles once, however often it is asked', async () => {
    const auth = new Auth();
    const hold = new QuotaHold(auth, TICKET);
    hold.settle(undefined);
    hold.settle(undefined);
    await jest.advanceTimersByTimeAsync(0);
    expect(auth.settled).toHaveLength(1);
  });

  it('retries a failed settlement, up to three tries', async () => {
    const auth = new Auth();
    auth.failSettles = 2;
    new QuotaHold(auth, TICKET).settle(undefined);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(auth.settled).toHaveLength(1);

    const hopeless = new Auth();
    hopeless.failSettles = 10;
    new QuotaHold(hopeless, TICKET).settle(undefined);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(hopeless.settled).toHaveLength(0);
    expect(hopeless.failSettles).toBe(7);
  });
});
