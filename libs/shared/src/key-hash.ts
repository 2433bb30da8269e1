import { hash } from 'node:crypto';

/**
 * How virtual keys are stored and looked up: sha256 hex of the whole key. Once per request, so
 * the one-shot `crypto.hash` (about a third of `createHash(…).update(…).digest(…)`'s time: no
 * Hash object per call).
 */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}
