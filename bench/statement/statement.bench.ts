// One tenant's monthly statement with 1,000,000 raw usage rows in Postgres (issue 16: < 200 ms).
// Loads the rows with generate_series into a database of its own, builds the rollups the way the
// migration's backfill does, then times GET /admin/v1/tenants/acme/statements/2026-02 through the
// real admin API over HTTP, and checks its total against the raw rows.
//   node tools/build.mjs statement-bench && node dist/bench/statement.js   (env ROWS, RUNS, TEST_POSTGRES_URL, KEEP=1)
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AdminModule, type AdminOptions } from '@switchyard/admin';
import { applyMigrations, createDatabase, type Database } from '@switchyard/db';
import { nanoUsdOf } from '@switchyard/shared';
import { Client } from 'pg';

const ROWS = Number(process.env['ROWS'] ?? 1_000_000);
const RUNS = Number(process.env['RUNS'] ?? 50);
const ADMIN_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const TOKEN = 'statement-bench-admin-token-0123456789';
const NAME = `sy_bench_statement_${process.pid}`;

// 1 row in 10 is acme's (the tenant measured), the rest spread over 97 tenants; 20 keys, 10 models,
// 3 providers, 2 regions; started_at spread over the 90 days from 2026-01-01 (so February holds
// about a third of acme's rows); costs random with nine decimals.
const LOAD = `
  INSERT INTO usage_records (id, request_id, tenant_id, key_id, model, provider_id, dialect, stream, status, http_status,
    input_tokens, output_tokens, cost_usd, latency_ms, region, started_at, finished_at)
  SELECT gen_random_uuid(), 'bench-' || g, CASE WHEN g % 10 = 0 THEN 'acme' ELSE 'tenant-' || (g % 97) END,
         'key-' || floor(random() * 20), 'model-' || floor(random() * 10), 'provider-' || floor(random() * 3), 'openai', false,
         CASE WHEN g % 50 = 0 THEN 'error' ELSE 'ok' END, 200, (random() * 4000)::int, (random() * 1000)::int,
         round((random() * 0.05)::numeric, 9), 100, CASE WHEN random() < 0.5 THEN 'eu' ELSE 'us' END, ts, ts
    FROM generate_series(1, $1::int) g,
         LATERAL (SELECT timestamptz '2026-01-01T00:00:00Z' + ((g::bigint * 7919) % 7776000) * interval '1 second' AS ts) t`;
const ROLLUP = (table: string, unit: string) => `
  INSERT INTO ${table}
  SELECT date_trunc('${unit}', started_at, 'UTC'), tenant_id, key_id, model, coalesce(provider_id, ''), coalesce(region, ''),
         count(*), count(*) FILTER (WHERE status = 'error'), sum(input_tokens), sum(output_tokens), sum(cached_input_tokens),
         sum(reasoning_tokens), sum(cache_write_tokens), sum(cost_usd)
    FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6`;
const RAW_TOTAL = `SELECT sum(cost_usd)::text AS cost, count(*)::int AS n FROM usage_records
  WHERE tenant_id = 'acme' AND started_at >= '2026-02-01T00:00:00Z' AND started_at < '2026-03-01T00:00:00Z'`;

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

const sql = <T>(db: Database, text: string, params?: unknown[]) => db.withSession((s) => s.query<T>(text, params));
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

async function main(): Promise<void> {
  await admin(`CREATE DATABASE "${NAME}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${NAME}`;
  const db = await createDatabase({ databaseUrl: url.toString() });
  let app: NestFastifyApplication | undefined;
  try {
    await applyMigrations(db);
    await db.prisma.tenant.create({ data: { id: 'acme', name: 'Acme' } });
    await timed(`load ${ROWS} raw usage rows`, () => sql(db, LOAD, [ROWS]));
    await timed('build hourly rollups', () => sql(db, ROLLUP('usage_rollups_hourly', 'hour')));
    await timed('build daily rollups', () => sql(db, ROLLUP('usage_rollups_daily', 'day')));
    await timed('build monthly rollups', () => sql(db, ROLLUP('usage_rollups_monthly', 'month')));
    await sql(db, 'VACUUM ANALYZE');
    const [rollups] = await sql<{ n: number }>(db, `SELECT count(*)::int AS n FROM usage_rollups_monthly WHERE tenant_id = 'acme' AND bucket = '2026-02-01'`);

    const options: AdminOptions = { token: TOKEN, db, bus: { publish: async () => undefined } as never, billing: {} as never, secretBox: undefined, outbound: {} as never };
    app = await NestFactory.create<NestFastifyApplication>(AdminModule.forRoot(options), new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    const statementUrl = `${await app.getUrl()}/admin/v1/tenants/acme/statements/2026-02`;
    const get = async () => {
      const res = await fetch(statementUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
      if (res.status !== 200) throw new Error(`statement answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as { lines: unknown[]; usage: { costNanoUsd: string; requests: number } };
    };
    for (let i = 0; i < 5; i++) await get();
    const ms: number[] = [];
    let last: Awaited<ReturnType<typeof get>> | undefined;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      last = await get();
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    const [raw] = await sql<{ cost: string; n: number }>(db, RAW_TOTAL);
    const t0 = performance.now();
    await sql(db, RAW_TOTAL);
    const rawScanMs = performance.now() - t0;
    console.log(
      JSON.stringify({
        rows: ROWS,
        acmeFebruaryRawRows: raw?.n,
        acmeFebruaryMonthlyRollupRows: rollups?.n,
        statementLines: last?.lines.length,
        runs: RUNS,
        p50Ms: +pct(ms, 50).toFixed(1),
        p95Ms: +pct(ms, 95).toFixed(1),
        maxMs: +(ms.at(-1) as number).toFixed(1),
        exactTotal: last !== undefined && BigInt(last.usage.costNanoUsd) === nanoUsdOf(raw?.cost ?? '0') && last.usage.requests === raw?.n,
        forComparisonRawScanMs: +rawScanMs.toFixed(1),
      }),
    );
  } finally {
    await app?.close();
    await db.close();
    if (process.env['KEEP'] !== '1') await admin(`DROP DATABASE IF EXISTS "${NAME}" WITH (FORCE)`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
