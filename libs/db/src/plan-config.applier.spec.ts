import { DEFAULT_ROUTING, type PlanConfig, type SwitchyardConfig, type TenantConfig } from '@switchyard/config';
import { applyConfig } from './config.applier';
import type { ConfigChange } from './config-change.types';
import { DATABASE_KINDS } from './database';
import { applyMigrations } from './migrations.runner';
import { openTestDatabase, type TestDatabase } from './test-database.harness';

// Plans in switchyard.yaml (issue 16): written before tenants, owned by the file, audited.

const pro: PlanConfig = { id: 'pro', name: 'Pro', monthlyFeeUsd: 49.99, included: { usd: 20.000000001 }, overage: 'price', overageMultiplier: 1.2 };
const capped: PlanConfig = { id: 'capped', monthlyFeeUsd: 10, included: { tokens: 5_000_000 }, overage: 'stop' };
const acme = (plan?: string): TenantConfig => ({ id: 'acme', keys: [], ...(plan && { plan }), alerts: { spend: [50, 80, 100] } });

function configWith(plans: PlanConfig[], ...tenants: TenantConfig[]): SwitchyardConfig {
  return { server: { port: 8080 }, routing: DEFAULT_ROUTING, providers: [], models: [], tenants, plans };
}

const real = (changes: ConfigChange[]) => changes.filter((c) => c.action !== 'unchanged').map((c) => `${c.action} ${c.entity} ${c.id}`);

describe.each(DATABASE_KINDS)('applyConfig of plans on %s', (kind) => {
  let t: TestDatabase;
  const apply = (config: SwitchyardConfig, dryRun = false) => applyConfig(t.db.prisma, config, { resolveSecret: () => undefined, dryRun });

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'plans');
    await applyMigrations(t.db);
  });
  afterAll(() => t?.dispose());

  it('writes plans exactly and a tenant on one, then re-applies them as unchanged', async () => {
    expect(real(await apply(configWith([pro, capped], acme('pro'))))).toEqual(['create plan pro', 'create plan capped', 'create tenant acme']);
    const row = await t.db.prisma.plan.findUniqueOrThrow({ where: { id: 'pro' } });
    expect({ fee: row.monthlyFeeUsd.toString(), included: row.includedUsd?.toString(), tokens: row.includedTokens, overage: row.overage, mult: row.overageMultiplier?.toString() }).toEqual({
      fee: '49.99',
      included: '20.000000001',
      tokens: null,
      overage: 'price',
      mult: '1.2',
    });
    expect(await t.db.prisma.plan.findUniqueOrThrow({ where: { id: 'capped' } })).toMatchObject({ includedTokens: 5_000_000n, includedUsd: null, overage: 'stop' });
    expect(await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'acme' } })).toMatchObject({ planId: 'pro', spendAlerts: [50, 80, 100] });
    expect(real(await apply(configWith([pro, capped], acme('pro'))))).toEqual([]);
  });

  it('moves a tenant to another plan, with a diff in the file\'s names and the plan owned by the file', async () => {
    const changes = await apply(configWith([pro, { ...capped, monthlyFeeUsd: 12 }], acme('capped')));
    expect(changes.find((c) => c.entity === 'plan' && c.id === 'capped')).toMatchObject({ action: 'update', before: { monthlyFeeUsd: 10 }, after: { monthlyFeeUsd: 12, included: { tokens: 5_000_000 }, overage: 'stop' } });
    expect(changes.find((c) => c.entity === 'tenant')).toMatchObject({ action: 'update', before: { plan: 'pro' }, after: { plan: 'capped' } });
    expect(await t.db.prisma.configOwnership.findMany({ where: { entity: 'plan' }, orderBy: { entityId: 'asc' } })).toEqual([
      { entity: 'plan', entityId: 'capped', source: 'switchyard.yaml' },
      { entity: 'plan', entityId: 'pro', source: 'switchyard.yaml' },
    ]);
  });

  it('takes a tenant off its plan when the file drops the field', async () => {
    await apply(configWith([pro, capped], acme()));
    expect(await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'acme' } })).toMatchObject({ planId: null });
  });

  it('refuses, in the database too, a plan that counts dollars and tokens at once', async () => {
    await expect(t.db.prisma.plan.create({ data: { id: 'both', includedUsd: '1', includedTokens: 1n } })).rejects.toThrow(/plans_included_one_unit/);
  });
});
