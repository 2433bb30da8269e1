// The key directory as Postgres hands it to admission: limits, regions, models and the
// previous secret of a rotated key.
import { applyMigrations } from '../../db/src/migrations.runner';
import { openTestDatabase, type TestDatabase } from '../../db/src/test-database.harness';
import { tenantPlanQuota } from './plan-quota';
import { PrismaKeySource } from './prisma-key.source';

describe(PrismaKeySource.name, () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase('postgres', 'keysource');
    await applyMigrations(t.db);
    const p = t.db.prisma;
    await p.tenant.create({
      data: { id: 'acme', name: 'Acme Corp', corsOrigins: ['https://acme.example'], rpm: 100, dailyBudgetUsd: '5.5', models: ['gpt-*'], allowedRegions: ['eu-west'], guardrails: { pii: { action: 'mask', restore: true, categories: ['email'] } } },
    });
    await p.tenant.create({ data: { id: 'free' } });
    await p.virtualKey.create({
      data: {
        id: '00000000-0000-4000-8000-000000000001',
        tenantId: 'acme',
        name: 'ci',
        prefix: 'sk-sy-new',
        hash: 'hash-new',
        rpm: 10,
        tpm: 5000,
        maxConcurrency: 2,
        monthlyBudgetUsd: '20',
        allowedRegions: ['eu-west', 'us-east'],
        previousHash: 'hash-old',
        previousPrefix: 'sk-sy-old',
        previousExpiresAt: new Date('2030-01-01T00:00:00Z'),
        expiresAt: new Date('2031-01-01T00:00:00Z'),
        guardrails: { pii: { action: 'block', categories: ['email', 'card'] } },
      },
    });
    await p.virtualKey.create({ data: { id: '00000000-0000-4000-8000-000000000002', tenantId: 'free', prefix: 'sk-sy-free', hash: 'hash-free' } });
    await p.model.create({ data: { name: 'gpt-4o' } });
    await p.price.create({ data: { modelName: 'gpt-4o', inputPerMTok: '2.5', outputPerMTok: '10', effectiveFrom: new Date('2026-01-01T00:00:00Z') } });
  });

  afterAll(() => t.dispose());

  it('maps a key with its own and its tenant\'s names, limits, models, regions and browser origins', async () => {
    const keys = await new PrismaKeySource(t.db).loadAll();

    expect(keys.get('hash-new')).toEqual({
      id: '00000000-0000-4000-8000-000000000001',
      tenantId: 'acme',
      tenantName: 'Acme Corp',
      prefix: 'sk-sy-new',
      name: 'ci',
      corsOrigins: ['https://acme.example'],
      models: [],
      expiresAt: Date.parse('2031-01-01T00:00:00Z'),
      revoked: false,
      allowedRegions: ['eu-west'],
      keyRegions: ['eu-west', 'us-east'],
      allowedIps: [],
      tenantAllowedIps: [],
      tenantModels: ['gpt-*'],
      captureContent: false,
      auditCaptureBodies: false,
      limits: { rpm: 10, tpm: 5000, concurrency: 2, monthlyBudgetUsd: 20 },
      tenantLimits: { rpm: 100, dailyBudgetUsd: 5.5 },
      // The key's pii fields over the tenant's.
      pii: { action: 'block', categories: ['email', 'card'], restore: true, custom: undefined },
      spendAlerts: [],
    });
  });

  it('carries the tenant\'s plan and spend alerts, one plan object for all its keys', async () => {
    const p = t.db.prisma;
    await p.plan.create({ data: { id: 'capped', includedTokens: 2_000_000n, overage: 'stop' } });
    await p.plan.create({ data: { id: 'pro', includedUsd: '20.5', overage: 'price' } });
    await p.tenant.create({ data: { id: 'planned', planId: 'capped', spendAlerts: [50, 100] } });
    await p.tenant.create({ data: { id: 'pro-tenant', planId: 'pro' } });
    for (const [i, tenantId] of ['planned', 'planned', 'pro-tenant'].entries()) {
      await p.virtualKey.create({ data: { tenantId, prefix: `sk-sy-p${i}`, hash: `hash-plan-${i}` } });
    }
    const keys = await new PrismaKeySource(t.db).loadAll();

    expect(keys.get('hash-plan-0')).toMatchObject({ plan: tenantPlanQuota('capped', 'tokens', 2_000_000, true), spendAlerts: [50, 100] });
    expect(keys.get('hash-plan-0')?.plan).toBe(keys.get('hash-plan-1')?.plan);
    expect(keys.get('hash-plan-2')?.plan).toEqual({ planId: 'pro', unit: 'usd', included: 20.5, stop: false, limits: {} });
  });

  it('accepts a rotated key\'s previous secret until its grace period ends (or the key expires, if sooner)', async () => {
    const keys = await new PrismaKeySource(t.db).loadAll();

    expect(keys.get('hash-old')).toEqual({ ...keys.get('hash-new'), expiresAt: Date.parse('2030-01-01T00:00:00Z') });
  });

  it('leaves limits undefined for a key and tenant without any', async () => {
    const free = (await new PrismaKeySource(t.db).loadAll()).get('hash-free');

    expect(free?.limits).toBeUndefined();
    expect(free?.tenantLimits).toBeUndefined();
    expect(free?.pii).toBeUndefined();
  });

  it('loads the price history for budget reservations', async () => {
    const prices = await new PrismaKeySource(t.db).loadPrices();

    expect(prices.get('gpt-4o')).toEqual([{ from: Date.parse('2026-01-01T00:00:00Z'), input: 2.5, output: 10, cachedInput: 2.5, cacheWrite: 2.5 }]);
  });
});
