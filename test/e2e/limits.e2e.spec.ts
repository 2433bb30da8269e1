import Anthropic from '@anthropic-ai/sdk';
import { ApiError } from '@google/genai';
import OpenAI from 'openai';
import { configChangeChannel } from '@switchyard/queue';
import { ProviderSimulator, type RecordedRequest } from '@switchyard/testing';
import { type Dialect, type Outcome, anthropicCall, burst, callIn, countStatus, geminiCall, geminiQueryKeyCall, openAiCall } from './support/limits-clients';
import {
  BUDGET_DAILY_USD,
  BUDGET_MAX_TOKENS,
  BUDGET_PRICE,
  CONCURRENCY_LIMIT,
  HEADERS_RPM,
  HEADERS_TPM,
  KEYS,
  LEASE_MS,
  LIMITS_REDIS_URL,
  type LimitsGateway,
  MODELS,
  RPM_LIMIT,
  decimalToNano,
  ledgerOf,
  startLimitsGateway,
} from './support/limits-gateway';
import { eventually } from './support/process-harness';

// Issue 4's limits and budgets end to end: two real standalone processes on one Postgres
// database and one Redis database, driven through the official SDKs, with the provider
// simulator as the upstream. Limits must hold exactly however the requests are spread over the
// two processes, a budget must never be reserved past its cap, a slot held by a crashed process
// must come back, and every refusal must reach each SDK as that SDK's own error.

const DIALECTS: readonly Dialect[] = ['openai', 'anthropic', 'gemini'];
/** OpenAI's duration format for x-ratelimit-reset-*: 20ms, 1.5s, 6m0s. */
const DURATION = /^(\d+ms|\d+(\.\d+)?s|\d+m\d+(\.\d+)?s)$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const modelOf = (r: RecordedRequest): unknown => (r.body as { model?: unknown } | undefined)?.model;
const chat = { model: MODELS.chat.public, maxTokens: 16 };

/** What each SDK must see for a refusal: its error class and its dialect's error type. */
const REFUSALS: Record<Dialect, Record<401 | 403 | 429, { errorClass: abstract new (...args: never[]) => unknown; type: string }>> = {
  openai: {
    401: { errorClass: OpenAI.AuthenticationError, type: 'invalid_request_error' },
    403: { errorClass: OpenAI.PermissionDeniedError, type: 'permission_error' },
    429: { errorClass: OpenAI.RateLimitError, type: 'rate_limit_error' },
  },
  anthropic: {
    401: { errorClass: Anthropic.AuthenticationError, type: 'authentication_error' },
    403: { errorClass: Anthropic.PermissionDeniedError, type: 'permission_error' },
    429: { errorClass: Anthropic.RateLimitError, type: 'rate_limit_error' },
  },
  gemini: {
    401: { errorClass: ApiError, type: 'UNAUTHENTICATED' },
    403: { errorClass: ApiError, type: 'PERMISSION_DENIED' },
    429: { errorClass: ApiError, type: 'RESOURCE_EXHAUSTED' },
  },
};

function expectRefusal(o: Outcome, dialect: Dialect, status: 401 | 403 | 429, message: RegExp, type = REFUSALS[dialect][status].type): void {
  expect({ status: o.status, type: o.type }).toEqual({ status, type });
  expect(o.error).toBeInstanceOf(REFUSALS[dialect][status].errorClass);
  expect(o.message).toMatch(message);
  if (dialect === 'anthropic') expect(o.body?.['type']).toBe('error');
  if (dialect === 'gemini') expect(o.code).toBe(status);
}

