// The report routes over HTTP against real databases (Postgres, and PGlite as standalone runs it),
// fed by billing's own insert: statement
// totals equal the raw usage rows to the nano-dollar, and CSV has the documented shape.
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DATABASE_KINDS, recordUsageBatch, type UsageRecordInput } from '@switchyard/db';
import { nanoUsdOf, usdOfNano } from '@switchyard/shared';
import { randomInt } from 'node:crypto';
import { applyMigrations } from '../../../db/src/migrations.runner';
import { openTestDatabase, type TestDatabase } from '../../../db/src/test-database.harness';
import { AdminModule } from '../admin.module';
import type { AdminOptions } from '../admin.options';

const TOKEN = 'reports-spec-admin-token-0123456789';
const KEYS = ['key-a', 'key-b', 'key-c'];
const MODELS = ['gpt-4o-mini', 'claude,haiku', 'gemini-flash'];

function randomEvent(requestId: string, tenantId: string, month: 1 | 2): UsageRecordInput {
  // Mostly in February; some on the edges of the month, which belong to January and March.
  const startedAt = randomInt(10) === 0 ? new Date(Date.UTC(2026, month, randomInt(2) ? 0 : 1, randomInt(2) ? 23 : 0, randomInt(2) ? 59 : 0, 59)) : new Date(Date.UTC(2026, month, 1 + randomInt(28), randomInt(24)));
  return {
    requestId, tenantId, keyId: KEYS[randomInt(KEYS.length)] as string, model: MODELS[randomInt(MODELS.length)] as string, providerId: 'p', region: 'eu',
    dialect: 'openai', stream: false, status: 'ok', httpStatus: 200, inputTokens: randomInt(1000), outputTokens: randomInt(1000),
    costUsd: usdOfNano(BigInt(randomInt(2 ** 40))), latencyMs: 1, startedAt, finishedAt: startedAt,
    // Some deployments declare what the upstream charges (margins), some do not.
    upstreamCostUsd: randomInt(3) === 0 ? null : usdOfNano(BigInt(randomInt(2 ** 40))),
  };
}

