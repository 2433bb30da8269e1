export * from './response-cache.types';
export * from './response-cache-key';
export * from './cacheable';
export * from './cached-answer.codec';
export * from './memory-response.cache';
export * from './redis-response.cache';
