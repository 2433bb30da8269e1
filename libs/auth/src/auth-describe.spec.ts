import { Dialect, ErrorKind, unknownKeyMessage } from '@switchyard/ir';
import { hashKey, type ModelPrice } from '@switchyard/shared';
import { AuthService } from './auth.service';
import type { KeyRecord, KeySource } from './key-directory.types';
import { tenantPlanQuota } from './plan-quota';
import { MemoryQuotaStore } from './quota';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const PRICE: ModelPrice = { from: 0, input: 2, output: 8, cachedInput: 0.5, cacheWrite: 2.5 };

const LIMITED: KeyRecord = {
  id: 'k-ci',
  tenantId: 'acme',
  tenantName: 'Acme Corp',
  prefix: 'sk-sy-ci1234',
  name: 'ci',
  corsOrigins: ['https://acme.example'],
  models: ['gpt-*'],
  tenantModels: [],
  expiresAt: NOW + 86_400_000,
  revoked: false,
  limits: { rpm: 10, tpm: 10_000 },
  tenantLimits: { monthlyBudgetUsd: 50 },
};

class Source implements KeySource {
  keys = new Map<string, KeyRecord>([
    [hashKey('sk-ci'), LIMITED],
    [hashKey('sk-free'), { id: 'k-free', tenantId: 'globex', models: [], expiresAt: undefined, revoked: false, corsOrigins: ['https://globex.example', 'https://acme.example'] }],
    [hashKey('sk-revoked'), { id: 'k-old', tenantId: 'acme', models: [], expiresAt: undefined, revoked: true }],
    // Plans (issue 16): one that stops (its scope is counted), one with priced overage (none is).
    [hashKey('sk-capped'), { id: 'k-capped', tenantId: 'initech', models: [], expiresAt: undefined, revoked: false, plan: tenantPlanQuota('starter', 'tokens', 5_000_000, true, 'Starter') }],
    [hashKey('sk-pro'), { id: 'k-pro', tenantId: 'hooli', models: [], expiresAt: undefined, revoked: false, plan: tenantPlanQuota('pro', 'usd', 20, false) }],
  ]);
  async loadAll(): Promise<Map<string, KeyRecord>> {
    return new Map(this.keys);
  }
  async loadPrices(): Promise<Map<string, ModelPrice[]>> {
    return new Map([['gpt-4o', [PRICE]]]);
  }
}

describe('AuthService.describeKey and corsOrigins', () => {
  let sut: AuthService;

  beforeEach(async () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    sut = new AuthService(new Source(), { quota: new MemoryQuotaStore() });
    await sut.reload();
  });

  afterEach(() => jest.restoreAllMocks());

  it('describes a key with its tenant, limits and what each scope counted, spend included', async () => {
    const admitted = await sut.admit({ keyHash: hashKey('sk-ci'), model: 'gpt-4o', requestId: 'r1', counted: true, inputTokensEstimate: 100, inputTokensBound: 400, maxOutputTokens: 50, clientIp: '', dialect: Dialect.DIALECT_OPENAI });
    await sut.settle({ ticket: admitted.ticket, model: 'gpt-4o', usage: { inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 0 }, cacheHit: false, startedAtMs: NOW });

    const d = await sut.describeKey({ keyHash: hashKey('sk-ci'), clientIp: '' });

    expect(d).toEqual({
      tenantId: 'acme',
      tenantName: 'Acme Corp',
      keyId: 'k-ci',
      keyPrefix: 'sk-sy-ci1234',
      keyName: 'ci',
      expiresAtMs: NOW + 86_400_000,
      models: ['gpt-*'],
      tenantModels: [],
      keyLimits: { rpm: 10, tpm: 10_000 },
      tenantLimits: { monthlyBudgetUsd: 50 },
      keyUsage: expect.objectContaining({ requests: 1, tokens: 1_000_000, inFlight: 0 }),
      tenantUsage: expect.objectContaining({ monthSpentUsd: 2, monthReservedUsd: 0 }),
      corsOrigins: ['https://acme.example'],
    });
  });

  it('reports no usage for a scope without limits (nothing is counted there)', async () => {
    const d = await sut.describeKey({ keyHash: hashKey('sk-free'), clientIp: '' });
    expect(d.keyUsage).toBeUndefined();
    expect(d.tenantUsage).toBeUndefined();
    expect(d.error).toBeUndefined();
  });

  it("describes the tenant's plan, with this month's usage from the plan's counter when admission keeps one", async () => {
    const admitted = await sut.admit({ keyHash: hashKey('sk-capped'), model: 'gpt-4o', requestId: 'r3', counted: true, inputTokensEstimate: 100, inputTokensBound: 400, maxOutputTokens: 50, clientIp: '', dialect: Dialect.DIALECT_OPENAI });
    expect(admitted.admitted).toBe(true);
    await sut.settle({ ticket: admitted.ticket, model: 'gpt-4o', usage: { inputTokens: 1200, outputTokens: 300, cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 0 }, cacheHit: false, startedAtMs: NOW });

    expect((await sut.describeKey({ keyHash: hashKey('sk-capped'), clientIp: '' })).plan).toEqual({ id: 'starter', name: 'Starter', unit: 'tokens', included: 5_000_000, overage: 'stop', used: 1500, reserved: 0 });
    // Priced overage without spend alerts: nothing counts the plan, so no used figure (the ingress reads the ledger).
    expect((await sut.describeKey({ keyHash: hashKey('sk-pro'), clientIp: '' })).plan).toEqual({ id: 'pro', name: '', unit: 'usd', included: 20, overage: 'price' });
    expect((await sut.describeKey({ keyHash: hashKey('sk-free'), clientIp: '' })).plan).toBeUndefined();
  });

  it('refuses an unknown or revoked key as admission does', async () => {
    expect((await sut.describeKey({ keyHash: hashKey('sk-nobody'), clientIp: '' })).error).toMatchObject({ kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message: unknownKeyMessage(Dialect.DIALECT_OPENAI) });
    expect((await sut.describeKey({ keyHash: hashKey('sk-revoked'), clientIp: '' })).error).toMatchObject({ kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message: 'This API key has been revoked.' });
  });

  it('hands the tenant origins to the principal and their union to preflights', async () => {
    const admitted = await sut.admit({ keyHash: hashKey('sk-ci'), model: '', requestId: 'r2', counted: false, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0, clientIp: '', dialect: Dialect.DIALECT_OPENAI });
    expect(admitted.principal?.corsOrigins).toEqual(['https://acme.example']);
    expect((await sut.corsOrigins()).sort()).toEqual(['https://acme.example', 'https://globex.example']);
  });
});
