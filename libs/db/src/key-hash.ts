// The hash lives in @switchyard/shared because auth computes it on the hot path without the
// database; it is re-exported here beside keyPrefix so key storage has one front door.
export { hashKey } from '@switchyard/shared';

/** How many leading characters of a key are kept in clear, to recognise it in listings and logs. */
export const KEY_PREFIX_LENGTH = 12;

/** The visible start of a key (`virtual_keys.prefix`). */
export function keyPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX_LENGTH);
}
