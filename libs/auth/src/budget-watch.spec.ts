import { type AdmitRequest, Dialect } from '@switchyard/ir';
import type { BudgetAlert } from '@switchyard/notify';
import { hashKey, type ModelPrice } from '@switchyard/shared';
import { AuthService } from './auth.service';
import type { BudgetAlertSink } from './budget-watch';
import { MemoryKeySource } from './memory-key.source.fixture';
import { MemoryQuotaStore } from './quota';

// Budget alerts from admission and settle (issue 13), through AuthService and the memory store
// (quota-store.spec.ts shows the Redis store answers settles the same way).

const NOW = Date.parse('2026-03-10T12:00:00Z');
// $2 per million input tokens, $8 per million output tokens.
const PRICE: ModelPrice = { from: 0, input: 2, output: 8, cachedInput: 0.5, cacheWrite: 2 };

class RecordingSink implements BudgetAlertSink {
  readonly budgetThreshold = 0.9;
  readonly alerts: BudgetAlert[] = [];
  notify(alert: BudgetAlert): void {
    this.alerts.push(alert);
  }
}

let seq = 0;
const ask = (secret: string, over: Partial<AdmitRequest> = {}): AdmitRequest => ({
  keyHash: hashKey(secret), model: 'gpt-4o', requestId: `r${++seq}`, counted: true, inputTokensEstimate: 100, inputTokensBound: 100, maxOutputTokens: 10_000, clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, ...over,
});

describe('AuthService budget alerts', () => {
  let source: MemoryKeySource;
  let sink: RecordingSink;
  let quota: MemoryQuotaStore;
  let sut: AuthService;

  beforeEach(async () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    source = new MemoryKeySource(PRICE);
    // Tenant acme: $1 a day. Key k-own: its own $0.5 a month as well.
    source.keys.set(hashKey('t'), { id: 'k-t', tenantId: 'acme', models: [], expiresAt: undefined, revoked: false, tenantLimits: { dailyBudgetUsd: 1 } });
    source.keys.set(hashKey('own'), { id: 'k-own', tenantId: 'acme', models: [], expiresAt: undefined, revoked: false, limits: { monthlyBudgetUsd: 0.5 }, tenantLimits: { dailyBudgetUsd: 1 } });
    sink = new RecordingSink();
    quota = new MemoryQuotaStore();
    sut = new AuthService(source, { quota, budgetAlerts: sink });
    await sut.reload();
  });
  afterEach(() => jest.restoreAllMocks());

  /** One request of $0.0802 (100 input tokens, 10,000 output), admitted and settled. */
  async function spend(secret: string): Promise<boolean> {
    const res = await sut.admit(ask(secret));
    if (!res.admitted) return false;
    await sut.settle({ ticket: res.ticket, model: 'gpt-4o', usage: { inputTokens: 100, outputTokens: 10_000, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, startedAtMs: NOW, cacheHit: false });
    return true;
  }

  it('announces the threshold once, at the settle that crosses it', async () => {
    for (let i = 0; i < 11; i++) expect(await spend('t')).toBe(true); // $0.8822
    expect(sink.alerts).toEqual([]);
    await spend('t'); // $0.9624
    expect(sink.alerts).toHaveLength(1);
    expect(sink.alerts[0]).toEqual({
      type: 'budget', level: 'threshold', scope: 'tenant', tenantId: 'acme', period: 'daily', periodId: '20260310', spentUsd: expect.closeTo(0.9624, 9) as number, limitUsd: 1, thresholdRatio: 0.9, at: NOW,
    });
  });

  it('announces exhaustion at the first refusal of the period, with the spend read once', async () => {
    for (let i = 0; i < 12; i++) await spend('t');
    const usage = jest.spyOn(quota, 'usage');
    expect(await spend('t')).toBe(false);
    expect(await spend('t')).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect(usage).toHaveBeenCalledTimes(1);
    expect(sink.alerts.map((a) => a.level)).toEqual(['threshold', 'exhausted']);
    expect(sink.alerts[1]).toMatchObject({ level: 'exhausted', scope: 'tenant', tenantId: 'acme', limitUsd: 1, thresholdRatio: 1, spentUsd: expect.closeTo(0.9624, 9) });
  });

  it("watches a key's own budget apart from its tenant's", async () => {
    for (let i = 0; i < 6; i++) await spend('own'); // $0.4812 of the key's $0.5 a month
    expect(sink.alerts).toEqual([
      expect.objectContaining({ level: 'threshold', scope: 'key', keyId: 'k-own', tenantId: 'acme', period: 'monthly', periodId: '202603', limitUsd: 0.5 }),
    ]);
  });

  it('does not announce a request too expensive for the budget on its own', async () => {
    expect((await sut.admit(ask('t', { maxOutputTokens: 200_000 }))).admitted).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect(sink.alerts).toEqual([]);
  });
});
