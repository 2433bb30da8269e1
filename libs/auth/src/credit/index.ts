export * from './balance.types';
export * from './memory-balance.store';
export * from './redis-balance.store';
export * from './credit-account.source';
export * from './balance-gate';
export * from './counter.reconciler';
export * from './redis-budget.counters';
export * from './credit-counters.service';
