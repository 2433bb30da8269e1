export * from './key-hash';
export * from './model-pattern';
export * from './shutdown-signal';
export * from './redis-connection';
export * from './model-price';
export * from './admin-token';
export * from './stable-json';
export * from './storable-text';
