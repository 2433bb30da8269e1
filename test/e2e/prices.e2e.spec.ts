import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { ProviderSimulator } from '@switchyard/testing';
import { AdminClient } from './support/admin-client';
import { GATEWAY_SECRETS } from './support/gateway-config';
import { createTestDatabase } from './support/postgres-harness';
import { ROOT, RunningApp, eventually, freePort, startApp, waitForReady } from './support/process-harness';

// Prices (issue 16) on a standalone gateway over Postgres: a tenant charged the catalogue price
// times its multiplier, the deployment's upstream cost recorded beside it, the margin the usage
// endpoint reports, and the community price list imported through the CLI and the admin API.

const ADMIN_TOKEN = 'prices-e2e-admin-token-0123456789abcdef0123';
const RETAIL_KEY = 'sk-test-retail-0123456789abcdef0123456789';
const FIXTURE = join(ROOT, 'libs/admin/src/prices/__fixtures__/community-prices.json');

function config(simulatorUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-prices-'));
  const path = join(dir, 'switchyard.yaml');
  writeFileSync(
    path,
    `configOwnership: seed
providers:
  - { id: sim, type: openai, baseUrl: ${simulatorUrl}/v1, apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
models:
  - name: gpt-4o-mini
    deployments:
      - { provider: sim, model: gpt-4o-mini-2024-07-18, cost: { inputPerMTok: 1, outputPerMTok: 4 } }
    price: { inputPerMTok: 1.5, outputPerMTok: 6 }
  - name: reasoner
    deployments:
      - { provider: sim, model: o3-mini }
tenants:
  - id: retail
    priceMultiplier: 1.2
    keys: [{ key: ${RETAIL_KEY} }]
`,
  );
  return path;
}

/** Runs `switchyard ARGS` to completion: its exit code and its output. */
async function switchyard(args: string[]): Promise<{ code: number | null; output: string }> {
  const app = startApp('standalone', { SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN }, args);
  const code = await new Promise<number | null>((resolve) => {
    if (app.proc.exitCode !== null) resolve(app.proc.exitCode);
    else app.proc.once('exit', (c) => resolve(c));
  });
  return { code, output: app.output() };
}

interface UsageRow {
  input_tokens: number;
  output_tokens: number;
  cost_usd: string;
  upstream_cost_usd: string | null;
  price_multiplier: string | null;
}

describe('prices on a standalone gateway (Postgres)', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let baseUrl = '';
  let admin: AdminClient;

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_prices');
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    app = startApp('standalone', { ...GATEWAY_SECRETS, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN, SWITCHYARD_CONFIG: config(sim.url), DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1' });
    await waitForReady(baseUrl, app);
    admin = new AdminClient(baseUrl, ADMIN_TOKEN);
  });

  afterAll(async () => {
    const code = await app?.stop();
    await sim?.close();
    await db?.drop();
    expect(code).toBe(0);
  });

  it('charges the catalogue price times the multiplier, records the upstream cost, and reports the margin', async () => {
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: RETAIL_KEY, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }] });

    const [row] = await eventually(async () => {
      const rows = await db.query<UsageRow>("SELECT input_tokens, output_tokens, cost_usd::text, upstream_cost_usd::text, price_multiplier::text FROM usage_records WHERE tenant_id = 'retail'");
      if (rows.length !== 1) throw new Error(`${rows.length} usage rows`);
      return rows;
    });
    // In nano-dollars: a token at $1.5/MTok is 1,500; × 1.2 exactly.
    const charged = ((BigInt(row.input_tokens) * 1_500n + BigInt(row.output_tokens) * 6_000n) * 12n) / 10n;
    const upstream = BigInt(row.input_tokens) * 1_000n + BigInt(row.output_tokens) * 4_000n;
    expect(row.input_tokens + row.output_tokens).toBeGreaterThan(0);
    expect([row.cost_usd, row.upstream_cost_usd, row.price_multiplier]).toEqual([usd(charged), usd(upstream), '1.200000']);

    const usage = await admin.ok<{ rows: Record<string, unknown>[] }>('GET', '/usage?tenant=retail');
    expect(usage.rows).toEqual([expect.objectContaining({ requests: 1, costUsd: Number(usd(charged)), upstreamCostUsd: Number(usd(upstream)), marginUsd: Number(usd(charged - upstream)), costedRequests: 1 })]);
  });

  it('changes a tenant multiplier through the admin API, and refuses a negative one', async () => {
    const tenant = await admin.ok<{ priceMultiplier: number | null }>('PATCH', '/tenants/retail', { priceMultiplier: 0.8 });
    expect(tenant.priceMultiplier).toBe(0.8);
    const refused = await admin.call('PATCH', '/tenants/retail', { priceMultiplier: -1 });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('priceMultiplier');
  });

  it('imports the community price list: the CLI prints the diff of a dry run, then the import adds price rows', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sy-prices-')), 'model_prices_and_context_window.json');
    copyFileSync(FIXTURE, file);

    const dry = await switchyard(['prices', 'import', file, '--dry-run', '--url', baseUrl]);
    expect(dry.code).toBe(0);
    expect(dry.output).toContain('~ price gpt-4o-mini (from "gpt-4o-mini", matched by model)\n    inputPerMTok: 1.5 → 0.15\n');
    expect(dry.output).toContain('~ price reasoner (from "o3-mini", matched by upstream)\n    inputPerMTok: - → 1.1\n    outputPerMTok: - → 4.4\n    reasoningPerMTok: - → 4.4\n');
    expect(dry.output).toContain('- skipped "text-embedding-3-small": no catalogue model or deployment of this name\n');
    expect(dry.output).toContain('- skipped "azure/o3-mini": model "reasoner" takes the entry "o3-mini", which names it more exactly\n');
    expect(dry.output).toContain('- skipped "sample_spec": the file\'s documentation entry (LiteLLM\'s sample_spec), not a model\n');
    expect(dry.output).toContain('2 prices to add (dry run), 0 unchanged, 8 entries skipped\n');
    expect(await db.query("SELECT 1 FROM prices WHERE model_name = 'reasoner'")).toEqual([]);

    const real = await switchyard(['prices', 'import', file, '--url', baseUrl]);
    expect(real.output).toContain('2 prices added');
    const rows = await db.query<{ reasoning: string }>("SELECT reasoning_per_mtok::text AS reasoning FROM prices WHERE model_name = 'reasoner'");
    expect(rows).toEqual([{ reasoning: '4.400000' }]);

    const again = await admin.ok<{ changed: unknown[]; unchanged: { model: string }[] }>('POST', '/prices/import?dryRun=true', JSON.parse(readFileSync(file, 'utf8')) as unknown);
    expect([again.changed, again.unchanged.map((u) => u.model)]).toEqual([[], ['gpt-4o-mini', 'reasoner']]);
  });

  it('answers a body that is not the community shape with a 400 in the admin error shape', async () => {
    const res = await admin.call('POST', '/prices/import', [1, 2]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { type: 'invalid_request' } });
  });
});

/** Nano-dollars as Postgres prints numeric(18,9). */
function usd(nanos: bigint): string {
  return `${nanos / 1_000_000_000n}.${(nanos % 1_000_000_000n).toString().padStart(9, '0')}`;
}
