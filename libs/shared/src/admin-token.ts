import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when `authorization` is `Bearer <token>` with the configured admin token; false when no
 * token is configured. Both sides are hashed first, so the comparison takes the same time
 * whatever the given token's length or content.
 */
export function isAdmin(authorization: string | undefined, token: string | undefined): boolean {
  if (!token || !authorization || authorization.length < 7 || authorization.slice(0, 7).toLowerCase() !== 'bearer ') return false;
  return timingSafeEqual(digest(authorization.slice(7).trim()), digest(token));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
