import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SwitchyardMetrics } from './switchyard-metrics';

/** Text appended to the registry's: series a process renders itself (the ingress's router health). */
export type ExtraMetrics = () => Promise<string>;

/**
 * GET /metrics (and HEAD) on its own port, without a token, for Prometheus: the port
 * (SWITCHYARD_METRICS_PORT) is for the cluster's monitoring only, never published to tenants,
 * since the series name every model, provider, deployment and tenant. Nothing else is served.
 * Every process starts one when SWITCHYARD_METRICS_PORT is set (docs/metrics.md).
 */
export class MetricsHttpServer {
  private readonly server: Server;

  constructor(
    private readonly metrics: SwitchyardMetrics,
    private readonly extra?: ExtraMetrics,
    private readonly onExtraFailure?: (err: unknown) => void,
  ) {
    this.server = createServer((req, res) => void this.serve(req, res));
    // A scrape is one small request; nothing on this port needs longer.
    this.server.requestTimeout = 10_000;
    this.server.headersTimeout = 5_000;
  }

  /** Listens; resolves with the bound port (0 picks a free one). */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
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
    let text: string;
    try {
      text = await this.metrics.render();
    } catch (err) {
      return answer(res, 500, 'text/plain', `The metrics could not be rendered: ${String(err)}\n`);
    }
    if (this.extra) {
      try {
        text += await this.extra();
      } catch (err) {
        // The registry's own series are still worth a scrape; what failed is left out and said.
        this.onExtraFailure?.(err);
      }
    }
    answer(res, 200, this.metrics.contentType, req.method === 'HEAD' ? '' : text);
  }
}

function answer(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) }).end(body);
}
