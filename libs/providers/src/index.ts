export * from './core/provider-ids';
export * from './core/provider-adapter.types';
export * from './core/passthrough.policy';
export * from './core/sse-parser';
export * from './core/retry-after';
export * from './registry';
export * from './core/upstream-fault';
