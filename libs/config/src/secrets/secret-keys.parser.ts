import { ConfigError } from '../config.error';
import { isValidKeyId } from './sealed-value.format';

/** The environment variable holding the keys that seal upstream secrets. */
export const SECRET_KEYS_ENV = 'SWITCHYARD_SECRET_KEYS';

/** AES-256 takes exactly 32 bytes of key. */
export const SECRET_KEY_BYTES = 32;

// Standard or URL-safe alphabet (Node's base64 decoder reads both), padding optional:
// `openssl rand -base64 32` pads, base64url tools do not.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** The keys of {@link SECRET_KEYS_ENV}, in order: the first seals, all open. */
export interface SecretKeySet {
  keys: Map<string, Buffer>;
  current: string;
}

/**
 * `k2:<base64>,k1:<base64>` → the keys in order. Every problem is reported at once, each
 * naming the entry by position and, when well formed, by id; the text of an entry is never
 * echoed since it may be the key itself.
 */
export function parseSecretKeys(value: string): SecretKeySet {
  const keys = new Map<string, Buffer>();
  const problems: string[] = [];
  value.split(',').forEach((raw, i) => {
    const parsed = parseEntry(raw.trim(), keys);
    if (typeof parsed === 'string') problems.push(`${SECRET_KEYS_ENV}: entry ${i + 1}${parsed}`);
    else keys.set(parsed.id, parsed.key);
  });
  if (problems.length > 0) throw new ConfigError(problems);
  const [current] = keys.keys();
  // split() always yields at least one entry, and any entry that fails is a problem above.
  return { keys, current: current as string };
}

/** One `<id>:<base64>` entry, or what is wrong with it (appended to "entry N"). */
function parseEntry(entry: string, seen: ReadonlyMap<string, Buffer>): { id: string; key: Buffer } | string {
  if (entry === '') return ' is empty (expected <id>:<base64 key>)';
  const colon = entry.indexOf(':');
  if (colon < 0) return ': expected <id>:<base64 key>';
  const id = entry.slice(0, colon).trim();
  const encoded = entry.slice(colon + 1).trim();
  if (!isValidKeyId(id)) return ': the id must be 1-32 letters, digits, "_" or "-"';
  if (seen.has(id)) return ` ("${id}"): duplicate id`;
  if (encoded === '') return ` ("${id}"): the key is empty`;
  if (!BASE64.test(encoded)) return ` ("${id}"): the key is not base64`;
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== SECRET_KEY_BYTES) return ` ("${id}"): the key must be ${SECRET_KEY_BYTES} bytes, got ${key.length}`;
  return { id, key };
}
