export * from './queue-names';
export * from './memory-usage.queue';
export * from './bull-usage.queue';
export * from './config-change.bus';
export * from './redis-health.probe';
export * from './bull-maintenance.schedule';
export * from './budget-rebalance.scheduler';
export * from './bull-reconcile.queue';
