import OpenAI from 'openai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from '@switchyard/notify';
import { ProviderSimulator, type ReceivedWebhook, WebhookReceiver } from '@switchyard/testing';
import { createTestDatabase } from './support/postgres-harness';
import { type RunningApp, SIMULATOR_OUTBOUND_ENV, freePort, startApp, waitForReady } from './support/process-harness';

// Issue 13's notifier end to end: a standalone gateway on Postgres and Redis (so budgets are
// counted by the Redis quota store and webhooks go through BullMQ), driven by the official
// openai SDK against the provider simulator, posting to a webhook receiver in this test that
// fails the first delivery. A tenant's daily budget is crossed by real requests; a deployment's
// circuit opens because the simulator is scripted to fail.

const REDIS_URL = process.env['TEST_NOTIFY_E2E_REDIS_URL'] ?? 'redis://127.0.0.1:6379/15';
const HOOK_SECRET = 'whsec-e2e-0123456789abcdef';
const KEY = 'sk-notify-acme-0123456789abcdef0123456789';
// $100 per million output tokens: 1,000 output tokens (and 10 input at $10/M) cost $0.1001.
const BUDGET_USD = 1;
const PER_REQUEST = { input: 10, output: 1000 };

function writeConfig(simulatorUrl: string, hooksUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-notify-'));
  const path = join(dir, 'switchyard.yaml');
  writeFileSync(
    path,
    `server: { port: 8080 }
# One upstream call per request; a breaker that opens after two failures of two, and stays open.
routing:
  retries: 0
  circuitBreaker: { minRequests: 2, failureRate: 0.5, openMs: 600000 }
  outlier: { consecutiveFailures: 1000 }
providers:
  - { id: sim, type: openai, baseUrl: '${simulatorUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
models:
  - name: nt-budget
    deployments: [{ provider: sim, model: sim-budget }]
    price: { inputPerMTok: 10, outputPerMTok: 100 }
  - name: nt-flaky
    deployments: [{ provider: sim, model: sim-flaky }]
    price: { inputPerMTok: 1, outputPerMTok: 1 }
tenants:
  - id: acme
    budget: { dailyUsd: ${BUDGET_USD} }
    keys: [{ key: ${KEY}, name: acme-key }]
notifications:
  webhooks:
    - { name: ops, url: '${hooksUrl}/hooks/ops', secret: env:OPS_HOOK_SECRET, events: [budget, health], format: json }
    - { name: chat, url: '${hooksUrl}/hooks/chat', secret: env:OPS_HOOK_SECRET, events: [health], format: slack }
`,
  );
  return path;
}

const bodyOf = (r: ReceivedWebhook) => JSON.parse(r.body) as Record<string, unknown>;
const signed = (r: ReceivedWebhook) => verifyWebhookSignature(HOOK_SECRET, r.headers[SIGNATURE_HEADER] as string | undefined, r.body, Date.now());

