import type { LogLevel as NestLogLevel } from '@nestjs/common';
import type { LogLevel } from './switchyard-env.schema';

const NEST_ORDER: readonly NestLogLevel[] = ['debug', 'log', 'warn', 'error'];

/** LOG_LEVEL → the Nest levels at or above it, for every app's logger (the ingress and the gRPC services). */
export function nestLogLevels(level: LogLevel): NestLogLevel[] {
  return NEST_ORDER.slice(NEST_ORDER.indexOf(level === 'info' ? 'log' : level));
}
