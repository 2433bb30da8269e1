// The request audit written from the usage stream (issue 18), against real databases: every
// event gets one audit row, a refused request's event gets only that (no ledger row), and the
// row says where the data went. Retention deletes by age.
import { Logger } from '@nestjs/common';
import { Dialect, ErrorKind, UsageEvent } from '@switchyard/ir';
import { applyMigrations } from '../../db/src/migrations.runner';
import { openTestDatabase, type TestDatabase } from '../../db/src/test-database.harness';
import { RequestAuditRetention } from './request-audit.retention';
import { UsageRecorder } from './usage-recorder.service';

const T0 = Date.parse('2026-03-04T05:06:07.000Z');

function event(requestId: string, over: Partial<UsageEvent> = {}): UsageEvent {
  return {
    requestId,
    tenantId: 'acme',
    keyId: '00000000-0000-4000-8000-000000000001',
    model: 'gpt-4o-mini',
    providerId: 'openai-eu',
    deploymentId: 'dep-eu',
    upstreamModel: 'gpt-4o-mini-2024-07-18',
    dialect: Dialect.DIALECT_ANTHROPIC,
    stream: false,
    status: 'ok',
    httpStatus: 200,
    usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 },
    latencyMs: 120,
    startedAt: T0,
    finishedAt: T0 + 120,
    errorKind: ErrorKind.ERROR_KIND_UNSPECIFIED,
    ttftMs: 0,
    region: 'eu-west',
    deploymentRegion: 'eu-central',
    cacheHit: false,
    attempts: 1,
    clientRequestId: '',
    audit: { clientIp: '198.51.100.4', endpoint: '/v1/messages', auditOnly: false, piiAction: 'mask', piiCategories: ['email'], dataRegions: ['eu-central'] },
    ...over,
  };
}

describe.each(['postgres', 'pglite'] as const)('request audit from the usage stream on %s', (kind) => {
  let t: TestDatabase;
  let sut: UsageRecorder;

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'reqaudit');
    await applyMigrations(t.db);
    sut = new UsageRecorder(t.db);
  });
  afterAll(() => t?.dispose());
  afterEach(() => jest.restoreAllMocks());

  it('writes one audit row per served request, with where its data went, beside its ledger row', async () => {
    await sut.recordMany([event('served-1')]);
    await sut.recordMany([event('served-1')]);

    const audit = await t.db.prisma.requestAudit.findMany({ where: { requestId: 'served-1' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      tenantId: 'acme', clientIp: '198.51.100.4', endpoint: '/v1/messages', dialect: 'anthropic', model: 'gpt-4o-mini',
      providerId: 'openai-eu', deploymentId: 'dep-eu', deploymentRegion: 'eu-central', dataRegions: ['eu-central'], region: 'eu-west',
      outcome: 'ok', httpStatus: 200, errorKind: null, piiAction: 'mask', piiCategories: ['email'], requestBody: null,
    });
    const ledger = await t.db.prisma.usageRecord.findUniqueOrThrow({ where: { requestId: 'served-1' } });
    expect({ region: ledger.region, deploymentRegion: ledger.deploymentRegion }).toEqual({ region: 'eu-west', deploymentRegion: 'eu-central' });
  });

  it('writes a refused request to the audit only: nothing was served, nothing is billed', async () => {
    const refused = event('refused-1', {
      status: 'error', httpStatus: 429, errorKind: ErrorKind.ERROR_KIND_RATE_LIMITED, providerId: '', deploymentId: '', deploymentRegion: undefined,
      audit: { clientIp: '198.51.100.4', endpoint: '/v1/messages', auditOnly: true, piiAction: '', piiCategories: [], dataRegions: [] },
    });

    expect(await sut.recordMany([refused])).toBe(0);

    expect(await t.db.prisma.usageRecord.count({ where: { requestId: 'refused-1' } })).toBe(0);
    const row = await t.db.prisma.requestAudit.findUniqueOrThrow({ where: { requestId: 'refused-1' } });
    expect(row).toMatchObject({ outcome: 'refused', httpStatus: 429, errorKind: 'rate_limited', providerId: null, deploymentRegion: null, piiAction: null });
  });

  it('keeps an event published before the audit existed (no audit facts) in both', async () => {
    await sut.recordMany([event('legacy-1', { audit: undefined, deploymentRegion: undefined })]);

    expect(await t.db.prisma.usageRecord.count({ where: { requestId: 'legacy-1' } })).toBe(1);
    expect(await t.db.prisma.requestAudit.findUniqueOrThrow({ where: { requestId: 'legacy-1' } })).toMatchObject({ endpoint: '', clientIp: null, outcome: 'ok' });
  });

  it('retention deletes rows past their days and keeps the rest', async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    await sut.recordMany([event('aged-1', { startedAt: T0 - 40 * 86_400_000, finishedAt: T0 - 40 * 86_400_000 }), event('fresh-1', { startedAt: T0 - 86_400_000 })]);
    const retention = new RequestAuditRetention(t.db, { days: 30, now: () => T0 });

    expect(await retention.runOnce()).toBeGreaterThanOrEqual(1);

    expect(await t.db.prisma.requestAudit.count({ where: { requestId: 'aged-1' } })).toBe(0);
    expect(await t.db.prisma.requestAudit.count({ where: { requestId: 'fresh-1' } })).toBe(1);
  });
});
