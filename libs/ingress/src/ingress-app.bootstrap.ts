import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureHttp } from './http-server';
import { IngressModule, IngressPorts } from './ingress.module';

export interface IngressAppOptions {
  ports: IngressPorts;
  host: string;
  port: number;
  maxBodyBytes: number;
  debug: boolean;
  /** Appended to the "listening on" line: what this process runs with. */
  describe: string;
  /** Releases the process's other resources after the HTTP server drained. */
  close(): Promise<void>;
}

/** Starts the public HTTP edge and wires graceful shutdown (SIGTERM/SIGINT → drain → exit 0). */
export async function startIngressApp(o: IngressAppOptions): Promise<NestFastifyApplication> {
  const log = new Logger('Switchyard');
  const app = await NestFactory.create<NestFastifyApplication>(
    IngressModule.forRoot(o.ports),
    // keepAliveTimeout above common load-balancer idle timeouts (60 s) avoids races on reuse.
    new FastifyAdapter({ bodyLimit: o.maxBodyBytes, keepAliveTimeout: 75_000, return503OnClosing: true }),
    { bodyParser: false, logger: o.debug ? ['log', 'warn', 'error', 'debug'] : ['log', 'warn', 'error'] },
  );
  configureHttp(app, o.maxBodyBytes);
  await app.listen(o.port, o.host);
  log.log(`listening on http://${o.host}:${o.port} — ${o.describe}`);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.log(`${signal}: draining`);
    await app.close();
    await o.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  return app;
}
