import { refuseUpstreamKeyRef } from '../outbound/upstream-env-ref.rules';
import { envVariableOf, resolveSecret } from '../secret-ref.resolver';
import type { SecretBox } from './secret-box';
import { SEALED_V1_PREFIX, isSealedRef, parseSealed } from './sealed-value.format';
import { SECRET_KEYS_ENV } from './secret-keys.parser';
import { SecretError } from './secret.error';

/** The context an upstream key of provider `providerId` is sealed for. */
export function providerKeyContext(providerId: string): string {
  return `provider:${providerId}`;
}

/** What an upstream key reference is resolved with: the settings the adapter was booted with. */
export interface UpstreamKeySources {
  /** Opens sealed keys ({@link SECRET_KEYS_ENV}); undefined when this process has none. */
  readonly box: SecretBox | undefined;
  /** `env:NAME` resolves only names starting with this (SWITCHYARD_OUTBOUND_ENV_PREFIX). */
  readonly envPrefix: string;
  /** Where `env:NAME` is read, at the moment of the call; the process's environment by default. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The upstream key a stored reference stands for, at the moment of the upstream call:
 * - `env:NAME` → the variable's value, undefined when unset or empty (as {@link resolveSecret});
 *   a {@link SecretError} without reading it when NAME is outside `envPrefix` (a row written
 *   before the rule, or straight into the database);
 * - `enc:v1:…` → opened with `box` for `context`; a {@link SecretError} when it does not open,
 *   or when this process has no box ({@link SECRET_KEYS_ENV} unset);
 * - anything else → the literal itself, for backward compatibility with configurations that
 *   wrote keys inline (see {@link sealUpstreamKey} for how they stop being stored in clear).
 */
export function resolveUpstreamKey(ref: string, context: string, { box, envPrefix, env = process.env }: UpstreamKeySources): string | undefined {
  if (!isSealedRef(ref)) {
    const refused = refuseUpstreamKeyRef(ref, envPrefix);
    if (refused !== undefined) throw new SecretError(`${context}: ${refused}`);
    return resolveSecret(ref, env);
  }
  if (!box) throw new SecretError(`${context}: the upstream key is sealed, but ${SECRET_KEYS_ENV} is not set in this process`);
  return box.open(ref, context);
}

/**
 * What to store for an upstream key reference written by an operator (switchyard.yaml or the
 * admin API), where the plaintext first enters the system:
 * - `env:NAME` → kept: a name, not a secret;
 * - a sealed value → kept as given, never opened here (only the adapter opens keys); a value
 *   marked `enc:` that is not a v1 sealed value is refused now rather than at call time;
 * - a literal with a box → sealed for `context`. Sealing is randomised, so to keep `apply`
 *   idempotent a `previous` stored value that is sealed with the current key and opens to the
 *   same literal is reused; one sealed with an older key is replaced, which is how
 *   `switchyard apply` re-seals after a key rotation;
 * - a literal without a box → kept as it is (backward compatibility). Callers should warn:
 *   the key is then stored in clear; set {@link SECRET_KEYS_ENV} or use `env:NAME`.
 */
export function sealUpstreamKey(ref: string, box: SecretBox | undefined, context: string, previous: readonly string[] = []): string {
  if (envVariableOf(ref) !== undefined) return ref;
  if (isSealedRef(ref)) {
    if (!parseSealed(ref)) throw new SecretError(`${context}: unsupported sealed value format (expected ${SEALED_V1_PREFIX}…)`);
    return ref;
  }
  if (!box) return ref;
  const reused = previous.find((p) => box.keyIdOf(p) === box.currentKeyId && opensTo(box, p, context, ref));
  return reused ?? box.seal(ref, context);
}

function opensTo(box: SecretBox, sealed: string, context: string, plaintext: string): boolean {
  try {
    return box.open(sealed, context) === plaintext;
  } catch (error) {
    if (error instanceof SecretError) return false;
    throw error;
  }
}
