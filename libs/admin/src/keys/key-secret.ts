import { keyPrefix } from '@switchyard/db';
import { hashKey } from '@switchyard/shared';
import { randomBytes } from 'node:crypto';

export const KEY_SECRET_PREFIX = 'sk-sy-';
const KEY_SECRET_BYTES = 32;

/** A new virtual key: `sk-sy-` + 43 base64url characters (256 random bits); only its hash and prefix are stored. */
export function newKeySecret(): { secret: string; hash: string; prefix: string } {
  const secret = `${KEY_SECRET_PREFIX}${randomBytes(KEY_SECRET_BYTES).toString('base64url')}`;
  return { secret, hash: hashKey(secret), prefix: keyPrefix(secret) };
}
