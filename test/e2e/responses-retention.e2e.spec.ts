import OpenAI, { NotFoundError } from 'openai';
import { ProviderSimulator } from '@switchyard/testing';
import { GATEWAY_SECRETS, PUBLIC_MODEL, TEST_KEY, writeGatewayConfig } from './support/gateway-config';
import { createTestDatabase } from './support/postgres-harness';
import { type RunningApp, eventually, freePort, startApp, waitForReady } from './support/process-harness';

// SWITCHYARD_RESPONSES_RETENTION_DAYS in standalone mode (issue 17): stored responses expire
// after that many days, are not served once expired, and are deleted by the sweep a starting
// gateway runs at once (and every minute after). Postgres rather than PGlite, so the test can
// read the rows and age one while the gateway runs. The cluster ingress's sweep is in
// cluster.e2e.spec.ts.

jest.setTimeout(120_000);

describe('stored responses retention (standalone)', () => {
  let sim: ProviderSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: RunningApp | undefined;
  let env: Record<string, string> = {};
  let client: OpenAI;

  const boot = async (): Promise<void> => {
    app = startApp('standalone', env);
    await waitForReady(`http://127.0.0.1:${env['PORT'] as string}`, app, 90_000);
  };

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_resp_retention');
    const port = await freePort();
    env = { ...GATEWAY_SECRETS, SWITCHYARD_CONFIG: writeGatewayConfig(sim.url), DATABASE_URL: db.url, SWITCHYARD_RESPONSES_RETENTION_DAYS: '3', PORT: String(port), HOST: '127.0.0.1' };
    await boot();
    client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
  });

  afterAll(async () => {
    expect(await app?.stop()).toBe(0);
    await sim?.close();
    await db?.drop();
  });

  it('keeps a response for the configured days, stops serving it once expired, and a restarted gateway deletes it', async () => {
    const old = await client.responses.create({ model: PUBLIC_MODEL, input: 'Remember me.' });
    const kept = await client.responses.create({ model: PUBLIC_MODEL, input: 'Keep me.' });
    const days = await db.query<{ id: string; days: string }>('SELECT id, round(extract(epoch FROM expires_at - created_at) / 86400) AS days FROM responses ORDER BY id');
    expect(days.map((r) => [r.id, Number(r.days)]).sort()).toEqual([[kept.id, 3], [old.id, 3]].sort());

    // Three days later, for one of them.
    await db.query(`UPDATE responses SET created_at = now() - interval '3 days 1 minute', expires_at = now() - interval '1 minute' WHERE id = $1`, [old.id]);
    await expect(client.responses.retrieve(old.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await db.query('SELECT id FROM responses WHERE id = $1', [old.id])).toHaveLength(1);

    // This process pruned at its start already (once a minute at most); a restart sweeps at once.
    expect(await app?.stop()).toBe(0);
    await boot();
    await eventually(async () => {
      const left = await db.query<{ id: string }>('SELECT id FROM responses');
      if (left.some((r) => r.id === old.id)) throw new Error('the expired response is still there');
      return left;
    }, 30_000, 'the sweep of expired responses');
    expect(await db.query<{ id: string }>('SELECT id FROM responses')).toEqual([{ id: kept.id }]);
    expect((await client.responses.retrieve(kept.id)).id).toBe(kept.id);
  });
});
