export * from './price-book';
export * from './usage-query.service';
export * from './usage-recorder.service';
export * from './budget-allowance.plan';
export * from './budget-rebalancer.service';
