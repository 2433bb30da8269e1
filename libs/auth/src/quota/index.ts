export * from './quota.types';
export { DEFAULT_SHORT_RETRY_MS, NEVER_FITS_RETRY_MS, periodsAt } from './quota-units';
export * from './memory-quota.store';
export * from './redis-quota.store';
