import { createHash } from 'node:crypto';

/** How virtual keys are stored and looked up: sha256 hex of the whole key. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
