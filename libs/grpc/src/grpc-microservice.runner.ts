import { type DynamicModule, type INestMicroservice, Logger, type LoggerService } from '@nestjs/common';
import { nestLogLevels, type LogLevel } from '@switchyard/config';
import { NestFactory } from '@nestjs/core';
import { onShutdownSignal } from '@switchyard/shared';
import { MetricsHttpServer, processMetrics } from '@switchyard/telemetry';
import { GrpcHostTransport, type GrpcHostTransportOptions } from './grpc-host.transport';
import { GrpcPassthroughFilter } from './grpc-passthrough.filter';

export interface GrpcMicroserviceOptions extends GrpcHostTransportOptions {
  /** LOG_LEVEL; default info. */
  readonly logLevel?: LogLevel;
  /** Runs last on the way out, after the app closed (the tracing SDK's flush). */
  readonly afterClose?: () => Promise<void>;
  /** The process's logger (installProcessLogs in main); without it, Nest's own at `logLevel`. */
  readonly logger?: LoggerService;
  /** SWITCHYARD_METRICS_PORT: GET /metrics (the process's registry) is served there when set. */
  readonly metricsPort?: number;
}

export interface GrpcMicroservice {
  readonly app: INestMicroservice;
  /** The bound port (useful with port 0). */
  readonly port: number;
}

/**
 * Creates one cluster service as a Nest microservice on GrpcHostTransport and serves it. Used
 * by each app's main.ts and by the specs that boot an app module on a free port.
 */
export async function createGrpcMicroservice(module: DynamicModule, options: GrpcMicroserviceOptions): Promise<GrpcMicroservice> {
  const transport = new GrpcHostTransport(options);
  const app = await NestFactory.createMicroservice(module, { strategy: transport, logger: options.logger ?? nestLogLevels(options.logLevel ?? 'info') });
  app.useGlobalFilters(new GrpcPassthroughFilter());
  // init runs the providers' bootstrap hooks (the first health round) before the port opens;
  // listen alone would only register the handlers.
  await app.init();
  await app.listen();
  return { app, port: transport.port() };
}

/**
 * The process around it: on SIGTERM/SIGINT `app.close()` stops taking calls and lets running
 * ones finish (the transport closes first), then runs the providers' destroy and shutdown
 * hooks (timers, queues, Redis, database), and the process exits 0 (1 if that failed).
 * `enableShutdownHooks` is not used: it runs the destroy hooks before the transport stops, so
 * an upstream pool or a database could close under a call still running.
 */
export async function runGrpcMicroservice(module: DynamicModule, options: GrpcMicroserviceOptions): Promise<void> {
  const { app } = await createGrpcMicroservice(module, options);
  const log = new Logger(options.name);
  const metrics = await startMetricsServer(options, log);
  onShutdownSignal(async (signal) => {
    log.log(`${signal}: draining`);
    await app.close();
    await metrics?.close();
    await options.afterClose?.();
  });
}

/**
 * Every service serves its registry on SWITCHYARD_METRICS_PORT when it is set (the contract the
 * Helm chart relies on; docs/metrics.md), with Node's process metrics. It closes after the
 * drain, so the last scrape still sees the process.
 */
async function startMetricsServer(options: GrpcMicroserviceOptions, log: Logger): Promise<MetricsHttpServer | undefined> {
  if (options.metricsPort === undefined) return undefined;
  const registry = processMetrics();
  registry.collectProcessMetrics();
  const server = new MetricsHttpServer(registry);
  const port = await server.listen(options.metricsPort, options.host);
  log.log(`metrics on http://${options.host}:${port}/metrics`);
  return server;
}

