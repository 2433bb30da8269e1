export * from './deployment-stats';
export * from './deployment-selector';
export * from './retry-budget';
export * from './retry-backoff';
export * from './sliding-window-counter';
