import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { SEALED_V1_PREFIX, isSealedRef, isValidKeyId, parseSealed } from './sealed-value.format';
import { SECRET_KEY_BYTES, SECRET_KEYS_ENV, parseSecretKeys } from './secret-keys.parser';
import { SecretError } from './secret.error';

const ALGORITHM = 'aes-256-gcm';
// 96-bit IVs are GCM's native size. NIST SP 800-38D §8.3 allows 2^32 seals per key with
// random IVs, far beyond the provider keys one deployment will ever seal.
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A value sealed with AES-256-GCM: `enc:v1:<keyId>:<base64url(iv 12 bytes | ciphertext | tag 16 bytes)>`.
 *
 * The context (e.g. `provider:openai-main`) and the header (`enc:v1:<keyId>`) are bound as
 * additional authenticated data, so a sealed value copied into another record, or relabelled
 * with another key id, fails to open instead of yielding a key for the wrong upstream.
 * Keys live in KeyObjects held in a private field: a box that is logged, inspected or
 * serialised shows its key ids only.
 */
export class SecretBox {
  readonly #keys = new Map<string, KeyObject>();
  readonly #current: string;

  /** keys: keyId → 32-byte key; `current` seals, all of them open (key rotation). */
  constructor(keys: ReadonlyMap<string, Buffer>, current: string) {
    for (const [id, key] of keys) {
      if (!isValidKeyId(id)) throw new SecretError('secret key ids must be 1-32 letters, digits, "_" or "-"');
      if (key.length !== SECRET_KEY_BYTES) {
        throw new SecretError(`secret key "${id}" must be ${SECRET_KEY_BYTES} bytes, got ${key.length}`);
      }
      this.#keys.set(id, createSecretKey(key));
    }
    if (!this.#keys.has(current)) throw new SecretError(`the current secret key "${current}" is not among the keys`);
    this.#current = current;
  }

  /**
   * The box described by {@link SECRET_KEYS_ENV} (`k2:<base64 32 bytes>,k1:<base64 32 bytes>`,
   * first = current), or undefined when it is unset or blank — the same convention as
   * `env:` references, where `NAME=` leaves a value unset. A malformed value is a ConfigError
   * naming each bad entry, never echoing it.
   */
  static fromEnv(value: string | undefined): SecretBox | undefined {
    if (value === undefined || value.trim() === '') return undefined;
    const { keys, current } = parseSecretKeys(value);
    try {
      return new SecretBox(keys, current);
    } finally {
      // The KeyObjects hold their own copies; leave no decoded key behind in the heap.
      for (const key of keys.values()) key.fill(0);
    }
  }

  /** A fresh key for {@link SECRET_KEYS_ENV}, base64-encoded (what `openssl rand -base64 32` prints). */
  static generateKey(): string {
    return randomBytes(SECRET_KEY_BYTES).toString('base64');
  }

  /** The id new seals are made with. */
  get currentKeyId(): string {
    return this.#current;
  }

  /** Every id this box can open, the current one first. */
  get keyIds(): readonly string[] {
    return [this.#current, ...[...this.#keys.keys()].filter((id) => id !== this.#current)];
  }

  /** `plaintext` sealed for the record named by `context`; a fresh random IV each time. */
  seal(plaintext: string, context: string): string {
    requireContext(context);
    if (plaintext === '') throw new SecretError(`${context}: refusing to seal an empty value`);
    const header = `${SEALED_V1_PREFIX}${this.#current}`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#keys.get(this.#current) as KeyObject, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(header, context));
    const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${header}:${body.toString('base64url')}`;
  }

  /**
   * The plaintext of a value sealed for `context`. Throws a {@link SecretError} — naming the
   * context and key id, never the value — when the value is not sealed, was altered, was
   * sealed for another context, or names a key this box does not hold.
   */
  open(sealed: string, context: string): string {
    requireContext(context);
    const parts = parseSealed(sealed);
    if (!parts) {
      // The value itself is never echoed: what is not sealed may well be a plaintext key.
      throw new SecretError(
        isSealedRef(sealed) ? `${context}: unsupported sealed value format (expected ${SEALED_V1_PREFIX}…)` : `${context}: not a sealed value`,
      );
    }
    const { keyId: id, payload: encoded } = parts;
    const key = this.#keys.get(id);
    if (!key) throw new SecretError(`${context}: sealed with key "${id}", which ${SECRET_KEYS_ENV} does not hold`);
    const body = Buffer.from(encoded, 'base64url');
    // Node's decoder skips what it cannot read; only the canonical encoding is accepted so
    // that one sealed value has exactly one spelling.
    if (body.length < IV_BYTES + TAG_BYTES + 1 || body.toString('base64url') !== encoded) {
      throw new SecretError(`${context}: the sealed value is truncated or malformed`);
    }
    const decipher = createDecipheriv(ALGORITHM, key, body.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(`${SEALED_V1_PREFIX}${id}`, context));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretError(`${context}: the sealed value does not open: it was altered, or sealed for another record`);
    }
  }

  /** Whether `value` has the shape of a sealed value (whichever key sealed it). */
  isSealed(value: string): boolean {
    return parseSealed(value) !== undefined;
  }

  /** The key id a sealed value names, or undefined for anything else. */
  keyIdOf(sealed: string): string | undefined {
    return parseSealed(sealed)?.keyId;
  }

  toJSON(): { current: string; keyIds: readonly string[] } {
    return { current: this.#current, keyIds: this.keyIds };
  }

  [inspect.custom](): string {
    return `SecretBox { current: '${this.#current}', keyIds: [${this.keyIds.map((id) => `'${id}'`).join(', ')}] }`;
  }
}

/** The header and the record are authenticated with the ciphertext; ':' cannot occur in a key id. */
function aad(header: string, context: string): Buffer {
  return Buffer.from(`${header}:${context}`, 'utf8');
}

function requireContext(context: string): void {
  if (context === '') throw new SecretError('a sealed value needs a context naming its record');
}
