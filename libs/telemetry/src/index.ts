export * from './metrics/metric-catalogue';
export * from './tracing';
