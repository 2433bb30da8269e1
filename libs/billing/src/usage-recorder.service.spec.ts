// The ledger writer against real databases (Postgres and PGlite): one bad event never takes
// its batch with it, and an outage is still retried (issue 10, finding 2); the caller's id is
// stored for correlation and filters the usage query (finding 1).
import { Logger } from '@nestjs/common';
import { Database, isUsageDataError, recordUsageBatch } from '@switchyard/db';
import { Dialect, ErrorKind, UsageEvent } from '@switchyard/ir';
import { applyMigrations } from '../../db/src/migrations.runner';
import { openTestDatabase, type TestDatabase } from '../../db/src/test-database.harness';
import { UsageQuery } from './usage-query.service';
import { UsageRecorder } from './usage-recorder.service';

const T0 = Date.parse('2026-03-04T05:06:07.000Z');

function event(requestId: string, over: Partial<UsageEvent> = {}): UsageEvent {
  return {
    requestId,
    tenantId: 'acme',
    keyId: '00000000-0000-4000-8000-000000000001',
    model: 'gpt-4o-mini',
    providerId: 'openai-main',
    upstreamModel: 'gpt-4o-mini-2024-07-18',
    dialect: Dialect.DIALECT_OPENAI,
    stream: false,
    status: 'ok',
    httpStatus: 200,
    usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 },
    latencyMs: 120,
    startedAt: T0,
    finishedAt: T0 + 120,
    deploymentId: '',
    errorKind: ErrorKind.ERROR_KIND_UNSPECIFIED,
    ttftMs: 0,
    region: '',
    cacheHit: false,
    attempts: 0,
    clientRequestId: '',
    ...over,
  };
}

// uint32 in the proto, int4 in the ledger: a value the queue carries and Postgres refuses.
const POISON = { latencyMs: 2 ** 31 };

