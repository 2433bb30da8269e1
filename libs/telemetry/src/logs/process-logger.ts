import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { REDACT_PATHS, scrubUrlKeys } from './log-redaction';

/** LOG_LEVEL's values (libs/config's LOG_LEVELS), the levels pino names the same way. */
export type ProcessLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ProcessLoggerOptions {
  /** Which process writes: ingress, auth, router, adapter-<family>, billing, standalone. */
  readonly service: string;
  /** Left out when empty (a standalone process learns it from its config file: `setBindings`). */
  readonly region: string;
  readonly level: ProcessLogLevel;
  /**
   * Human-readable lines instead of JSON; default: when stdout is a terminal. A collector reads
   * a pipe, so it always gets JSON.
   */
  readonly pretty?: boolean;
  /** Where lines go; default stdout, written asynchronously. Tests pass a stream of their own. */
  readonly destination?: DestinationStream;
}

/**
 * The one pino logger of a process: JSON lines with the service, region and pid on each, at
 * LOG_LEVEL, secret headers redacted and `?key=` values scrubbed from messages.
 *
 * Stdout is written asynchronously (sonic-boom, `sync: false`): a log call only appends to a
 * buffer, the write happens off the request's path. pino flushes that buffer synchronously when
 * the process exits, so the last lines of a stopping process are not lost.
 */
export function createProcessLogger(o: ProcessLoggerOptions): Logger {
  const options: LoggerOptions = {
    level: o.level,
    base: { service: o.service, region: o.region || undefined, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level names, not numbers: what an operator greps for and what Loki's parsers expect.
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    hooks: {
      // Only string arguments are scrubbed (messages and their interpolations); objects pass
      // through pino's redaction above.
      logMethod(args, method) {
        for (let i = 0; i < args.length; i++) {
          const a: unknown = args[i];
          if (typeof a === 'string') args[i] = scrubUrlKeys(a);
        }
        method.apply(this, args as Parameters<typeof method>);
      },
    },
  };
  return pino(options, o.destination ?? stdoutDestination(o.pretty ?? process.stdout.isTTY === true));
}

function stdoutDestination(pretty: boolean): DestinationStream {
  if (!pretty) return pino.destination({ dest: 1, sync: false });
  // Loaded only for a terminal: a server never pays for it. Synchronous so a developer's lines
  // keep their order with anything else printed to the terminal.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pinoPretty = require('pino-pretty') as typeof import('pino-pretty');
  return pinoPretty.build({
    colorize: true,
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,region,service,context',
    messageFormat: '{service} {if context}{context}: {end}{msg}',
  });
}
