import { DEFAULT_ROUTING, type SwitchyardConfig, type TenantConfig } from '@switchyard/config';
import { applyConfig } from './config.applier';
import type { ConfigChange } from './config-change.types';
import { DATABASE_KINDS } from './database';
import { hashKey } from './key-hash';
import { applyMigrations } from './migrations.runner';
import { openTestDatabase, type TestDatabase } from './test-database.harness';

const CI_KEY = 'sk-sy-ci00-0123456789abcdef0123456789';
const BOT_KEY = 'sk-sy-bot0-fedcba9876543210fedcba98';
const secrets: Record<string, string> = { 'env:CI_KEY': CI_KEY, 'env:BOT_KEY': BOT_KEY };
const resolveSecret = (ref: string) => secrets[ref];

function acme(): TenantConfig {
  return {
    id: 'acme',
    name: 'Acme Corp',
    rpm: 6000,
    tpm: 2_000_000,
    concurrency: 50,
    models: ['gpt-4o*'],
    budget: { monthlyUsd: 5000, dailyUsd: 250.5 },
    regions: ['eu-west', 'us-east'],
    ips: ['10.0.0.0/8'],
    metadata: { team: 'platform', costCentre: 4711 },
    guardrails: { pii: { action: 'mask', restore: true, categories: ['email', 'card'], custom: [{ name: 'badge', pattern: 'EMP-\\d{6}' }] } },
    observability: { captureContent: true },
    keys: [
      {
        key: 'env:CI_KEY',
        name: 'ci',
        rpm: 600,
        tpm: 200_000,
        concurrency: 5,
        models: ['gpt-4o-mini'],
        budget: { dailyUsd: 20 },
        regions: ['eu-west'],
        ips: ['10.1.2.3'],
        metadata: { owner: 'alice' },
        guardrails: { pii: { action: 'block' } },
        expiresAt: '2027-01-01T09:30:00+02:00',
      },
      { key: 'env:BOT_KEY', name: 'bot' },
    ],
  };
}

function configWith(...tenants: TenantConfig[]): SwitchyardConfig {
  return { server: { port: 8080 }, routing: DEFAULT_ROUTING, providers: [], models: [], tenants };
}

const realChanges = (changes: ConfigChange[]) => changes.filter((c) => c.action !== 'unchanged');

