export * from './upstream.service';
export { upstreamOptionsOf, type UpstreamOptions } from './upstream.options';
export * from './upstream-errors';
export * from './log-redaction';
