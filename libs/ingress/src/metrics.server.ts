import { Logger } from '@nestjs/common';
import type { RouterPort } from '@switchyard/ir';
import { MetricsHttpServer, processMetrics } from '@switchyard/telemetry';
import { renderHealthMetrics } from './admin-routing.controller';

/**
 * GET /metrics on its own port (SWITCHYARD_METRICS_PORT), without a token, for Prometheus:
 * the port is meant to be reachable from the cluster's monitoring only, never published to
 * tenants (issue 10: the metrics name every model, provider and deployment). Nothing else is
 * served there. It renders the process's registry (the request series, gRPC client durations,
 * in standalone every service's series, and Node's process metrics) followed by the router's
 * health gauges. When the router cannot be asked, the scrape still answers with the ingress's
 * own series (what an operator needs during a router outage) and the health gauges are absent
 * from it, which the alert rules can see.
 */
export class MetricsServer {
  private readonly log = new Logger(MetricsServer.name);
  private readonly server: MetricsHttpServer;

  constructor(router: RouterPort) {
    const metrics = processMetrics();
    metrics.collectProcessMetrics();
    this.server = new MetricsHttpServer(
      metrics,
      async () => renderHealthMetrics(await router.healthState()),
      (err) => this.log.warn(`metrics: the router's health state is unavailable: ${String(err)}`),
    );
  }

  async listen(port: number, host: string): Promise<void> {
    await this.server.listen(port, host);
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
