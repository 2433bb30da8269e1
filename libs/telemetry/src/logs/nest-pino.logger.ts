import { Logger as NestLogger, type LoggerService } from '@nestjs/common';
import { Logger as NestjsPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { createProcessLogger, type ProcessLoggerOptions } from './process-logger';

/**
 * Nest's own start-up chatter: a line per module, controller and route. At info the process
 * prints one summary of its own instead (issue 13); these stay available at debug.
 */
const BOOT_CHATTER: ReadonlySet<string> = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication', 'NestMicroservice']);

/** nestjs-pino's LoggerService, with Nest's boot chatter moved down to debug. */
export class NestPinoLogger extends NestjsPinoLogger {
  constructor(root: Logger) {
    // nestjs-pino's Logger calls `info`, `warn`, … on what it is given, which pino's logger
    // has. Its own PinoLogger is not used: it builds its root once per process from pino-http
    // options (a module-level singleton) and adds per-request context for Nest's HTTP
    // pipeline, which the data path does not run through (the ingress writes its own access
    // line, libs/ingress access-log.ts).
    super(root as unknown as PinoLogger, {});
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && BOOT_CHATTER.has(context)) return super.debug(message, ...optionalParams);
    super.log(message, ...optionalParams);
  }
}

/** A process's logging: the pino root, and the same as Nest's LoggerService. */
export interface ProcessLogs {
  readonly root: Logger;
  /** For NestFactory's `logger` option. */
  readonly nest: LoggerService;
}

/**
 * Called first in each app's main: builds the process's pino logger and makes it the one behind
 * every `new Logger(context)` of `@nestjs/common`, before and outside any Nest application (a
 * configuration warning at start-up included).
 */
export function installProcessLogs(o: ProcessLoggerOptions): ProcessLogs {
  const root = createProcessLogger(o);
  const nest = new NestPinoLogger(root);
  NestLogger.overrideLogger(nest);
  return { root, nest };
}
