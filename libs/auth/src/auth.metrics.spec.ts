import { type AdmitRequest, Dialect } from '@switchyard/ir';
import { hashKey, type ModelPrice } from '@switchyard/shared';
import { processMetrics, metricSeries } from '@switchyard/telemetry';
import { AuthService } from './auth.service';
import { MemoryKeySource } from './memory-key.source.fixture';
import { MemoryQuotaStore } from './quota';

const PRICE: ModelPrice = { from: 0, input: 2, output: 8, cachedInput: 0.5, cacheWrite: 2.5 };

let seq = 0;
function ask(secret: string): AdmitRequest {
  return { keyHash: hashKey(secret), model: 'gpt-4o', requestId: `r${++seq}`, clientIp: '127.0.0.1', dialect: Dialect.DIALECT_OPENAI, counted: true, inputTokensEstimate: 100, inputTokensBound: 400, maxOutputTokens: 100 };
}

function samples(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`));
}

describe(`${AuthService.name}: metrics (issue 13)`, () => {
  let source: MemoryKeySource;
  let sut: AuthService;

  beforeEach(async () => {
    source = new MemoryKeySource(PRICE);
    source.keys.set(hashKey('limited'), { id: 'k1', tenantId: 'acme', models: [], expiresAt: undefined, revoked: false, tenantLimits: { rpm: 1, dailyBudgetUsd: 5 } });
    sut = new AuthService(source, { quota: new MemoryQuotaStore() });
    await sut.start();
  });

  afterEach(() => sut.onModuleDestroy());

  it('counts a refusal by tenant and the limit that refused it', async () => {
    const before = metricSeries().limitRefusals.find({ tenant: 'acme', reason: 'rpm' })?.value ?? 0;

    expect(await sut.admit(ask('limited'))).toMatchObject({ admitted: true });
    expect(await sut.admit(ask('limited'))).toMatchObject({ admitted: false });

    expect(metricSeries().limitRefusals.find({ tenant: 'acme', reason: 'rpm' })?.value).toBe(before + 1);
  });

  it('reports a tenant budget and its spend so far, and drops them once the budget is gone', async () => {
    const admitted = await sut.admit(ask('limited'));
    await sut.settle({ ticket: admitted.ticket, model: 'gpt-4o', cacheHit: false, startedAtMs: Date.now(), usage: { inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 } });

    let text = await processMetrics().render();
    expect(samples(text, 'switchyard_budget_limit_usd')).toEqual(['switchyard_budget_limit_usd{tenant="acme",period="daily"} 5']);
    expect(samples(text, 'switchyard_budget_used_usd')).toEqual(['switchyard_budget_used_usd{tenant="acme",period="daily"} 2']);

    source.keys.set(hashKey('limited'), { id: 'k1', tenantId: 'acme', models: [], expiresAt: undefined, revoked: false, tenantLimits: { rpm: 1 } });
    await sut.reload();
    text = await processMetrics().render();
    expect(samples(text, 'switchyard_budget_limit_usd')).toEqual([]);
    expect(samples(text, 'switchyard_budget_used_usd')).toEqual([]);
  });
});
