import { hashKey } from '@switchyard/shared';
import { randomBytes } from 'node:crypto';

/** Admin token secrets start with this, so the guard knows a named token from a JWT at a glance. */
export const ADMIN_TOKEN_SECRET_PREFIX = 'sy-admin-';
const SECRET_BYTES = 32;
/** The prefix and 6 more characters: enough to recognise a token in a listing, nothing to guess from. */
const VISIBLE_CHARS = ADMIN_TOKEN_SECRET_PREFIX.length + 6;

/** A new admin token: 256 random bits; only its hash (as virtual keys: sha256 hex) and prefix are stored. */
export function newAdminTokenSecret(): { secret: string; hash: string; prefix: string } {
  const secret = `${ADMIN_TOKEN_SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { secret, hash: hashKey(secret), prefix: secret.slice(0, VISIBLE_CHARS) };
}
