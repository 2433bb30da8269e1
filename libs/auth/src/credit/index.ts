export * from './balance.types';
export * from './memory-balance.store';
export * from './redis-balance.store';