describe.each(DATABASE_KINDS)('applyConfig of tenant and key limits on %s', (kind) => {
  let t: TestDatabase;
  const ciKey = () => t.db.prisma.virtualKey.findUniqueOrThrow({ where: { hash: hashKey(CI_KEY) } });

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'tenant_limits');
    await applyMigrations(t.db);
  });
  afterAll(() => t?.dispose());

  it('writes every tenant and key field, and re-applies them as unchanged', async () => {
    await applyConfig(t.db.prisma, configWith(acme()), { resolveSecret });

    expect(await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'acme' } })).toMatchObject({
      name: 'Acme Corp',
      rpm: 6000,
      tpm: 2_000_000,
      maxConcurrency: 50,
      models: ['gpt-4o*'],
      allowedRegions: ['eu-west', 'us-east'],
      allowedIps: ['10.0.0.0/8'],
      metadata: { team: 'platform', costCentre: 4711 },
      guardrails: { pii: { action: 'mask', restore: true, categories: ['email', 'card'], custom: [{ name: 'badge', pattern: 'EMP-\\d{6}' }] } },
      captureContent: true,
    });
    const key = await ciKey();
    expect(key).toMatchObject({
      name: 'ci',
      prefix: CI_KEY.slice(0, 12),
      rpm: 600,
      tpm: 200_000,
      maxConcurrency: 5,
      models: ['gpt-4o-mini'],
      allowedRegions: ['eu-west'],
      allowedIps: ['10.1.2.3'],
      metadata: { owner: 'alice' },
      guardrails: { pii: { action: 'block' } },
      expiresAt: new Date('2027-01-01T07:30:00Z'),
      revokedAt: null,
    });
    // A key without guardrails stores none (its tenant's apply).
    expect((await t.db.prisma.virtualKey.findUniqueOrThrow({ where: { hash: hashKey(BOT_KEY) } })).guardrails).toBeNull();
    expect([key.dailyBudgetUsd?.toString(), key.monthlyBudgetUsd]).toEqual(['20', null]);
    expect(realChanges(await applyConfig(t.db.prisma, configWith(acme()), { resolveSecret }))).toEqual([]);
  });

  it('audits each change with the fields before and after, and returns the same in the change list', async () => {
    const config = acme();
    config.rpm = undefined;
    config.keys[0].budget = { dailyUsd: 20, monthlyUsd: 400 };
    config.keys[0].expiresAt = undefined;
    config.keys[0].guardrails = undefined;

    const changes = realChanges(await applyConfig(t.db.prisma, configWith(config), { resolveSecret, actor: 'cli' }));

    expect(changes.map((c) => `${c.entity} ${c.id} ${c.action}`)).toEqual(['tenant acme update', `key acme/${CI_KEY.slice(0, 12)} update`]);
    expect(changes[0]).toMatchObject({ before: expect.objectContaining({ rpm: 6000 }), after: expect.objectContaining({ rpm: null }) });
    expect(changes[1]).toMatchObject({
      before: expect.objectContaining({ budget: { dailyUsd: 20, monthlyUsd: null }, expiresAt: '2027-01-01T07:30:00.000Z', guardrails: { pii: { action: 'block' } } }),
      after: expect.objectContaining({ budget: { dailyUsd: 20, monthlyUsd: 400 }, expiresAt: null, guardrails: null }),
    });
    const audit = await t.db.prisma.auditLog.findMany({ where: { actor: 'cli' }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => ({ before: a.before, after: a.after }))).toEqual(changes.map((c) => ({ before: c.before, after: c.after })));
  });

  it('turns content capture off when the file no longer asks for it, as an audited change', async () => {
    await applyConfig(t.db.prisma, configWith(acme()), { resolveSecret });
    const [change] = realChanges(await applyConfig(t.db.prisma, configWith({ ...acme(), observability: undefined }), { resolveSecret }));

    expect(change).toMatchObject({ entity: 'tenant', before: expect.objectContaining({ observability: { captureContent: true } }), after: expect.objectContaining({ observability: { captureContent: false } }) });
    expect((await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'acme' } })).captureContent).toBe(false);
    await applyConfig(t.db.prisma, configWith(acme()), { resolveSecret });
  });

  it('leaves stored metadata alone when the file gives none, and replaces it when the file does', async () => {
    await applyConfig(t.db.prisma, configWith(acme()), { resolveSecret });
    await t.db.prisma.tenant.update({ where: { id: 'acme' }, data: { metadata: { team: 'set-by-admin' } } });
    const withoutMetadata = { ...acme(), metadata: undefined };

    expect(realChanges(await applyConfig(t.db.prisma, configWith(withoutMetadata), { resolveSecret }))).toEqual([]);
    expect((await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'acme' } })).metadata).toEqual({ team: 'set-by-admin' });

    const cleared = { ...acme(), metadata: {} };
    const [change] = realChanges(await applyConfig(t.db.prisma, configWith(cleared), { resolveSecret })).filter((c) => c.entity === 'tenant');
    expect(change).toMatchObject({ before: expect.objectContaining({ metadata: { team: 'set-by-admin' } }), after: expect.objectContaining({ metadata: {} }) });
    expect((await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'acme' } })).metadata).toEqual({});
  });

  it('updates the limits of a revoked key but never its revocation', async () => {
    const revokedAt = new Date('2026-01-01T00:00:00Z');
    await t.db.prisma.virtualKey.update({ where: { hash: hashKey(CI_KEY) }, data: { revokedAt } });
    const config = acme();
    config.keys[0].rpm = 60;

    await applyConfig(t.db.prisma, configWith(config), { resolveSecret });

    expect(await ciKey()).toMatchObject({ rpm: 60, revokedAt });
  });

  it('leaves a key alone, with a note, when the file holds a secret that was rotated away', async () => {
    const row = await ciKey();
    const graceEnds = new Date('2030-01-01T00:00:00Z');
    await t.db.prisma.virtualKey.update({
      where: { id: row.id },
      data: { hash: hashKey('sk-sy-new0-aaaaaaaaaaaaaaaa'), prefix: 'sk-sy-new0-a', previousHash: row.hash, previousPrefix: row.prefix, previousExpiresAt: graceEnds, rpm: 1 },
    });
    const keysBefore = await t.db.prisma.virtualKey.count();

    const changes = await applyConfig(t.db.prisma, configWith(acme()), { resolveSecret });

    expect(changes.find((c) => c.id === `acme/${row.prefix}`)).toEqual({
      entity: 'key',
      id: `acme/${row.prefix}`,
      action: 'unchanged',
      note: 'rotated to sk-sy-new0-a…: the file holds the previous secret (accepted until 2030-01-01T00:00:00.000Z); put the new one in the file',
    });
    expect(await t.db.prisma.virtualKey.count()).toBe(keysBefore);
    expect((await t.db.prisma.virtualKey.findUniqueOrThrow({ where: { id: row.id } })).rpm).toBe(1);
  });

  it('does not bring back a key deleted through the admin API (its secret is retired)', async () => {
    const row = await t.db.prisma.virtualKey.findUniqueOrThrow({ where: { hash: hashKey(BOT_KEY) } });
    const retiredAt = new Date('2026-02-01T00:00:00Z');
    await t.db.prisma.$transaction([
      t.db.prisma.retiredKeyHash.create({ data: { hash: row.hash, keyId: row.id, tenantId: row.tenantId, prefix: row.prefix, reason: 'deleted', retiredAt } }),
      t.db.prisma.virtualKey.delete({ where: { id: row.id } }),
    ]);
    const keysBefore = await t.db.prisma.virtualKey.count();

    const changes = await applyConfig(t.db.prisma, configWith(acme()), { resolveSecret });

    expect(changes.find((c) => c.id === `acme/${row.prefix}`)).toEqual({
      entity: 'key',
      id: `acme/${row.prefix}`,
      action: 'unchanged',
      note: 'deleted through the admin API on 2026-02-01T00:00:00.000Z: it stays retired; remove it from the file',
    });
    expect(await t.db.prisma.virtualKey.count()).toBe(keysBefore);
    expect(await t.db.prisma.virtualKey.findUnique({ where: { hash: row.hash } })).toBeNull();
  });

  it('never shows a key or its hash in the changes or the audit log', async () => {
    const config = acme();
    config.keys[1].rpm = 5;
    const changes = await applyConfig(t.db.prisma, configWith(config), { resolveSecret });

    const seen = JSON.stringify([changes, await t.db.prisma.auditLog.findMany()]);
    for (const secret of [CI_KEY, BOT_KEY, hashKey(CI_KEY), hashKey(BOT_KEY)]) expect(seen).not.toContain(secret);
  });
});

