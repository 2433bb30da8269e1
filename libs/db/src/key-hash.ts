// The hash lives in @switchyard/shared because auth computes it on the hot path without the
// database; it is re-exported here beside keyPrefix so key storage has one front door.
export { hashKey } from '@switchyard/shared';

/**
 * How many characters of a key's secret part may be kept in clear (`virtual_keys.prefix`), to
 * recognise it in listings, audit rows and apply diffs: 8 base64url characters (48 bits) tell
 * a team's keys apart and leave at least 24 characters unknown in the shortest key accepted.
 */
export const KEY_PREFIX_SECRET_CHARS = 8;

/**
 * And never more than this in all, as before this rule: a generated key keeps its 12-character
 * prefix (`sk-sy-` and 6), so stored prefixes and the ids apply reports stay as they were.
 */
export const KEY_PREFIX_MAX_LENGTH = 12;

// The family prefix that says what a key is, not who holds it: `sk-`, or `sk-<word>-` as our
// generated keys (`sk-sy-`) and common vendors (`sk-proj-`, `sk-ant-`) write it. The word is
// short lowercase letters only, so a random part that happens to hold a `-` is not taken for one.
const FAMILY = /^sk-(?:[a-z]{2,8}-)?/;

/** The visible start of a key: its family prefix (if any) and at most 8 characters after it, 12 in all. */
export function keyPrefix(key: string): string {
  const family = FAMILY.exec(key)?.[0] ?? '';
  return [...key].slice(0, Math.min(KEY_PREFIX_MAX_LENGTH, [...family].length + KEY_PREFIX_SECRET_CHARS)).join('');
}
