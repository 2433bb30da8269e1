import { Logger } from '@nestjs/common';
import type { RouterPort } from '@switchyard/ir';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { METRICS_CONTENT_TYPE, renderHealthMetrics } from './admin-routing.controller';

/**
 * GET /metrics on its own port (SWITCHYARD_METRICS_PORT), without a token, for Prometheus:
 * the port is meant to be reachable from the cluster's monitoring only, never published to
 * tenants (issue 10: the metrics name every model, provider and deployment). Nothing else is
 * served there.
 */
export class MetricsServer {
  private readonly log = new Logger(MetricsServer.name);
  private readonly server: Server;

  constructor(private readonly router: RouterPort) {
    this.server = createServer((req, res) => void this.serve(req, res));
    // A scrape is one small request; nothing on this port needs longer.
    this.server.requestTimeout = 10_000;
    this.server.headersTimeout = 5_000;
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    this.server.closeIdleConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return answer(res, 404, 'text/plain', 'Only GET /metrics is served on this port.\n');
    try {
      const text = renderHealthMetrics(await this.router.healthState());
      answer(res, 200, METRICS_CONTENT_TYPE, req.method === 'HEAD' ? '' : text);
    } catch (err) {
      // Cluster mode: the router is unreachable. Prometheus records the failed scrape.
      this.log.warn(`metrics: the router's health state is unavailable: ${String(err)}`);
      answer(res, 503, 'text/plain', 'The router cannot be reached.\n');
    }
  }
}

function answer(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) }).end(body);
}
