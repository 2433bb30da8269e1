import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { onShutdownSignal } from '@switchyard/shared';
import { type ProcessLogs, type StartupSummary, startupMessage } from '@switchyard/telemetry';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ChatPipeline } from './chat-pipeline.service';
import { answerClientError } from './client-error.handler';
import { ConsoleFiles } from './console/console-files';
import { CorsPolicy, type CorsSettings } from './cors/cors-policy';
import { createEdgeServer, type EdgeHttpLimits } from './edge-server.factory';
import { HotRoutes } from './hot-routes';
import { configureHttp } from './http-server';
import { IngressModule, IngressPorts } from './ingress.module';
import { MetricsServer } from './metrics.server';

export interface IngressAppOptions {
  ports: IngressPorts;
  host: string;
  port: number;
  maxBodyBytes: number;
  /** Timeouts and the connection cap of the public server. */
  http: EdgeHttpLimits;
  /** Serves GET /metrics without a token on this port (on `port` it needs the admin token). */
  metricsPort?: number;
  /** The process's logging (installProcessLogs, called first in main). */
  logs: ProcessLogs;
  /** One access line per request (SWITCHYARD_ACCESS_LOG). */
  accessLog: boolean;
  /** Further Nest modules served by the same HTTP server (the admin API, mounted by the app). */
  imports?: DynamicModule[];
  /** The built web console (dist/console), served at /console; absent: /console answers 404. */
  consoleDir?: string;
  /** Browser origins allowed on the client API (CORS); none when absent. Tenants add their own. */
  cors?: CorsSettings;
  /** The start-up line's content besides where it listens: mode, config, models, what is external. */
  summary: Omit<StartupSummary, 'listen'>;
  /** Releases the process's other resources after the HTTP server drained. */
  close(): Promise<void>;
}

/** Starts the public HTTP edge and wires graceful shutdown (SIGTERM/SIGINT → drain → exit 0). */
export async function startIngressApp(o: IngressAppOptions): Promise<NestFastifyApplication> {
  const log = o.logs.root;
  const accessLog = o.accessLog ? log.child({ kind: 'access' }) : undefined;
  const hot = new HotRoutes(o.maxBodyBytes);
  const auth = o.ports.auth;
  const consoleFiles = new ConsoleFiles(o.consoleDir);
  const cors = new CorsPolicy(o.cors ?? { origins: [], maxAgeSeconds: 600 }, () => auth.corsOrigins?.() ?? Promise.resolve([]), (err) =>
    log.warn(`tenant CORS origins could not be read, using the last known: ${String(err)}`),
  );
  const app = await NestFactory.create<NestFastifyApplication>(
    IngressModule.forRoot({ ...o.ports, accessLog }, o.imports),
    new FastifyAdapter({
      bodyLimit: o.maxBodyBytes,
      return503OnClosing: true,
      // Node's 400/408/431 answers in the client's dialect (Fastify's own listener otherwise).
      clientErrorHandler: answerClientError,
      serverFactory: (handler: RequestListener) => {
        const server = createEdgeServer(o.http, (req, res) => cors.handle(req, res) || hot.handle(req, res) || consoleFiles.handle(req, res) || handler(req, res));
        // Without this listener Node answers `Expect: 100-continue` itself, inviting the body
        // before the key was checked; the data routes say Continue only to a key that passed.
        server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
          if (cors.handle(req, res) || hot.handle(req, res, true)) return;
          res.writeContinue();
          handler(req, res);
        });
        return server;
      },
    }),
    { bodyParser: false, logger: o.logs.nest },
  );
  configureHttp(app, o.maxBodyBytes);
  hot.attach(app.get(ChatPipeline));
  await app.listen(o.port, o.host);
  let metrics: MetricsServer | undefined;
  if (o.metricsPort !== undefined) {
    metrics = new MetricsServer(o.ports.router);
    await metrics.listen(o.metricsPort, o.host);
  }
  const listen = [`http://${o.host}:${o.port}`, ...(o.metricsPort === undefined ? [] : [`http://${o.host}:${o.metricsPort}/metrics`])];
  const summary: StartupSummary = { ...o.summary, listen };
  log.info({ startup: summary }, startupMessage(summary));
  onShutdownSignal(async (signal) => {
    log.info(`${signal}: draining`);
    await metrics?.close();
    await app.close();
    await o.close();
  });
  return app;
}

