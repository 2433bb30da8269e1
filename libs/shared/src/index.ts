export * from './key-hash';
export * from './model-pattern';