describe.each(DATABASE_KINDS)('ReportsController on %s', (kind) => {
  let t: TestDatabase;
  let app: NestFastifyApplication;
  const query = <T>(sql: string, params?: unknown[]) => t.db.withSession((s) => s.query<T>(sql, params));
  let base = '';
  // Real HTTP (Fastify's inject needs an ES module Jest cannot load here).
  const get = async (url: string, accept = 'application/json') => {
    const res = await fetch(`${base}/admin/v1${url}`, { headers: { authorization: `Bearer ${TOKEN}`, accept } });
    const body = await res.text();
    return { statusCode: res.status, headers: Object.fromEntries(res.headers), body, json: <T = unknown>() => JSON.parse(body) as T };
  };

  beforeAll(async () => {
    Logger.overrideLogger(false);
    t = await openTestDatabase(kind, 'reports');
    await applyMigrations(t.db);
    await t.db.prisma.tenant.createMany({ data: [{ id: 'acme', name: 'Acme' }, { id: 'quiet', name: 'Quiet' }] });
    const events = Array.from({ length: 3000 }, (_, i) => randomEvent(`e-${i}`, i % 4 === 0 ? 'other' : 'acme', 1));
    // Concurrent batches, each event in two of them: billing's redeliveries must not count twice.
    await Promise.all(Array.from({ length: 6 }, (_, b) => recordUsageBatch(t.db, events.filter((_, i) => i % 6 === b || (i + 3) % 6 === b))));
    const options: AdminOptions = { token: TOKEN, db: t.db, bus: { publish: async () => undefined, subscribe: () => () => undefined } as never, billing: {} as never, secretBox: undefined, outbound: {} as never };
    app = await NestFactory.create<NestFastifyApplication>(AdminModule.forRoot(options), new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('totals a month exactly as the sum of its raw usage rows, line by line', async () => {
    const res = await get('/tenants/acme/statements/2026-02');
    expect(res.statusCode).toBe(200);
    const s = res.json<{ lines: { model: string; keyId: string; requests: number; costUsd: string; costNanoUsd: string }[]; usage: { requests: number; costNanoUsd: string; costUsd: string }; sections: unknown[] }>();
    const raw = await query<{ model: string; key_id: string; requests: string; cost: string }>(
      `SELECT model, key_id, count(*)::text AS requests, sum(cost_usd)::text AS cost FROM usage_records
        WHERE tenant_id = 'acme' AND started_at >= '2026-02-01T00:00:00Z' AND started_at < '2026-03-01T00:00:00Z' GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(s.lines.map((l) => [l.model, l.keyId, l.requests, l.costUsd])).toEqual(raw.map((r) => [r.model, r.key_id, Number(r.requests), r.cost]));
    const [total] = await query<{ cost: string; n: string }>(
      `SELECT sum(cost_usd)::text AS cost, count(*)::text AS n FROM usage_records WHERE tenant_id = 'acme' AND started_at >= '2026-02-01T00:00:00Z' AND started_at < '2026-03-01T00:00:00Z'`,
    );
    expect(BigInt(s.usage.costNanoUsd)).toBe(nanoUsdOf(total?.cost ?? ''));
    expect(s.usage.costUsd).toBe(total?.cost);
    expect(s.usage.requests).toBe(Number(total?.n));
    expect(s.lines.reduce((sum, l) => sum + BigInt(l.costNanoUsd), 0n)).toBe(BigInt(s.usage.costNanoUsd));
    // No credit entries and no plan pricer: no sections.
    expect(s.sections).toEqual([]);
  });

  it('carries upstream cost and margin per line and in total, exactly as the raw rows that declare one sum them', async () => {
    type Upstream = { upstreamCostUsd: string | null; upstreamCostNanoUsd: string | null; marginUsd: string | null; marginNanoUsd: string | null; costedRequests: number };
    const s = (await get('/tenants/acme/statements/2026-02')).json<{ lines: ({ model: string; keyId: string } & Upstream)[]; usage: Upstream }>();
    const raw = await query<{ model: string; key_id: string; upstream: string | null; margin: string | null; costed: string }>(
      `SELECT model, key_id, sum(upstream_cost_usd)::text AS upstream, sum(cost_usd - upstream_cost_usd)::text AS margin, count(upstream_cost_usd)::text AS costed
         FROM usage_records WHERE tenant_id = 'acme' AND started_at >= '2026-02-01T00:00:00Z' AND started_at < '2026-03-01T00:00:00Z' GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(s.lines.map((l) => [l.model, l.keyId, l.upstreamCostUsd, l.marginUsd, l.costedRequests])).toEqual(raw.map((r) => [r.model, r.key_id, r.upstream, r.margin, Number(r.costed)]));
    const [total] = await query<{ upstream: string; margin: string; costed: string }>(
      `SELECT sum(upstream_cost_usd)::text AS upstream, sum(cost_usd - upstream_cost_usd)::text AS margin, count(upstream_cost_usd)::text AS costed
         FROM usage_records WHERE tenant_id = 'acme' AND started_at >= '2026-02-01T00:00:00Z' AND started_at < '2026-03-01T00:00:00Z'`,
    );
    expect(s.usage).toMatchObject({ upstreamCostUsd: total?.upstream, marginUsd: total?.margin, costedRequests: Number(total?.costed) });
    expect(BigInt(s.usage.upstreamCostNanoUsd ?? 'x')).toBe(nanoUsdOf(total?.upstream ?? ''));
    expect(BigInt(s.usage.marginNanoUsd ?? 'x')).toBe(nanoUsdOf(total?.margin ?? ''));
  });

  it('exports the statement as CSV: a usage row per model and key, then the total', async () => {
    const json = (await get('/tenants/acme/statements/2026-02')).json<{ lines: { model: string; costUsd: string }[]; usage: { costUsd: string } }>();
    const res = await get('/tenants/acme/statements/2026-02', 'text/csv');
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('section,label,model,key_id,requests,errors,input_tokens,output_tokens,cached_input_tokens,reasoning_tokens,cache_write_tokens,amount_usd,upstream_cost_usd,margin_usd,costed_requests');
    expect(lines).toHaveLength(json.lines.length + 2);
    // A model name with a comma is quoted, so every row keeps its fifteen columns.
    expect(res.body).toContain('"claude,haiku"');
    const usage = (json as unknown as { usage: { costUsd: string; upstreamCostUsd: string; marginUsd: string; costedRequests: number } }).usage;
    const amounts = [usage.costUsd, usage.upstreamCostUsd, usage.marginUsd].map((a) => a.replace('.', '\\.').replace('-', '\\-'));
    expect(lines.at(-1)).toMatch(new RegExp(`^usage,total,,,\\d+,,,,,,,${amounts.join(',')},${usage.costedRequests}$`));
  });

  it('adds the credits section when the month has ledger entries, with an exact total', async () => {
    await query(`INSERT INTO credit_entries (id, tenant_id, amount_usd, kind, actor, reason, created_at) VALUES
      (gen_random_uuid(), 'acme', 100.000000001, 'topup', 'admin', 'invoice 7', '2026-02-03T00:00:00Z'), (gen_random_uuid(), 'acme', -0.000000002, 'adjustment', 'admin', '', '2026-02-04T00:00:00Z'),
      (gen_random_uuid(), 'acme', 5, 'topup', 'admin', 'next month', '2026-03-01T00:00:00Z'), (gen_random_uuid(), 'other', 9, 'topup', 'admin', 'not acme', '2026-02-03T00:00:00Z')`);
    const s = (await get('/tenants/acme/statements/2026-02')).json<{ sections: unknown[] }>();
    expect(s.sections).toEqual([
      {
        kind: 'credits',
        lines: [
          { label: 'topup: invoice 7', at: '2026-02-03T00:00:00.000Z', amountUsd: '100.000000001', amountNanoUsd: '100000000001' },
          { label: 'adjustment', at: '2026-02-04T00:00:00.000Z', amountUsd: '-0.000000002', amountNanoUsd: '-2' },
        ],
        totalUsd: '99.999999999',
        totalNanoUsd: '99999999999',
      },
    ]);
    const csv = (await get('/tenants/acme/statements/2026-02', 'text/csv')).body.trimEnd().split('\r\n');
    expect(csv.filter((l) => l.startsWith('credits,'))).toEqual(['credits,topup: invoice 7 (2026-02-03T00:00:00.000Z),,,,,,,,,,100.000000001,,,', 'credits,adjustment (2026-02-04T00:00:00.000Z),,,,,,,,,,-0.000000002,,,', 'credits,total,,,,,,,,,,99.999999999,,,']);
  });

  it("gives a prepaid tenant's opening and closing balance from the credit ledger, carried from month to month (after the credits above)", async () => {
    type Balance = { prepaidSince: string; openingUsd: string; openingNanoUsd: string; creditsNanoUsd: string; usageNanoUsd: string; closingUsd: string; closingNanoUsd: string };
    const statement = async (month: string) => (await get(`/tenants/acme/statements/${month}`)).json<{ balance: Balance | null }>().balance;
    // Prepaid from its first entry (2026-02-03): January has no balance, February opens at zero.
    expect(await statement('2026-01')).toBeNull();
    const feb = await statement('2026-02');
    const [spent] = await query<{ cost: string }>(
      `SELECT coalesce(sum(cost_usd), 0)::text AS cost FROM usage_records WHERE tenant_id = 'acme' AND started_at >= '2026-02-03T00:00:00Z' AND started_at < '2026-03-01T00:00:00Z'`,
    );
    const usage = nanoUsdOf(spent?.cost ?? '');
    expect(usage).toBeGreaterThan(0n);
    expect(feb).toEqual({
      prepaidSince: '2026-02-03T00:00:00.000Z',
      openingUsd: '0.000000000',
      openingNanoUsd: '0',
      creditsUsd: '99.999999999',
      creditsNanoUsd: '99999999999',
      usageUsd: usdOfNano(usage),
      usageNanoUsd: usage.toString(),
      closingUsd: usdOfNano(99_999_999_999n - usage),
      closingNanoUsd: (99_999_999_999n - usage).toString(),
    });
    // March opens where February closed and takes its top-up.
    const mar = await statement('2026-03');
    expect(mar).toMatchObject({ openingNanoUsd: feb?.closingNanoUsd, creditsNanoUsd: '5000000000', usageNanoUsd: '0', closingNanoUsd: (99_999_999_999n - usage + 5_000_000_000n).toString() });
    // A tenant never prepaid has none.
    expect((await get('/tenants/quiet/statements/2026-02')).json<{ balance: unknown }>().balance).toBeNull();

    const csv = (await get('/tenants/acme/statements/2026-02', 'text/csv')).body.trimEnd().split('\r\n');
    expect(csv.slice(-4)).toEqual([
      'balance,opening (2026-02-01T00:00:00.000Z),,,,,,,,,,0.000000000,,,',
      'balance,credits,,,,,,,,,,99.999999999,,,',
      `balance,usage,,,,,,,,,,${usdOfNano(-usage)},,,`,
      `balance,closing (2026-03-01T00:00:00.000Z),,,,,,,,,,${feb?.closingUsd},,,`,
    ]);
  });

  it('answers a known tenant without usage with an empty statement, and an unknown one with 404', async () => {
    const quiet = await get('/tenants/quiet/statements/2026-02');
    expect(quiet.json()).toMatchObject({ lines: [], usage: { requests: 0, costUsd: '0.000000000', costNanoUsd: '0' }, from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' });
    expect((await get('/tenants/nobody/statements/2026-02')).json()).toEqual({ error: { type: 'not_found', message: 'tenant "nobody" not found' } });
    expect((await get('/tenants/acme/statements/2026-13')).statusCode).toBe(404);
    // December's statement ends at the next year's first instant.
    expect((await get('/tenants/quiet/statements/2026-12')).json()).toMatchObject({ from: '2026-12-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
  });

  it('serves rollups grouped and paged, as JSON and CSV, equal to the raw rows', async () => {
    const first = await get('/usage/rollups?granularity=day&tenant=acme&groupBy=model&from=2026-02-01&to=2026-03-01&limit=10');
    expect(first.statusCode).toBe(200);
    const page = first.json<{ rows: { bucket: string; model: string; requests: number; costUsd: string; upstreamCostUsd: string | null; marginUsd: string | null; costedRequests: number }[]; nextOffset: number | null }>();
    expect(page.rows).toHaveLength(10);
    expect(page.nextOffset).toBe(10);
    expect(Object.keys(page.rows[0] ?? {}).sort()).toEqual(['bucket', 'cacheWriteTokens', 'cachedInputTokens', 'costUsd', 'costedRequests', 'errors', 'inputTokens', 'marginUsd', 'model', 'outputTokens', 'reasoningTokens', 'requests', 'upstreamCostUsd']);
    const raw = await query<{ day: string; model: string; requests: string; cost: string; upstream: string | null; margin: string | null; costed: string }>(
      `SELECT to_char(date_trunc('day', started_at, 'UTC') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS day, model, count(*)::text AS requests, sum(cost_usd)::text AS cost,
              sum(upstream_cost_usd)::text AS upstream, sum(cost_usd - upstream_cost_usd)::text AS margin, count(upstream_cost_usd)::text AS costed
         FROM usage_records WHERE tenant_id = 'acme' AND started_at >= '2026-02-01T00:00:00Z' AND started_at < '2026-03-01T00:00:00Z' GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 10`,
    );
    expect(page.rows.map((r) => [r.bucket, r.model, r.requests, r.costUsd, r.upstreamCostUsd, r.marginUsd, r.costedRequests])).toEqual(raw.map((r) => [r.day, r.model, Number(r.requests), r.cost, r.upstream, r.margin, Number(r.costed)]));

    const csv = await get('/usage/rollups?granularity=day&tenant=acme&groupBy=model&from=2026-02-01&to=2026-03-01&limit=10', 'text/csv');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['x-next-offset']).toBe('10');
    const rows = csv.body.trimEnd().split('\r\n');
    expect(rows[0]).toBe('bucket,model,requests,errors,input_tokens,output_tokens,cached_input_tokens,reasoning_tokens,cache_write_tokens,cost_usd,upstream_cost_usd,margin_usd,costed_requests');
    expect(rows).toHaveLength(11);
  });

  it('refuses an unknown dimension or a reversed range with a 400 naming the field', async () => {
    const bad = await get('/usage/rollups?groupBy=model,colour');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toContain('groupBy');
    expect((await get('/usage/rollups?from=2026-03-01&to=2026-02-01')).statusCode).toBe(400);
    expect((await get('/usage/rollups?granularity=week')).statusCode).toBe(400);
    // A month's bucket holds the month's whole usage.
    const months = (await get('/usage/rollups?granularity=month&tenant=acme&groupBy=tenant&from=2026-02-01&to=2026-03-01')).json<{ rows: { bucket: string; costUsd: string }[] }>();
    const statement = (await get('/tenants/acme/statements/2026-02')).json<{ usage: { costUsd: string } }>();
    expect(months.rows).toEqual([expect.objectContaining({ bucket: '2026-02-01T00:00:00Z', costUsd: statement.usage.costUsd })]);
    const impossible = await get('/usage/rollups?from=2026-02-30');
    expect(impossible.statusCode).toBe(400);
    expect(impossible.json<{ error: { message: string } }>().error.message).toContain('from');
    expect((await get('/tenants/acme/statements/0000-01')).statusCode).toBe(404);
  });
});