describe('applyConfig dry run on postgres', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase('postgres', 'dry_run');
    await applyMigrations(t.db);
    await applyConfig(t.db.prisma, configWith({ id: 'beta', keys: [] }), { resolveSecret });
  });
  afterAll(() => t?.dispose());

  /** Every row of every table applyConfig writes to, audit log included. */
  async function snapshot(): Promise<unknown> {
    const p = t.db.prisma;
    const [tenants, keys, providers, models, deployments, prices, audit] = await Promise.all([
      p.tenant.findMany({ orderBy: { id: 'asc' } }),
      p.virtualKey.findMany({ orderBy: { id: 'asc' } }),
      p.provider.findMany({ orderBy: { id: 'asc' } }),
      p.model.findMany({ orderBy: { name: 'asc' } }),
      p.deployment.findMany({ orderBy: { id: 'asc' } }),
      p.price.findMany({ orderBy: { id: 'asc' } }),
      p.auditLog.findMany({ orderBy: { id: 'asc' } }),
    ]);
    return { tenants, keys, providers, models, deployments, prices, audit };
  }

  it('reports creates and field-level updates, and writes nothing', async () => {
    const before = await snapshot();
    const config = configWith(acme(), { id: 'beta', rpm: 10, keys: [] });
    config.providers = [{ id: 'p', type: 'openai', baseUrl: 'https://api.openai.com/v1', apiKeys: ['sk-upstream-literal'] }];

    const changes = await applyConfig(t.db.prisma, config, { resolveSecret, dryRun: true });

    expect(realChanges(changes).map((c) => `${c.entity} ${c.id} ${c.action}`)).toEqual([
      'provider p create',
      'tenant acme create',
      'tenant beta update',
      `key acme/${CI_KEY.slice(0, 12)} create`,
      `key acme/${BOT_KEY.slice(0, 12)} create`,
    ]);
    expect(changes[2]).toMatchObject({ before: expect.objectContaining({ rpm: null }), after: expect.objectContaining({ rpm: 10 }) });
    // Named as the file names them, not as the columns are.
    expect(changes[1]?.after).toMatchObject({ concurrency: 50, models: ['gpt-4o*'], budget: { dailyUsd: 250.5 } });
    expect(changes[1]?.after).not.toHaveProperty('maxConcurrency');
    expect(changes[0]?.after).toMatchObject({ apiKeys: ['[literal]'] });
    expect(JSON.stringify(changes)).not.toContain('sk-upstream-literal');
    expect(await snapshot()).toEqual(before);
  });
});
