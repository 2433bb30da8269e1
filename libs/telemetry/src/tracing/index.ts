export * from './span-attributes';
export * from './trace-scope';
export * from './tracing-switch';
export * from './tracing.sdk';
export * from './tracing-summary';
