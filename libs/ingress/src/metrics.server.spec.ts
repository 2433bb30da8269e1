import type { HealthStateResponse, RouterPort } from '@switchyard/ir';
import { createServer } from 'node:net';
import { MetricsServer } from './metrics.server';

const STATE: HealthStateResponse = { deployments: [{ deploymentId: 'd1', model: 'gpt-4o', providerId: 'openai-eu', circuit: 'closed', cooldownUntil: 0, ejectedUntil: 0, ejections: 0, windowRequests: 0, windowFailures: 0, consecutiveFailures: 0, inFlight: 0, ewmaTtftMs: 0, ewmaTotalMs: 0 }], retryBudgetAvailable: 3, retriesRefused: 0 };

class Router {
  down = false;
  async healthState(): Promise<HealthStateResponse> {
    if (this.down) throw new Error('router unreachable');
    return STATE;
  }
}

describe(MetricsServer.name, () => {
  let router: Router;
  let sut: MetricsServer;
  let base: string;

  beforeEach(async () => {
    router = new Router();
    sut = new MetricsServer(router as unknown as RouterPort);
    // A free port: bind one, release it, listen there.
    const port = await new Promise<number>((r) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => r(p));
      });
    });
    await sut.listen(port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  });

  afterEach(() => sut.close());

  it('serves the Prometheus text without a token', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('switchyard_deployment_circuit_state{deployment="d1",model="gpt-4o",provider="openai-eu",state="closed"} 1');
    // The process's registry comes first: the catalogue's series and Node's process metrics.
    expect(text).toContain('# TYPE switchyard_request_duration_seconds histogram');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('serves nothing else', async () => {
    expect((await fetch(`${base}/v1/chat/completions`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${base}/admin/v1/routing/health`)).status).toBe(404);
  });

  it('still serves its own series when the router cannot be asked, without the health gauges', async () => {
    router.down = true;
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('# TYPE switchyard_request_duration_seconds histogram');
    expect(text).not.toContain('switchyard_deployment_circuit_state');
  });
});
