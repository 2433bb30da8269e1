import { Logger } from '@nestjs/common';
import { onShutdownSignal } from '@switchyard/shared';
import { GrpcServerHost } from './grpc-server.host';

export interface GrpcServiceProcess {
  /** Service name for logs, e.g. "auth". */
  name: string;
  host: string;
  port: number;
  register(server: GrpcServerHost): void;
  /** Releases what the service holds (database, queues, timers) after the server stopped. */
  close(): Promise<void>;
}

/**
 * Runs one cluster service as a process: serve, log where, and on SIGTERM/SIGINT stop taking
 * calls, let running ones finish, release resources and exit 0 (what Kubernetes expects).
 */
export async function runGrpcService(svc: GrpcServiceProcess): Promise<void> {
  const log = new Logger(svc.name);
  const server = new GrpcServerHost();
  svc.register(server);
  const port = await server.start(svc.host, svc.port);
  log.log(`${svc.name} gRPC listening on ${svc.host}:${port}`);
  onShutdownSignal(async (signal) => {
    log.log(`${signal}: draining`);
    await server.stop();
    await svc.close();
  });
}
