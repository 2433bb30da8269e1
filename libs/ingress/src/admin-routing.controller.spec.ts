import type { HealthStateResponse, RouterPort } from '@switchyard/ir';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminRoutingController, renderHealthMetrics } from './admin-routing.controller';
import { renderAttempts } from './chat-pipeline.service';

describe(renderHealthMetrics.name, () => {
  it('renders one gauge per state with the current one at 1, and the retry budget', () => {
    const text = renderHealthMetrics(
      {
        deployments: [{ deploymentId: 'd"1', model: 'gpt-4o', providerId: 'openai-eu', circuit: 'open', cooldownUntil: 2000, ejectedUntil: 0, inFlight: 3, ewmaTtftMs: 120.5, windowFailures: 7, ejections: 0, windowRequests: 0, consecutiveFailures: 0, ewmaTotalMs: 0 }],
        retryBudgetAvailable: 12,
        retriesRefused: 4,
      },
      1000,
    );
    const id = 'deployment="d\\"1",model="gpt-4o",provider="openai-eu"';
    expect(text).toContain(`switchyard_deployment_circuit_state{${id},state="open"} 1`);
    expect(text).toContain(`switchyard_deployment_circuit_state{${id},state="closed"} 0`);
    expect(text).toContain(`switchyard_deployment_cooling_down{${id}} 1`);
    expect(text).toContain(`switchyard_deployment_ejected{${id}} 0`);
    expect(text).toContain(`switchyard_deployment_in_flight{${id}} 3`);
    expect(text).toContain(`switchyard_deployment_ttft_ewma_ms{${id}} 120.5`);
    expect(text).toContain('switchyard_retry_budget_available 12');
    expect(text).toContain('switchyard_retries_refused_total 4');
    expect(text.endsWith('\n')).toBe(true);
  });
});

describe(renderAttempts.name, () => {
  it('lists every try in order with its outcome, status, duration and hedge mark', () => {
    expect(
      renderAttempts([
        { deploymentId: 'a', providerId: 'sim-a', model: 'gpt-4o', outcome: 'rate_limited', status: 429, durationMs: 12, hedge: false },
        { deploymentId: '', providerId: 'sim-b', model: 'gpt-4o', outcome: 'hedge_lost', durationMs: 40, hedge: true, status: 0 },
        { deploymentId: 'c', providerId: 'sim-c', model: 'claude', outcome: 'ok', durationMs: 0, hedge: false, status: 0 },
      ]),
    ).toBe('provider=sim-a;model=gpt-4o;outcome=rate_limited;status=429;ms=12, provider=sim-b;model=gpt-4o;outcome=hedge_lost;ms=40;hedge, provider=sim-c;model=claude;outcome=ok;ms=0');
  });
});

const ROUTER = { healthState: async (): Promise<HealthStateResponse> => ({ deployments: [], retryBudgetAvailable: 3, retriesRefused: 0 }) } as unknown as RouterPort;

/** A reply that records what the controller sent. */
function reply(): FastifyReply & { sent: { status: number; body: unknown } } {
  const r = {
    sent: { status: 200, body: undefined as unknown },
    code(status: number) {
      r.sent.status = status;
      return r;
    },
    header() {
      return r;
    },
    send(body: unknown) {
      r.sent.body = body;
      return r;
    },
  };
  return r as unknown as FastifyReply & { sent: { status: number; body: unknown } };
}

describe(`${AdminRoutingController.name} GET /metrics on the public port`, () => {
  const request = (authorization?: string) => ({ headers: { authorization } }) as unknown as FastifyRequest;

  it('is 404 while no admin token is configured', async () => {
    const r = reply();
    await new AdminRoutingController(ROUTER, undefined).metrics(request('Bearer anything'), r);
    expect(r.sent).toEqual({ status: 404, body: { error: { type: 'not_found', message: 'The admin API is disabled: no admin token is configured.' } } });
  });

  it('is 401 without the admin token or with a wrong one', async () => {
    const sut = new AdminRoutingController(ROUTER, 'admin-token');
    for (const authorization of [undefined, 'Bearer tenant-key']) {
      const r = reply();
      await sut.metrics(request(authorization), r);
      expect(r.sent.status).toBe(401);
    }
  });

  it('serves the metrics with the admin token', async () => {
    const r = reply();
    await new AdminRoutingController(ROUTER, 'admin-token').metrics(request('Bearer admin-token'), r);
    expect(r.sent.status).toBe(200);
    expect(String(r.sent.body)).toContain('switchyard_retry_budget_available 3');
  });
});

describe(`${AdminRoutingController.name} with the admin module's gate`, () => {
  const request = (authorization?: string) => ({ headers: { authorization } }) as unknown as FastifyRequest;
  const refusal = { status: 403, body: { error: { type: 'forbidden', message: 'tenant admin' } } };
  const gate = { admitReader: async (authorization: string | undefined) => (authorization === 'Bearer sy-admin-reader' ? undefined : refusal) };

  it('admits what the gate admits (a named read-only token) and relays its refusals', async () => {
    const sut = new AdminRoutingController(ROUTER, 'admin-token', gate);
    const ok = reply();
    await sut.metrics(request('Bearer sy-admin-reader'), ok);
    expect(ok.sent.status).toBe(200);
    const refused = reply();
    await sut.health(request('Bearer sy-admin-tenant'), refused);
    expect(refused.sent).toEqual(refusal);
  });
});
