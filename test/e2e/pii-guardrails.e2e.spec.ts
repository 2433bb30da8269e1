import { ProviderSimulator, type SimulatedProvider } from '@switchyard/testing';
import { type ClientDialect, type ClientDriver, driverFor } from './support/matrix-clients';
import { CHAT_MODELS, MATRIX_KEY, MATRIX_SECRETS, type UpstreamFamily, writeMatrixConfig } from './support/matrix-config';
import { createTestDatabase } from './support/postgres-harness';
import { type RunningApp, freePort, startApp, waitForReady } from './support/process-harness';

// PII guardrails end to end (issue 18): each client dialect through its official SDK, against
// an upstream of another family (the simulator, which records what it received). The tenant
// masks and restores; one of its keys overrides the action to block cards.

const BLOCK_KEY = 'sk-test-pii-block-0123456789abcdef012345';
const TENANTS = `tenants:
  - id: private
    guardrails: { pii: { action: mask, restore: true } }
    keys:
      - { key: env:MATRIX_KEY, models: ['*'] }
      - { key: ${BLOCK_KEY}, models: ['*'], guardrails: { pii: { action: block, categories: [card] } } }
`;

const EMAIL = 'jane.doe@example.com';
const OPS = 'ops@corp.example';
const CARD = '4111 1111 1111 1111';
// The upstream echoes the placeholders the gateway sent it (the system prompt's address is
// [EMAIL_1], the user's [EMAIL_2]); one word, so the simulator splits it by characters and
// every placeholder arrives cut across deltas when streaming.
const ECHO = 'To:[EMAIL_2],card:[CARD_1],cc:[EMAIL_1].';
const RESTORED = `To:${EMAIL},card:${CARD},cc:${OPS}.`;

const CLIENTS = ['openai', 'anthropic', 'gemini'] as const satisfies readonly ClientDialect[];
/** Each client against another family's upstream: the guardrails work on the IR, not on a wire. */
const UPSTREAM_OF: Readonly<Record<(typeof CLIENTS)[number], UpstreamFamily & SimulatedProvider>> = { openai: 'anthropic', anthropic: 'gemini', gemini: 'openai' };

describe('PII guardrails through the three SDKs', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let baseUrl = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_pii');
    const port = await freePort();
    const env = { ...MATRIX_SECRETS, SWITCHYARD_CONFIG: writeMatrixConfig(sim.url, TENANTS), DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1' };
    app = startApp('standalone', env);
    baseUrl = `http://127.0.0.1:${port}`;
    await waitForReady(baseUrl, app, 90_000);
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
    await db?.drop();
  });

  beforeEach(() => sim.reset());

  describe.each(CLIENTS)('%s client', (client) => {
    const upstream = UPSTREAM_OF[client];
    const model = CHAT_MODELS[upstream].public;
    let driver: ClientDriver;
    beforeAll(() => {
      driver = driverFor(client, baseUrl, MATRIX_KEY);
    });

    it.each([false, true])('masks before the upstream and restores the echo (stream: %s)', async (stream) => {
      sim.script({ match: { provider: upstream }, content: ECHO, chunks: 12 });
      const answer = await driver.chat({ model, stream, system: `Escalations go to ${OPS}.`, turns: [{ role: 'user', text: `I am ${EMAIL}, my card is ${CARD}. Repeat them.` }] });

      expect(answer.text).toBe(RESTORED);
      const sent = sim.requests.map((r) => r.rawBody).join('\n');
      expect(sim.requests).toHaveLength(1);
      expect(sent).toContain('[EMAIL_1]');
      expect(sent).toContain('[EMAIL_2]');
      expect(sent).toContain('[CARD_1]');
      expect(sent).not.toContain(EMAIL);
      expect(sent).not.toContain(OPS);
      expect(sent).not.toContain('4111');
    });

    it('blocks a card with a 400 that names the category, never the value', async () => {
      const blocking = driverFor(client, baseUrl, BLOCK_KEY);
      const err = await blocking.chat({ model, stream: false, turns: [{ role: 'user', text: `charge ${CARD} now` }] }).then(
        () => undefined,
        (e: unknown) => blocking.errorOf(e),
      );

      expect(err?.status).toBe(400);
      expect(err?.message).toContain('personal data');
      expect(err?.message).toContain('card');
      expect(err?.message).not.toContain('4111');
      expect(sim.requests).toHaveLength(0);
    });
  });
});
