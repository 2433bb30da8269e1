export * from './health.types';
export * from './deployment-health';
export * from './health-prober';
