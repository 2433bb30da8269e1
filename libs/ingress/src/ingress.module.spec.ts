import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestFactory } from '@nestjs/core';
import { AUTH_PORT, ROUTER_PORT, USAGE_SINK, type AuthPort, type HealthStateResponse, type RouterPort, type UsageSink } from '@switchyard/ir';
import { ChatPipeline } from './chat-pipeline.service';
import { IngressModule, type IngressPorts } from './ingress.module';

// The ingress's Nest graph as the apps build it: every token a controller or ChatPipeline
// injects is provided by IngressModule from the ports it is given.

const ADMIN_TOKEN = 'admin-token-ingress-module-0123456789';
const STATE: HealthStateResponse = { deployments: [], retryBudgetAvailable: 7, retriesRefused: 2 };

const auth: AuthPort = {
  admit: () => Promise.reject(new Error('not called')),
  settle: () => Promise.resolve(),
  heartbeat: () => Promise.resolve(),
};
const router = { healthState: () => Promise.resolve(STATE) } as unknown as RouterPort;
const usage: UsageSink = { publish: () => undefined };

function ports(overrides: Partial<IngressPorts> = {}): IngressPorts {
  return { auth, router, usage, readiness: [], region: 'eu', limits: { maxEmbedInputs: 2048, maxRequestTokens: 20_000_000 }, ...overrides };
}

async function start(p: IngressPorts): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(IngressModule.forRoot(p), new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

/** GET `path` from the running app over HTTP. */
async function get(app: NestFastifyApplication, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${await app.getUrl()}${path}`, { headers });
  return { status: res.status, body: await res.json() };
}

describe(IngressModule.name, () => {
  let app: NestFastifyApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('hands the given ports to ChatPipeline and the controllers', async () => {
    const p = ports();
    app = await start(p);

    expect(app.get(ChatPipeline)).toBeInstanceOf(ChatPipeline);
    expect(app.get(AUTH_PORT)).toBe(p.auth);
    expect(app.get(ROUTER_PORT)).toBe(p.router);
    expect(app.get(USAGE_SINK)).toBe(p.usage);
  });

  it('answers /readyz from the readiness checks it was given', async () => {
    app = await start(ports({ readiness: [{ name: 'auth', ready: () => true }, { name: 'router', ready: () => false }] }));

    expect(await get(app, '/readyz')).toEqual({ status: 503, body: { status: 'unavailable', failing: ['router'] } });
  });

  it('keeps the routing admin routes disabled without an admin token', async () => {
    app = await start(ports());

    const res = await get(app, '/admin/v1/routing/health', { authorization: `Bearer ${ADMIN_TOKEN}` });

    expect(res.status).toBe(404);
  });

  it('serves the routing admin routes with the admin token it was given', async () => {
    app = await start(ports({ adminToken: ADMIN_TOKEN }));

    expect(await get(app, '/admin/v1/routing/health', { authorization: `Bearer ${ADMIN_TOKEN}` })).toEqual({
      status: 200,
      body: { deployments: [], retryBudgetAvailable: 7, retriesRefused: 2 },
    });
  });
});