describe.each(['postgres', 'pglite'] as const)('UsageRecorder on %s', (kind) => {
  let t: TestDatabase;
  let sut: UsageRecorder;
  let errors: jest.SpyInstance;

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'recorder');
    await applyMigrations(t.db);
    sut = new UsageRecorder(t.db);
  });
  afterAll(() => t?.dispose());
  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  const recorded = (prefix: string) => t.db.prisma.usageRecord.findMany({ where: { requestId: { startsWith: prefix } }, orderBy: { requestId: 'asc' } });
  const rejects = (prefix: string) => t.db.prisma.usageReject.findMany({ where: { requestId: { startsWith: prefix } } });

  it('refuses a raw NUL as a data error (what the split keys on)', async () => {
    const row = { requestId: 'raw-nul', tenantId: 't', keyId: 'k', model: 'm\u0000', dialect: 'openai', stream: false, status: 'ok' as const, httpStatus: 200, inputTokens: 1, outputTokens: 1, costUsd: '0', latencyMs: 1, startedAt: new Date(T0), finishedAt: new Date(T0) };
    const failure = await recordUsageBatch(t.db, [row]).then(() => undefined, (e: unknown) => e);
    expect(failure).toBeDefined();
    expect(isUsageDataError(failure)).toBe(true);
  });

  it('records every good event of a batch once and sets the poison event aside, without failing', async () => {
    const batch = Array.from({ length: 9 }, (_, i) => event(`split-${i}`, i === 6 ? POISON : {}));
    await expect(sut.handle(batch)).resolves.toBeUndefined();

    expect((await recorded('split-')).map((r) => r.requestId)).toEqual(['split-0', 'split-1', 'split-2', 'split-3', 'split-4', 'split-5', 'split-7', 'split-8']);
    const [reject, ...more] = await rejects('split-');
    expect(more).toEqual([]);
    expect(reject).toMatchObject({ requestId: 'split-6', tenantId: 'acme', event: expect.objectContaining({ requestId: 'split-6', latencyMs: 2 ** 31 }) });
    expect(reject?.error).toMatch(/range/i);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('usage event split-6 (tenant acme) set aside'));
  });

  it('sets several poison events aside, also at the ends of the batch', async () => {
    const batch = Array.from({ length: 7 }, (_, i) => event(`multi-${i}`, [0, 3, 6].includes(i) ? POISON : {}));
    expect(await sut.recordMany(batch)).toBe(4);
    expect((await recorded('multi-')).map((r) => r.requestId)).toEqual(['multi-1', 'multi-2', 'multi-4', 'multi-5']);
    expect((await rejects('multi-')).map((r) => r.requestId).sort()).toEqual(['multi-0', 'multi-3', 'multi-6']);
  });

  it('writes ledger and audit rows of a batch together, and keeps every audit row when a poison event makes it split', async () => {
    const audited = (prefix: string) => t.db.prisma.requestAudit.count({ where: { requestId: { startsWith: prefix } } });
    expect(await sut.recordMany([event('both-1'), event('both-2'), event('both-3', { audit: { clientIp: '', endpoint: '/v1/chat/completions', auditOnly: true, dataRegions: [], piiAction: '', piiCategories: [] } })])).toBe(2);
    expect(await recorded('both-')).toHaveLength(2);
    expect(await audited('both-')).toBe(3);

    expect(await sut.recordMany([event('pboth-1'), event('pboth-2', POISON), event('pboth-3')])).toBe(2);
    expect((await recorded('pboth-')).map((r) => r.requestId)).toEqual(['pboth-1', 'pboth-3']);
    expect(await audited('pboth-')).toBe(3);
  });

  it('records a redelivered batch with a poison event once, and sets the event aside once', async () => {
    const batch = [event('again-1'), event('again-2', POISON), event('again-3')];
    await sut.handle(batch);
    await sut.handle(batch);
    expect(await recorded('again-')).toHaveLength(2);
    expect(await rejects('again-')).toHaveLength(1);
  });

  it('makes strings from elsewhere storable instead of failing: a NUL from an upstream, a lone surrogate', async () => {
    await sut.handle([event('text-1', { upstreamModel: 'gpt\u0000evil', model: 'm\uD800', clientRequestId: 'caller\u0000-1' }), event('text-2')]);
    const rows = await recorded('text-');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ upstreamModel: 'gpt\uFFFDevil', model: 'm\uFFFD', clientRequestId: 'caller\uFFFD-1' });
    expect(await rejects('text-')).toEqual([]);
  });

  it('stores the caller id for correlation; two events may share it', async () => {
    await sut.handle([event('corr-1', { clientRequestId: 'same' }), event('corr-2', { clientRequestId: 'same' }), event('corr-3')]);
    expect((await recorded('corr-')).map((r) => r.clientRequestId)).toEqual(['same', 'same', null]);
    const usage = await new UsageQuery(t.db).getUsage({ clientRequestId: 'same', tenantId: '', keyId: '', model: '', fromDay: '', toDay: '' });
    expect(usage.rows).toEqual([expect.objectContaining({ day: '2026-03-04', tenantId: 'acme', requests: 2 })]);
  });

  it('sets aside an event it cannot even convert (a time out of range) and records the rest', async () => {
    await sut.handle([event('time-1', { startedAt: 9e15, finishedAt: 9e15 }), event('time-2')]);
    expect((await recorded('time-')).map((r) => r.requestId)).toEqual(['time-2']);
    expect((await rejects('time-'))[0]?.error).toContain('startedAt is not a time');
  });

  it('fails the whole call on an outage, so the queue retries it, and sets nothing aside', async () => {
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), { code: undefined });
    const down = new Database(t.db.prisma, kind, { withSession: () => Promise.reject(lost), close: () => Promise.resolve() });
    const outage = new UsageRecorder(down);
    await expect(outage.handle([event('down-1'), event('down-2', POISON)])).rejects.toBe(lost);
    expect(await recorded('down-')).toEqual([]);
    expect(await rejects('down-')).toEqual([]);

    const admin = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const restarting = new UsageRecorder(new Database(t.db.prisma, kind, { withSession: () => Promise.reject(admin), close: () => Promise.resolve() }));
    await expect(restarting.handle([event('down-3')])).rejects.toBe(admin);
  });
});
