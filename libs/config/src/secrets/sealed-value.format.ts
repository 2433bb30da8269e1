// The one place that knows how a sealed value is spelled:
// `enc:v1:<keyId>:<base64url(iv 12 bytes | ciphertext | tag 16 bytes)>`.

/** Anything starting with this is treated as sealed, whatever follows (see {@link isSealedRef}). */
export const SEALED_MARK = 'enc:';
export const SEALED_V1_PREFIX = 'enc:v1:';

// Key ids are written into every sealed value and split on ':' (and ',' in the environment
// variable). 32 characters is shorter than any base64-encoded 32-byte key (43+), so a
// well-formed id is never a key pasted in the wrong place and can safely be echoed in messages.
const KEY_ID = '[A-Za-z0-9_-]{1,32}';
const KEY_ID_ONLY = new RegExp(`^${KEY_ID}$`);
const SEALED_V1 = new RegExp(`^enc:v1:(${KEY_ID}):([A-Za-z0-9_-]+)$`);

/** Whether a key id may be used in `enc:v1:<keyId>:…`. */
export function isValidKeyId(id: string): boolean {
  return KEY_ID_ONLY.test(id);
}

/** The parts of a v1 sealed value, or undefined when `value` is not one. */
export function parseSealed(value: string): { keyId: string; payload: string } | undefined {
  const match = SEALED_V1.exec(value);
  return match ? { keyId: match[1] as string, payload: match[2] as string } : undefined;
}

/**
 * Whether a stored reference is marked sealed (`enc:…`) rather than `env:NAME` or a literal.
 * No provider issues keys that look like this, and sending a sealed value upstream as if it
 * were the key would leak it, so a marked value that is not well formed is an error, never a
 * literal.
 */
export function isSealedRef(ref: string): boolean {
  return ref.startsWith(SEALED_MARK);
}
