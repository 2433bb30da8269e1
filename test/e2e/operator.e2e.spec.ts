import { ProviderSimulator } from '@switchyard/testing';
import { type RunningApp, freePort, startApp, waitForReady } from './support/process-harness';
import { createTestDatabase } from './support/postgres-harness';
import { OPERATOR_ENV, describeOperatorContract, writeOperatorConfig } from './support/operator-contract';

// CORS and GET /v1/me on a real standalone process (the server's origins from switchyard.yaml).

describe('CORS and GET /v1/me on standalone', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let baseUrl = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_operator');
    const port = await freePort();
    app = startApp('standalone', { ...OPERATOR_ENV, SWITCHYARD_CONFIG: writeOperatorConfig(sim.url), DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${port}`;
    await waitForReady(baseUrl, app);
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
    await db?.drop();
  });

  describeOperatorContract(() => ({ baseUrl }));
});
