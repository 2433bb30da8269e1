export * from './metrics/metric-catalogue';
