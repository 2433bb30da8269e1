export * from './metrics/metric-catalogue';
export * from './tracing';
// Logs (issue 13)
export * from './logs/log-redaction';
export * from './logs/process-logger';
export * from './logs/nest-pino.logger';
export * from './logs/startup-summary';
