// Prepaid balances through admission, on real databases: Postgres with the Redis balance store
// (the cluster) and PGlite with the memory store (standalone).
import { Dialect, ErrorKind, type AdmitRequest, type AdmitResponse, type SettleRequest } from '@switchyard/ir';
import { hashKey } from '@switchyard/shared';
import { Redis } from 'ioredis';
import { applyMigrations } from '../../../db/src/migrations.runner';
import { openTestDatabase, type TestDatabase } from '../../../db/src/test-database.harness';
import { AuthService } from '../auth.service';
import { PrismaKeySource } from '../prisma-key.source';
import { MemoryQuotaStore } from '../quota';
import type { BalanceStore } from './balance.types';
import { CreditAccountSource } from './credit-account.source';
import { MemoryBalanceStore } from './memory-balance.store';
import { RedisBalanceStore } from './redis-balance.store';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/11';
const RUN = `sy:bal:auth-spec-${process.pid}-${Date.now()}:`;
const USD = 1e9;

const stacks: [string, 'postgres' | 'pglite', () => Promise<BalanceStore>][] = [
  ['Postgres + Redis', 'postgres', async () => new RedisBalanceStore(REDIS_URL, { prefix: RUN })],
  ['PGlite + memory', 'pglite', async () => new MemoryBalanceStore()],
];

afterAll(async () => {
  const admin = new Redis(REDIS_URL);
  const keys = await admin.keys(`${RUN}*`);
  if (keys.length) await admin.del(...keys);
  await admin.quit();
});

let seq = 0;
// gpt-4o at $2 / $8 per million: 400 input tokens bound + 1000 max output = $0.0088 reserved.
const ask = (secret: string, over: Partial<AdmitRequest> = {}): AdmitRequest => ({
  keyHash: hashKey(secret), model: 'gpt-4o', requestId: `r${++seq}`, counted: true, inputTokensEstimate: 100, inputTokensBound: 400, maxOutputTokens: 1000, clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, ...over,
});

/** The end of a request: its real usage (100 + 100 tokens = $0.001), or a cache hit (free). */
const done = (a: AdmitResponse, used = true): SettleRequest => ({
  ticket: a.ticket, model: 'gpt-4o', cacheHit: !used, startedAtMs: Date.now(),
  usage: used ? { inputTokens: 100, outputTokens: 100, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 } : undefined,
});

describe.each(stacks)('prepaid admission (%s)', (_name, kind, makeStore) => {
  let t: TestDatabase;
  let store: BalanceStore;
  let sut: AuthService;

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'credit');
    await applyMigrations(t.db);
    const p = t.db.prisma;
    await p.tenant.create({ data: { id: 'acme' } });
    await p.tenant.create({ data: { id: 'postpaid' } });
    await p.virtualKey.create({ data: { tenantId: 'acme', prefix: 'sk-sy-acme', hash: hashKey('acme-key') } });
    await p.virtualKey.create({ data: { tenantId: 'acme', prefix: 'sk-sy-rpm1', hash: hashKey('acme-rpm1'), rpm: 1 } });
    await p.virtualKey.create({ data: { tenantId: 'postpaid', prefix: 'sk-sy-post', hash: hashKey('post-key') } });
    await p.model.create({ data: { name: 'gpt-4o' } });
    await p.price.create({ data: { modelName: 'gpt-4o', inputPerMTok: '2', outputPerMTok: '8', effectiveFrom: new Date('2026-01-01T00:00:00Z') } });
    await p.creditEntry.create({ data: { tenantId: 'acme', amountUsd: '0.06', kind: 'top_up', actor: 'admin', reason: 'trial', createdAt: new Date(Date.now() - 60_000) } });
    // $0.01 already spent since the top-up: the balance is $0.05.
    await p.usageRecord.create({
      data: { requestId: 'old', tenantId: 'acme', keyId: 'k', model: 'gpt-4o', dialect: 'openai', stream: false, status: 'ok', httpStatus: 200, inputTokens: 1, outputTokens: 1, costUsd: '0.01', latencyMs: 1, startedAt: new Date(), finishedAt: new Date() },
    });
    store = await makeStore();
    sut = new AuthService(new CreditAccountSource(new PrismaKeySource(t.db), t.db), { quota: new MemoryQuotaStore(), balance: store });
    await sut.reload();
  });

  afterAll(async () => {
    await sut.close();
    await t.dispose();
  });

  it('admits 5 of 100 concurrent requests against $0.05, refuses the rest with insufficient balance, and never goes below zero', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, () => sut.admit(ask('acme-key'))));
    const admitted = answers.filter((a) => a.admitted);
    expect(admitted).toHaveLength(5); // 5 × $0.0088 = $0.044 ≤ $0.05 < 6 × $0.0088
    for (const refused of answers.filter((a) => !a.admitted)) {
      expect(refused.error).toMatchObject({ kind: ErrorKind.ERROR_KIND_INSUFFICIENT_BALANCE, retryable: false });
      expect(refused.error?.message).toMatch(/^Insufficient balance for tenant acme: this request may cost up to \$0\.0088 and \$0\.006 is available/);
    }
    expect(admitted[0].ticket?.scopes).toEqual(['balance:acme']);
    await Promise.all(admitted.map((a) => sut.settle(done(a))));
    const u = await store.usage('acme', Date.now());
    expect(u).toMatchObject({ spentNano: 0.015 * USD, reservedNano: 0, inFlight: 0 });
  });

  it('applies a top-up at the next key load', async () => {
    const before = await sut.admit(ask('acme-key', { maxOutputTokens: 10_000 })); // $0.0808 > $0.045 left
    expect(before.error?.kind).toBe(ErrorKind.ERROR_KIND_INSUFFICIENT_BALANCE);
    await t.db.prisma.creditEntry.create({ data: { tenantId: 'acme', amountUsd: '1', kind: 'top_up', actor: 'admin', reason: 'invoice 42' } });
    await sut.invalidate();
    const after = await sut.admit(ask('acme-key', { maxOutputTokens: 10_000 }));
    expect(after.admitted).toBe(true);
    await sut.settle(done(after, false));
  });

  it('gives the reservation back when a rate limit refuses after the balance admitted', async () => {
    const first = await sut.admit(ask('acme-rpm1'));
    const second = await sut.admit(ask('acme-rpm1'));
    expect(first.admitted).toBe(true);
    expect(second.error?.kind).toBe(ErrorKind.ERROR_KIND_RATE_LIMITED);
    expect((await store.usage('acme', Date.now())).reservedNano).toBe(0.0088 * USD);
    await sut.settle(done(first, false));
    expect((await store.usage('acme', Date.now())).reservedNano).toBe(0);
  });

  it('describes the balance of a prepaid tenant for GET /v1/me, and none for a postpaid one', async () => {
    const held = await sut.admit(ask('acme-key'));
    const me = await sut.describeKey({ keyHash: hashKey('acme-key'), clientIp: '' });
    // $1.06 of credits, $0.015 spent, one request holding $0.0088.
    expect(me.balance).toEqual({ creditsUsd: 1.06, spentUsd: 0.015, reservedUsd: 0.0088, availableUsd: 1.0362 });
    expect((await sut.describeKey({ keyHash: hashKey('post-key'), clientIp: '' })).balance).toBeUndefined();
    await sut.settle(done(held, false));
  });

  it('leaves a tenant without credit entries unmetered', async () => {
    const res = await sut.admit(ask('post-key'));
    expect(res).toMatchObject({ admitted: true });
    expect(res.ticket).toBeUndefined();
  });
});