describe('notifications: budget and health alerts to signed webhooks, retried through BullMQ', () => {
  let sim: ProviderSimulator;
  let receiver: WebhookReceiver;
  let app: RunningApp;
  let client: OpenAI;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let redis: Redis;

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    receiver = new WebhookReceiver();
    const hooksUrl = await receiver.start();
    redis = new Redis(REDIS_URL);
    await redis.flushdb();
    db = await createTestDatabase('sy_notify');
    const port = await freePort();
    app = startApp('standalone', {
      ...SIMULATOR_OUTBOUND_ENV,
      SWITCHYARD_UPSTREAM_SIM_KEY: 'sk-upstream-notify',
      OPS_HOOK_SECRET: HOOK_SECRET,
      SWITCHYARD_CONFIG: writeConfig(sim.url, hooksUrl),
      DATABASE_URL: db.url,
      REDIS_URL,
      HOST: '127.0.0.1',
      PORT: String(port),
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForReady(baseUrl, app);
    // The SDK's own retries would hide which request failed.
    client = new OpenAI({ apiKey: KEY, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.stop();
    await sim?.close();
    redis?.disconnect();
    await db?.drop();
  });

  const ask = (model: string) => client.chat.completions.create({ model, max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] });

  it("announces a tenant's daily budget at 90 % and when it refuses, once each, retrying a failed delivery", async () => {
    receiver.answer(500); // the first delivery fails; BullMQ retries it
    // Nine requests of $0.1001: the ninth settles at $0.9009, past 90 % of $1.
    for (let i = 0; i < 9; i++) {
      sim.script({ match: { model: 'sim-budget' }, usage: PER_REQUEST });
      await ask('nt-budget');
    }
    // The tenth would reserve $0.1001 more than is left: refused, and the budget is announced exhausted.
    await expect(ask('nt-budget')).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(ask('nt-budget')).rejects.toBeInstanceOf(OpenAI.RateLimitError);

    const budget = (r: ReceivedWebhook) => r.headers[EVENT_HEADER] === 'budget';
    const got = await receiver.waitFor(3, budget);
    const threshold = got.filter((r) => bodyOf(r)['level'] === 'threshold');
    expect(threshold.map((r) => r.status)).toEqual([500, 200]);
    expect(new Set(threshold.map((r) => r.headers[DELIVERY_HEADER])).size).toBe(1);
    for (const r of got) {
      expect(r.path).toBe('/hooks/ops');
      expect(signed(r)).toBe(true);
    }
    expect(bodyOf(threshold[1] as ReceivedWebhook)).toMatchObject({
      version: 1,
      type: 'budget',
      level: 'threshold',
      scope: 'tenant',
      tenant: 'acme',
      period: 'daily',
      spend_usd: 0.9009,
      limit_usd: 1,
      ratio: 0.9009,
      threshold: 0.9,
    });
    const exhausted = got.filter((r) => bodyOf(r)['level'] === 'exhausted');
    expect(exhausted).toHaveLength(1);
    expect(bodyOf(exhausted[0] as ReceivedWebhook)).toMatchObject({ type: 'budget', level: 'exhausted', tenant: 'acme', spend_usd: 0.9009, limit_usd: 1, threshold: 1 });

    // More refusals announce nothing more (the claim is held in Redis for the day).
    await expect(ask('nt-budget')).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received.filter(budget)).toHaveLength(3);
    expect(await redis.keys('sy:notify:v1:budget*')).toHaveLength(2);
  });

  it("announces a deployment's circuit opening once, to every webhook subscribed to health", async () => {
    for (let i = 0; i < 4; i++) sim.script({ match: { model: 'sim-flaky' }, error: { status: 500 } });
    for (let i = 0; i < 2; i++) await expect(ask('nt-flaky')).rejects.toBeInstanceOf(OpenAI.APIError);
    // Open now: refused without an upstream call, and no second alert.
    await expect(ask('nt-flaky')).rejects.toBeInstanceOf(OpenAI.APIError);

    const health = (r: ReceivedWebhook) => r.headers[EVENT_HEADER] === 'health';
    const got = await receiver.waitFor(2, health);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received.filter(health)).toHaveLength(2);
    for (const r of got) expect(signed(r)).toBe(true);

    const json = got.find((r) => r.path === '/hooks/ops');
    expect(json && bodyOf(json)).toMatchObject({ type: 'health', transition: 'circuit_opened', state: 'open', model: 'nt-flaky', provider: 'sim', upstream_model: 'sim-flaky' });
    const slack = got.find((r) => r.path === '/hooks/chat');
    const message = slack && (bodyOf(slack) as { text: string; blocks: unknown[]; metadata: { event_type: string; event_payload: Record<string, unknown> } });
    expect(message?.text).toMatch(/^:red_circle: Deployment \*\S+\* \(nt-flaky on sim, sim-flaky\): circuit opened/);
    expect(message?.blocks).toHaveLength(2);
    expect(message?.metadata.event_type).toBe('switchyard_health');
    expect(message?.metadata.event_payload).toMatchObject({ transition: 'circuit_opened', model: 'nt-flaky' });
  });
});
