import type { VirtualKey } from '@switchyard/db';
import { Prisma } from '@switchyard/db';
import { keyViewOf } from './keys-admin.service';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const HASH = 'a'.repeat(64);
const PREVIOUS_HASH = 'b'.repeat(64);

function row(over: Partial<VirtualKey> = {}): VirtualKey {
  return {
    id: '6f1c1d1e-0000-4000-8000-000000000001',
    tenantId: 'acme',
    name: 'ci',
    prefix: 'sk-sy-abcdef',
    hash: HASH,
    models: ['gpt-*'],
    rpm: 60,
    tpm: null,
    maxConcurrency: 4,
    allowedIps: ['10.0.0.0/8'],
    dailyBudgetUsd: new Prisma.Decimal('1.500000'),
    monthlyBudgetUsd: null,
    allowedRegions: [],
    metadata: { team: 'platform' },
    guardrails: { pii: { action: 'mask', restore: true } },
    previousHash: PREVIOUS_HASH,
    previousPrefix: 'sk-sy-old000',
    previousExpiresAt: new Date(NOW + 60_000),
    expiresAt: null,
    revokedAt: null,
    createdAt: new Date(NOW - 1000),
    updatedAt: new Date(NOW),
    ...over,
  };
}

describe(keyViewOf.name, () => {
  it('shows limits in the API vocabulary and the rotation by prefix, never a hash', () => {
    const view = keyViewOf(row(), NOW);
    expect(view).toMatchObject({
      guardrails: { pii: { action: 'mask', restore: true } },
      status: 'active',
      concurrency: 4,
      budget: { dailyUsd: 1.5, monthlyUsd: null },
      ips: ['10.0.0.0/8'],
      metadata: { team: 'platform' },
      rotation: { previousPrefix: 'sk-sy-old000', previousExpiresAt: new Date(NOW + 60_000).toISOString(), previousActive: true },
    });
    const text = JSON.stringify(view);
    expect(text).not.toContain(HASH);
    expect(text).not.toContain(PREVIOUS_HASH);
    expect(Object.keys(view)).not.toContain('hash');
  });

  it('tells revoked and expired keys apart, and ends the grace of a revoked key', () => {
    expect(keyViewOf(row({ revokedAt: new Date(NOW - 1) }), NOW)).toMatchObject({ status: 'revoked', rotation: { previousActive: false } });
    expect(keyViewOf(row({ expiresAt: new Date(NOW) }), NOW).status).toBe('expired');
    expect(keyViewOf(row({ previousHash: null, previousPrefix: null, previousExpiresAt: null }), NOW).rotation).toBeNull();
  });
});
