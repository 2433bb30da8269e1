import { DEFAULT_ROUTING, type SwitchyardConfig } from '@switchyard/config';
import { applyConfig } from './config.applier';
import { openTestDatabase, type TestDatabase } from './test-database.harness';
import { applyMigrations } from './migrations.runner';

const KEY = 'sk-sy-own0-0123456789abcdef0123456789';
const resolveSecret = (ref: string) => (ref === 'env:OWN_KEY' ? KEY : undefined);

function config(over: Partial<SwitchyardConfig> = {}, rpm = 100): SwitchyardConfig {
  return {
    server: { port: 8080 },
    routing: DEFAULT_ROUTING,
    providers: [{ id: 'p', type: 'openai', baseUrl: 'https://api.openai.com/v1', apiKeys: ['env:SWITCHYARD_UPSTREAM_P'], options: {} }],
    models: [
      { name: 'priced', deployments: [{ provider: 'p', model: 'u', weight: 1, priority: 0 }], fallbacks: [], price: { inputPerMTok: 1, outputPerMTok: 2 } },
      { name: 'unpriced', deployments: [{ provider: 'p', model: 'v', weight: 1, priority: 0 }], fallbacks: [] },
    ],
    tenants: [{ id: 'acme', rpm, keys: [{ key: 'env:OWN_KEY', name: 'ci' }] }],
    ...over,
  } as SwitchyardConfig;
}

describe('configOwnership (file | seed) on postgres', () => {
  let t: TestDatabase;
  const owned = async () => (await t.db.prisma.configOwnership.findMany({ orderBy: [{ entity: 'asc' }, { entityId: 'asc' }] })).map((r) => `${r.entity} ${r.entityId} ${r.source}`);

  beforeAll(async () => {
    t = await openTestDatabase('postgres', 'ownership');
    await applyMigrations(t.db);
  });
  afterAll(() => t?.dispose());

  it('records what the file declares under file (the default), the price only where the file sets one; a dry run records nothing', async () => {
    await applyConfig(t.db.prisma, config({}, 50), { resolveSecret, dryRun: true });
    expect(await owned()).toEqual([]);

    await applyConfig(t.db.prisma, config(), { resolveSecret, source: 'gateway.yaml' });
    const key = await t.db.prisma.virtualKey.findFirstOrThrow({ where: { tenantId: 'acme' } });
    expect(await owned()).toEqual([`key ${key.id} gateway.yaml`, 'model priced gateway.yaml', 'model unpriced gateway.yaml', 'price priced gateway.yaml', 'provider p gateway.yaml', 'tenant acme gateway.yaml']);
  });

  it('under seed creates what is missing, keeps what exists as stored (with a note), and owns nothing', async () => {
    await t.db.prisma.tenant.update({ where: { id: 'acme' }, data: { rpm: 7 } });
    const seeded = config({ configOwnership: 'seed', tenants: [{ id: 'acme', rpm: 100, keys: [] }, { id: 'globex', keys: [] }] });
    seeded.models[0]!.deployments = [];
    seeded.models[0]!.price = { inputPerMTok: 9, outputPerMTok: 9 };

    const changes = await applyConfig(t.db.prisma, seeded, { resolveSecret });

    expect(changes.filter((c) => c.action !== 'unchanged').map((c) => `${c.action} ${c.entity} ${c.id}`)).toEqual(['create tenant globex']);
    expect(changes.find((c) => c.entity === 'tenant' && c.id === 'acme')).toEqual({ entity: 'tenant', id: 'acme', action: 'unchanged', note: 'differs from the file, kept as stored (configOwnership: seed)' });
    expect((await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'acme' } })).rpm).toBe(7);
    // Neither the deployment the file dropped nor the price it changed is touched.
    expect(await t.db.prisma.deployment.count({ where: { modelName: 'priced' } })).toBe(1);
    expect(await t.db.prisma.price.count({ where: { modelName: 'priced' } })).toBe(1);
    expect(await owned()).toEqual([]);
  });

  it('under file again puts the file back and owns its objects again', async () => {
    const changes = await applyConfig(t.db.prisma, config(), { resolveSecret });
    expect(changes.find((c) => c.entity === 'tenant' && c.id === 'acme')).toMatchObject({ action: 'update', before: expect.objectContaining({ rpm: 7 }), after: expect.objectContaining({ rpm: 100 }) });
    expect(await owned()).toContain('tenant acme switchyard.yaml');
  });
});
