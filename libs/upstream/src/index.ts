export * from './upstream.service';
export * from './upstream-errors';
export * from './log-redaction';
export * from './outbound-connector';
