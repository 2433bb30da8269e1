import { Controller, Get, Inject, Optional, Req, Res } from '@nestjs/common';
import { ROUTER_PORT } from '@switchyard/ir';
import type { HealthStateResponse, RouterPort } from '@switchyard/ir';
import { ADMIN_GATE, isAdmin, type AdminGate } from '@switchyard/shared';
import { processMetrics } from '@switchyard/telemetry';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const ADMIN_TOKEN = Symbol('AdminToken');

const CIRCUIT_STATES = ['closed', 'half-open', 'open'] as const;
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Prometheus label values: backslash, quote and newline escaped. */
function label(value: string | undefined): string {
  return (value ?? '').replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The router's health state in the Prometheus text format (version 0.0.4). */
export function renderHealthMetrics(state: HealthStateResponse, now = Date.now()): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, rows: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, v] of rows) lines.push(`${name}{${labels}} ${v}`);
  };
  const ds = state.deployments;
  const id = (d: (typeof ds)[number]) => `deployment="${label(d.deploymentId)}",model="${label(d.model)}",provider="${label(d.providerId)}"`;
  gauge(
    'switchyard_deployment_circuit_state',
    'Circuit breaker state of a deployment as this router replica sees it (1 for the current state).',
    ds.flatMap((d) => CIRCUIT_STATES.map((s): [string, number] => [`${id(d)},state="${s}"`, d.circuit === s ? 1 : 0])),
  );
  gauge('switchyard_deployment_cooling_down', '1 while a deployment waits out an upstream 429 retry-after.', ds.map((d) => [id(d), Number(d.cooldownUntil) > now ? 1 : 0]));
  gauge('switchyard_deployment_ejected', '1 while a deployment is ejected as an outlier.', ds.map((d) => [id(d), Number(d.ejectedUntil) > now ? 1 : 0]));
  gauge('switchyard_deployment_in_flight', 'Requests in flight to a deployment.', ds.map((d) => [id(d), d.inFlight]));
  gauge('switchyard_deployment_ttft_ewma_ms', 'Moving average of time to first token, ms.', ds.map((d) => [id(d), d.ewmaTtftMs]));
  gauge('switchyard_deployment_window_failures', 'Failures in the circuit breaker window.', ds.map((d) => [id(d), d.windowFailures]));
  lines.push('# HELP switchyard_retry_budget_available Retries the retry budget allows right now.', '# TYPE switchyard_retry_budget_available gauge');
  lines.push(`switchyard_retry_budget_available ${state.retryBudgetAvailable}`);
  lines.push('# HELP switchyard_retries_refused_total Retries the retry budget refused.', '# TYPE switchyard_retries_refused_total counter');
  lines.push(`switchyard_retries_refused_total ${Number(state.retriesRefused)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Routing health for operators: the admin API's view and Prometheus metrics, both behind the
 * bearer admin token (404 when no token is configured, as the admin API is then disabled):
 * the metrics name every model, provider and deployment, which tenants must not see (issue 10).
 * Prometheus scrapes them without a token on SWITCHYARD_METRICS_PORT (`MetricsServer`).
 */
@Controller()
export class AdminRoutingController {
  constructor(
    @Inject(ROUTER_PORT) private readonly router: RouterPort,
    // IngressModule always provides it; undefined (no admin token) disables these routes.
    @Inject(ADMIN_TOKEN) private readonly token: string | undefined,
    // The admin module's judgement when it is mounted: named and OIDC tokens (platform and
    // read-only) too. Without it (cluster ingress without the database) only the bootstrap token.
    @Optional() @Inject(ADMIN_GATE) private readonly gate?: AdminGate,
  ) {}

  @Get('admin/v1/routing/health')
  async health(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (!(await this.admitted(req, reply))) return;
    const state = await this.router.healthState();
    void reply.header('cache-control', 'no-store').send({
      deployments: (state.deployments).map((d) => ({ ...d, cooldownUntil: Number(d.cooldownUntil), ejectedUntil: Number(d.ejectedUntil) })),
      retryBudgetAvailable: state.retryBudgetAvailable,
      retriesRefused: Number(state.retriesRefused),
    });
  }

  @Get('metrics')
  async metrics(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (!(await this.admitted(req, reply))) return;
    const state = await this.router.healthState();
    // The same text as the metrics port: the process's registry, then the router's health.
    const text = (await processMetrics().render()) + renderHealthMetrics(state);
    void reply.header('content-type', METRICS_CONTENT_TYPE).header('cache-control', 'no-store').send(text);
  }

  /** The admin credential's check; false once the refusal (admin API error shape) was sent. */
  private async admitted(req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    if (this.gate) {
      const refusal = await this.gate.admitReader(req.headers.authorization);
      if (refusal) void reply.code(refusal.status).header('cache-control', 'no-store').send(refusal.body);
      return refusal === undefined;
    }
    if (!this.token) {
      void reply.code(404).header('cache-control', 'no-store').send({ error: { type: 'not_found', message: 'The admin API is disabled: no admin token is configured.' } });
      return false;
    }
    if (!isAdmin(req.headers.authorization, this.token)) {
      void reply.code(401).header('cache-control', 'no-store').send({ error: { type: 'unauthorized', message: 'A valid admin bearer token is required.' } });
      return false;
    }
    return true;
  }
}