/** retry-after in whole seconds, and every x-ratelimit-* header of a key limited in requests and tokens. */
function expectLimitHeaders(h: Headers, limits: { requests: number; tokens: number }, maxRetrySeconds: number): void {
  const retry = Number(h.get('retry-after'));
  expect(Number.isInteger(retry) && retry >= 1 && retry <= maxRetrySeconds).toBe(true);
  expect(h.get('x-ratelimit-limit-requests')).toBe(String(limits.requests));
  expect(h.get('x-ratelimit-limit-tokens')).toBe(String(limits.tokens));
  expect(Number(h.get('x-ratelimit-remaining-requests'))).toBeGreaterThanOrEqual(0);
  expect(Number(h.get('x-ratelimit-remaining-tokens'))).toBeGreaterThanOrEqual(0);
  expect(h.get('x-ratelimit-reset-requests')).toMatch(DURATION);
  expect(h.get('x-ratelimit-reset-tokens')).toMatch(DURATION);
}

describe('limits and budgets across two gateway processes (one Postgres, one Redis)', () => {
  let sim: ProviderSimulator;
  let gw: LimitsGateway;
  const upstreamCalls = (model: string) => sim.requests.filter((r) => modelOf(r) === model);

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    gw = await startLimitsGateway(sim.url);
  });

  afterAll(async () => {
    await gw?.close();
    await sim?.close();
  });

  afterEach(() => sim.reset());

  describe('every refusal, through the official SDKs', () => {
    beforeAll(async () => {
      // The rpm:1 key spends its one request of the minute, so every dialect below sees a 429.
      expect((await openAiCall(gw.a, KEYS.rpm1, chat)).status).toBe(200);
    });

    // Runs before the SDK cases below, which present the key it revokes.
    it('refuses a revoked key on both processes within a second of the change being announced', async () => {
      expect((await openAiCall(gw.a, KEYS.revoked, chat)).status).toBe(200);
      expect((await openAiCall(gw.b, KEYS.revoked, chat)).status).toBe(200);
      await gw.query('UPDATE virtual_keys SET revoked_at = now() WHERE id = $1', [await gw.keyId('revoked')]);
      // What the admin API does after its transaction; each replica reloads its keys at once
      // instead of on its 10 s refresh timer.
      await gw.redis.publish(configChangeChannel(LIMITS_REDIS_URL), 'keys');
      await eventually(
        async () => {
          const [a, b] = await Promise.all([openAiCall(gw.a, KEYS.revoked, chat), openAiCall(gw.b, KEYS.revoked, chat)]);
          expect([a.status, b.status]).toEqual([401, 401]);
        },
        1_000,
        'revocation seen by both processes',
      );
    });

    describe.each(DIALECTS)('%s SDK', (dialect) => {
      const call = (key: string, ask: Parameters<typeof callIn>[3] = chat) => callIn(dialect, gw.b, key, ask);

      it('401 for an unknown key', async () => {
        expectRefusal(await call('sk-lim-nobody-0123456789'), dialect, 401, /API key/i);
      });

      it('401 for an expired key', async () => {
        expectRefusal(await call(KEYS.expired), dialect, 401, /expired/);
      });

      it('401 for a revoked key', async () => {
        expectRefusal(await call(KEYS.revoked), dialect, 401, /revoked/);
      });

      it("403 for a model outside the key's models, and the key's own models are served", async () => {
        const o = await call(KEYS.keyModels);
        expectRefusal(o, dialect, 403, new RegExp(MODELS.chat.public));
        // The same answer comes back for a model name with a typo: it says where the right ones are.
        expect(o.message).toContain('GET /v1/models lists the models it may use.');
        if (dialect === 'openai') expect(o.code).toBe('model_not_allowed');
        expect((await call(KEYS.keyModels, { model: MODELS.other.public, maxTokens: 16 })).status).toBe(200);
      });

      it("403 for a model outside the tenant's models, though the key itself allows any", async () => {
        expectRefusal(await call(KEYS.tenantModels), dialect, 403, new RegExp(MODELS.chat.public));
        expect((await call(KEYS.tenantModels, { model: MODELS.other.public, maxTokens: 16 })).status).toBe(200);
      });

      it("403 from a client IP outside the key's ranges", async () => {
        const o = await call(KEYS.keyIp);
        expectRefusal(o, dialect, 403, /IP address/);
        // The model is allowed: an OpenAI client must not be told it is not.
        if (dialect === 'openai') expect(o.code).not.toBe('model_not_allowed');
      });

      it("403 from a client IP outside the tenant's ranges", async () => {
        expectRefusal(await call(KEYS.tenantIp), dialect, 403, /IP address/);
      });

      it("403 for a model deployed only outside the key's regions, and no upstream call", async () => {
        expectRefusal(await call(KEYS.eu, { model: MODELS.usOnly.public, maxTokens: 16 }), dialect, 403, /region/);
        expect(upstreamCalls(MODELS.usOnly.upstream)).toHaveLength(0);
      });

      it('429 over the requests per minute, with retry-after and x-ratelimit-* headers', async () => {
        const o = await call(KEYS.rpm1);
        expectRefusal(o, dialect, 429, /1 requests per minute/);
        // The one request counted leaves the 60 s window within 61 s.
        expectLimitHeaders(o.headers, { requests: 1, tokens: 1_000_000 }, 61);
        expect(o.headers.get('x-ratelimit-remaining-requests')).toBe('0');
        if (dialect === 'anthropic') {
          expect(o.headers.get('anthropic-ratelimit-requests-limit')).toBe('1');
          expect(o.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
          expect(Date.parse(o.headers.get('anthropic-ratelimit-requests-reset') ?? '')).toBeGreaterThan(Date.now());
        }
        expect(upstreamCalls(MODELS.chat.upstream)).toHaveLength(0);
      });

      it('429 over the budget, with retry-after and x-ratelimit-* headers', async () => {
        // One request's maximum cost is above the whole daily budget: waiting will not help.
        const o = await call(KEYS.broke);
        expectRefusal(o, dialect, 429, /budget/, dialect === 'openai' ? 'insufficient_quota' : undefined);
        expectLimitHeaders(o.headers, { requests: 1000, tokens: 1_000_000 }, 86_400);
        expect(upstreamCalls(MODELS.chat.upstream)).toHaveLength(0);
      });
    });

    it('takes the key the way each SDK sends it, and refuses a wrong one in each of those ways', async () => {
      const good = KEYS.open;
      const bad = 'sk-lim-wrong-0123456789';
      const styles: [string, (key: string) => Promise<Outcome>][] = [
        ['Authorization: Bearer (openai)', (k) => openAiCall(gw.a, k, chat)],
        ['x-api-key (anthropic)', (k) => anthropicCall(gw.a, k, chat, 'x-api-key')],
        ['Authorization: Bearer (anthropic authToken)', (k) => anthropicCall(gw.a, k, chat, 'bearer')],
        ['x-goog-api-key (genai)', (k) => geminiCall(gw.a, k, chat)],
        ['?key= (REST)', (k) => geminiQueryKeyCall(gw.a, k, MODELS.chat.public)],
      ];
      const seen: Record<string, [number, number]> = {};
      for (const [style, send] of styles) seen[style] = [(await send(good)).status, (await send(bad)).status];
      expect(seen).toEqual(Object.fromEntries(styles.map(([style]) => [style, [200, 401]])));
      const anonymous = await fetch(`${gw.a}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODELS.chat.public, messages: [{ role: 'user', content: 'hi' }] }) });
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    });
  });

  it('counts down x-ratelimit-remaining-* on the answers of a limited key, whichever process answers', async () => {
    const ask = { model: MODELS.chat.public, maxTokens: 10 };
    // Each answer's settle (reservation replaced by the real count) runs after the answer; the
    // next call waits for it, so each answer's count includes every earlier request's real use.
    const scope = `sy:q:v1:key:${await gw.keyId('counted')}`;
    const leases = `${scope}:c`;
    const settled = async <T>(call: Promise<T>): Promise<T> => {
      const answer = await call;
      expect(await gw.redis.exists(`${scope}:w`)).toBe(1); // the scope's keys are named as above
      await eventually(async () => expect(await gw.redis.zcard(leases)).toBe(0), 5_000, 'the settle of the answer');
      return answer;
    };
    const answers = [await settled(openAiCall(gw.a, KEYS.counted, ask)), await settled(openAiCall(gw.b, KEYS.counted, ask)), await settled(openAiCall(gw.a, KEYS.counted, ask))];
    expect(answers.map((o) => o.status)).toEqual([200, 200, 200]);
    expect(answers.map((o) => o.headers.get('x-ratelimit-remaining-requests'))).toEqual(['4', '3', '2']);
    const tokens = answers.map((o) => Number(o.headers.get('x-ratelimit-remaining-tokens')));
    expect(tokens[0]).toBeLessThan(HEADERS_TPM);
    expect(tokens[1]).toBeLessThan(tokens[0] as number);
    expect(tokens[2]).toBeLessThan(tokens[1] as number);
    for (const o of answers) {
      expect(o.headers.get('x-ratelimit-limit-requests')).toBe(String(HEADERS_RPM));
      expect(o.headers.get('x-ratelimit-limit-tokens')).toBe(String(HEADERS_TPM));
      expect(o.headers.get('x-ratelimit-reset-requests')).toMatch(DURATION);
      expect(o.headers.get('x-ratelimit-reset-tokens')).toMatch(DURATION);
    }
    const claude = await settled(anthropicCall(gw.b, KEYS.counted, ask));
    expect(claude.status).toBe(200);
    expect(claude.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(claude.headers.get('anthropic-ratelimit-requests-remaining')).toBe('1');
    expect(claude.headers.get('anthropic-ratelimit-requests-limit')).toBe(String(HEADERS_RPM));
    expect(Number(claude.headers.get('anthropic-ratelimit-tokens-remaining'))).toBeLessThan(tokens[2] as number);
    const gemini = await geminiCall(gw.a, KEYS.counted, ask);
    expect(gemini.status).toBe(200);
    expect(gemini.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const over = await openAiCall(gw.b, KEYS.counted, ask);
    expect(over.status).toBe(429);
    expect(over.headers.get('x-ratelimit-remaining-requests')).toBe('0');
  });

  it(`admits exactly ${RPM_LIMIT} of 80 concurrent requests of an rpm:${RPM_LIMIT} key spread over both processes`, async () => {
    const outcomes = await burst(80, (i) => openAiCall(i % 2 ? gw.b : gw.a, KEYS.rpm25, { model: MODELS.rpm.public, maxTokens: 8 })).all;
    const admitted = outcomes.filter((o) => o.status === 200);
    const refused = outcomes.filter((o) => o.status !== 200);
    expect(admitted).toHaveLength(RPM_LIMIT);
    expect(refused.map((o) => o.status)).toEqual(Array(80 - RPM_LIMIT).fill(429));
    // Counted atomically: each admitted request saw a different count, 24 down to 0 remaining.
    const remaining = admitted.map((o) => Number(o.headers.get('x-ratelimit-remaining-requests'))).sort((x, y) => x - y);
    expect(remaining).toEqual([...Array(RPM_LIMIT).keys()]);
    for (const o of refused) {
      expect(o.error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(o.body).toEqual({ message: `Rate limit reached for this key: ${RPM_LIMIT} requests per minute.`, type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' });
      expectLimitHeaders(o.headers, { requests: RPM_LIMIT, tokens: 10_000_000 }, 61);
      expect(o.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    }
    expect(upstreamCalls(MODELS.rpm.upstream)).toHaveLength(RPM_LIMIT);
  });

  it(`keeps at most ${CONCURRENCY_LIMIT} requests of a concurrency:${CONCURRENCY_LIMIT} key in flight across both processes, and frees the slots when they end`, async () => {
    const n = 40;
    for (let i = 0; i < n; i++) sim.script({ match: { model: MODELS.slow.upstream }, firstByteDelayMs: 1500 });
    const ask = { model: MODELS.slow.public, maxTokens: 8 };
    const b = burst(n, (i) => openAiCall(i % 2 ? gw.b : gw.a, KEYS.conc3, ask));
    await eventually(async () => expect(b.landed.length).toBeGreaterThanOrEqual(n - CONCURRENCY_LIMIT), 10_000, 'refusals');
    // While the admitted ones wait on the upstream, everything else was refused and only they reached it.
    expect(b.landed.map((o) => o.status)).toEqual(Array(n - CONCURRENCY_LIMIT).fill(429));
    const upstream = upstreamCalls(MODELS.slow.upstream);
    expect(upstream).toHaveLength(CONCURRENCY_LIMIT);
    expect(upstream.filter((r) => !r.completed)).toHaveLength(CONCURRENCY_LIMIT);
    for (const o of b.landed) {
      expect(o.error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(o.body).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded', message: `Too many concurrent requests for this key: at most ${CONCURRENCY_LIMIT} at once.` });
      expect(Number(o.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    expect(countStatus(await b.all, 200)).toBe(CONCURRENCY_LIMIT);
    // The slots are released when the answers end (settling runs just after the answer).
    sim.reset();
    await eventually(async () => expect(countStatus(await burst(CONCURRENCY_LIMIT, (i) => openAiCall(i % 2 ? gw.b : gw.a, KEYS.conc3, ask)).all, 200)).toBe(CONCURRENCY_LIMIT), 5_000, 'slots released');
  });

  describe('budgets', () => {
    // A prompt of "hi" is bounded at 6 tokens (4 for the message, 2 bytes); each request may then
    // cost 6 × input + BUDGET_MAX_TOKENS × output price, in integer nano-dollars as the quota store counts.
    const promptBound = 6n;
    const reserveNano = (promptBound * BigInt(BUDGET_PRICE.input) + BigInt(BUDGET_MAX_TOKENS) * BigInt(BUDGET_PRICE.output)) * 1000n;
    const capNano = decimalToNano(String(BUDGET_DAILY_USD));
    const fits = Number(capNano / reserveNano);
    const ask = { model: MODELS.budget.public, maxTokens: BUDGET_MAX_TOKENS };
    const spread = (n: number) => burst(n, (i) => openAiCall(i % 2 ? gw.b : gw.a, KEYS.budget, ask)).all;
    const sum = (rows: { costNano: bigint }[]) => rows.reduce((s, r) => s + r.costNano, 0n);

    it('never reserves past the daily budget under 100 concurrent requests, and settles to the real cost so more fit again', async () => {
      expect(fits).toBe(10);
      // Every admitted request stays in flight upstream until the whole burst was decided, so
      // nothing settles early and the reservations alone decide.
      for (let i = 0; i < 100; i++) sim.script({ match: { model: MODELS.budget.upstream }, firstByteDelayMs: 2500 });
      const first = await spread(100);
      const admitted = countStatus(first, 200);
      expect(admitted).toBeLessThanOrEqual(fits);
      // …and no reservation went astray: all that fit were admitted.
      expect(admitted).toBe(fits);
      expect(upstreamCalls(MODELS.budget.upstream)).toHaveLength(fits);
      for (const o of first.filter((x) => x.status !== 200)) {
        expect(o.status).toBe(429);
        expect(o.error).toBeInstanceOf(OpenAI.RateLimitError);
        expect(o.body).toMatchObject({ type: 'insufficient_quota', message: expect.stringMatching(/daily budget of \$1\.05/) });
        expect(Number(o.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      // The ledger (written by the billing consumer) charged each the real, smaller cost.
      const ledger = await ledgerOf(gw, 'budget', fits);
      expect(ledger).toHaveLength(fits);
      for (const row of ledger) {
        expect(row.status).toBe('ok');
        expect(row.costNano).toBeGreaterThan(0n);
        expect(row.costNano).toBeLessThan(reserveNano);
      }
      const spent = sum(ledger);
      expect(spent).toBeLessThanOrEqual(capNano);

      // Settled: the unspent part of each reservation is free again. This time the upstream reports
      // the largest usage the requests allowed, so each costs exactly its reservation.
      sim.reset();
      for (let i = 0; i < 20; i++) sim.script({ match: { model: MODELS.budget.upstream }, firstByteDelayMs: 1500, usage: { input: Number(promptBound), output: BUDGET_MAX_TOKENS } });
      const more = Number((capNano - spent) / reserveNano);
      expect(more).toBeGreaterThan(0);
      const second = await spread(20);
      expect(countStatus(second, 200)).toBe(more);
      expect(countStatus(second, 429)).toBe(20 - more);
      const total = sum(await ledgerOf(gw, 'budget', fits + more));
      expect(total).toBeLessThanOrEqual(capNano);
      // Used to within one request's reservation: nothing held back that was not needed.
      expect(capNano - total).toBeLessThan(reserveNano);
    });

    it('sends a budgeted request that sets no output limit upstream with 4096, and says so', async () => {
      const maxOf = (r: RecordedRequest | undefined) => {
        const body = (r?.body ?? {}) as { max_tokens?: number; max_completion_tokens?: number };
        return body.max_completion_tokens ?? body.max_tokens;
      };
      const lastUpstream = () => upstreamCalls(MODELS.chat.upstream).at(-1);
      for (const send of [() => openAiCall(gw.a, KEYS.budgetDefault, { model: MODELS.chat.public }), () => geminiCall(gw.b, KEYS.budgetDefault, { model: MODELS.chat.public })]) {
        const o = await send();
        expect(o.status).toBe(200);
        expect(o.headers.get('x-switchyard-max-tokens')).toBe('4096');
        expect(maxOf(lastUpstream())).toBe(4096);
      }
      const own = await openAiCall(gw.a, KEYS.budgetDefault, { model: MODELS.chat.public, maxTokens: 32 });
      expect(own.status).toBe(200);
      expect(own.headers.get('x-switchyard-max-tokens')).toBeNull();
      expect(maxOf(lastUpstream())).toBe(32);
    });
  });

  // Runs last: it kills process A.
  it('gives back a concurrency slot held by a killed process once its lease runs out', async () => {
    sim.script({ match: { model: MODELS.lease.upstream }, stallAfterChunks: 0 });
    const ask = { model: MODELS.lease.public, maxTokens: 8 };
    const holder = new OpenAI({ baseURL: `${gw.a}/v1`, apiKey: KEYS.lease, maxRetries: 0 });
    const held = holder.chat.completions
      .create({ model: ask.model, max_tokens: ask.maxTokens, messages: [{ role: 'user', content: 'hold the slot' }], stream: true })
      .then(async (stream) => {
        for await (const chunk of stream) void chunk;
      })
      .catch((err: unknown) => err);
    await sim.waitFor((r) => modelOf(r) === MODELS.lease.upstream);
    expect((await openAiCall(gw.b, KEYS.lease, ask)).status).toBe(429);
    // A renews the lease while its stream runs: the slot is still held after more than a lease.
    await sleep(LEASE_MS + 500);
    expect((await openAiCall(gw.b, KEYS.lease, ask)).status).toBe(429);

    gw.apps.a.proc.kill('SIGKILL');
    await new Promise((r) => (gw.apps.a.proc.exitCode !== null || gw.apps.a.proc.signalCode !== null ? r(undefined) : gw.apps.a.proc.once('exit', r)));
    // Nobody settles the slot now; its lease (renewed at most a third of it ago) still holds it…
    expect((await openAiCall(gw.b, KEYS.lease, ask)).status).toBe(429);
    // …until it runs out, and B admits again.
    await eventually(async () => expect((await openAiCall(gw.b, KEYS.lease, ask)).status).toBe(200), 10_000, 'the slot back on B');
    expect(await held).toBeDefined();
  });
});
