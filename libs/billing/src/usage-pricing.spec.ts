// What the ledger charges (issue 16, prices) against real databases: reasoning and batch rates,
// the tenant's multiplier recorded with the row, the deployment's upstream cost, and the margin
// the usage query reports from them, all exact to the nano-dollar.
import { Dialect, ErrorKind, type UsageEvent } from '@switchyard/ir';
import { applyMigrations } from '../../db/src/migrations.runner';
import { openTestDatabase, type TestDatabase } from '../../db/src/test-database.harness';
import { UsageQuery } from './usage-query.service';
import { UsageRecorder } from './usage-recorder.service';

const T0 = Date.parse('2026-05-06T07:08:09.000Z');
const NO_USAGE = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 };

function event(requestId: string, over: Partial<UsageEvent>): UsageEvent {
  return {
    requestId,
    tenantId: 'plain',
    keyId: 'key-1',
    model: 'o-mini',
    providerId: 'openai-main',
    upstreamModel: 'o-mini-2026',
    dialect: Dialect.DIALECT_OPENAI,
    stream: false,
    status: 'ok',
    httpStatus: 200,
    usage: NO_USAGE,
    latencyMs: 100,
    startedAt: T0,
    finishedAt: T0 + 100,
    deploymentId: '',
    errorKind: ErrorKind.ERROR_KIND_UNSPECIFIED,
    ttftMs: 0,
    region: '',
    cacheHit: false,
    attempts: 1,
    clientRequestId: '',
    ...over,
  };
}

describe.each(['postgres', 'pglite'] as const)('UsageRecorder pricing on %s', (kind) => {
  let t: TestDatabase;
  let sut: UsageRecorder;
  let costed = '';
  let uncosted = '';

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'pricing');
    await applyMigrations(t.db);
    const p = t.db.prisma;
    await p.provider.create({ data: { id: 'openai-main', type: 'openai', baseUrl: 'https://api.openai.com/v1' } });
    await p.model.create({ data: { name: 'o-mini' } });
    costed = (await p.deployment.create({ data: { modelName: 'o-mini', providerId: 'openai-main', upstreamModel: 'o-mini-2026', options: { cost: { inputPerMTok: 1, outputPerMTok: 4, batchInputPerMTok: 0.5, batchOutputPerMTok: 2 } } } })).id;
    uncosted = (await p.deployment.create({ data: { modelName: 'o-mini', providerId: 'openai-main', upstreamModel: 'o-mini-other' } })).id;
    await p.price.create({ data: { modelName: 'o-mini', inputPerMTok: 1.1, outputPerMTok: 4.4, reasoningPerMTok: 6, batchInputPerMTok: 0.55, batchOutputPerMTok: 2.2, effectiveFrom: new Date(T0 - 86_400_000) } });
    await p.tenant.create({ data: { id: 'plain' } });
    await p.tenant.create({ data: { id: 'marked-up', priceMultiplier: 1.2 } });
    sut = new UsageRecorder(t.db);
  });
  afterAll(() => t?.dispose());

  const row = (requestId: string) => t.db.prisma.usageRecord.findUniqueOrThrow({ where: { requestId } });

  it('charges reasoning tokens at the reasoning rate and records the upstream cost of the deployment', async () => {
    // 1,000 in × 1.1 + 600 text out × 4.4 + 400 reasoning × 6 (catalogue); upstream 1,000 × 1 + 1,000 × 4.
    await sut.recordMany([event('reason-1', { deploymentId: costed, usage: { ...NO_USAGE, inputTokens: 1_000, outputTokens: 1_000, reasoningTokens: 400 } })]);

    const r = await row('reason-1');
    expect([r.costUsd.toString(), r.upstreamCostUsd?.toString(), r.priceMultiplier, r.batch]).toEqual(['0.00614', '0.005', null, false]);
  });

  it('charges a batch line at the batch rates, upstream too', async () => {
    await sut.recordMany([event('batch-1', { deploymentId: costed, batch: true, usage: { ...NO_USAGE, inputTokens: 1_000_000, outputTokens: 100_000 } })]);

    const r = await row('batch-1');
    expect([r.costUsd.toString(), r.upstreamCostUsd?.toString(), r.batch]).toEqual(['0.77', '0.7', true]);
  });

  it("charges the tenant's multiplier on the catalogue price and records it; the upstream cost is not multiplied", async () => {
    // 7 tokens × $1.1/MTok = 7,700 nano-dollars; × 1.2 = 9,240.
    await sut.recordMany([
      event('multi-1', { tenantId: 'marked-up', deploymentId: costed, usage: { ...NO_USAGE, inputTokens: 7 } }),
      event('multi-2', { tenantId: 'marked-up', deploymentId: costed, usage: { ...NO_USAGE, inputTokens: 1_000_000 } }),
    ]);

    expect([(await row('multi-1')).costUsd.toFixed(9), (await row('multi-1')).priceMultiplier?.toString()]).toEqual(['0.000009240', '1.2']);
    const r = await row('multi-2');
    expect([r.costUsd.toString(), r.upstreamCostUsd?.toString()]).toEqual(['1.32', '1']);
  });

  it('leaves the upstream cost empty for a deployment that declares none, and for a cache hit', async () => {
    await sut.recordMany([
      event('free-1', { deploymentId: uncosted, usage: { ...NO_USAGE, inputTokens: 1_000_000 } }),
      event('free-2', { deploymentId: costed, cacheHit: true, usage: { ...NO_USAGE, inputTokens: 1_000_000 } }),
    ]);

    expect([(await row('free-1')).costUsd.toString(), (await row('free-1')).upstreamCostUsd]).toEqual(['1.1', null]);
    expect([(await row('free-2')).costUsd.toString(), (await row('free-2')).upstreamCostUsd]).toEqual(['0', null]);
  });

  it('reports the margin over the rows with an upstream cost, exactly', async () => {
    const usage = await new UsageQuery(t.db).getUsage({ tenantId: 'marked-up', keyId: '', model: '', fromDay: '', toDay: '', clientRequestId: '' });

    // Charged 1.32 + 0.00000924, upstream 1 + 0.000007.
    expect(usage.rows).toEqual([expect.objectContaining({ requests: 2, costUsd: 1.32000924, upstreamCostUsd: 1.000007, marginUsd: 0.32000224, costedRequests: 2 })]);
    const plain = await new UsageQuery(t.db).getUsage({ tenantId: 'plain', keyId: '', model: '', fromDay: '', toDay: '', clientRequestId: '' });
    expect(plain.rows[0]).toMatchObject({ requests: 4, costedRequests: 2, upstreamCostUsd: 0.705, marginUsd: 0.07114 });
  });
});
