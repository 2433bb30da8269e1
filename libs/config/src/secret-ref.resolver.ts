import { ConfigError } from './config.error';
import type { SecretRef } from './switchyard-config.types';

const ENV_PREFIX = 'env:';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The variable an `env:NAME` reference points to, or undefined for a literal. */
export function envVariableOf(ref: SecretRef): string | undefined {
  return ref.startsWith(ENV_PREFIX) ? ref.slice(ENV_PREFIX.length) : undefined;
}

/** False for `env:` references whose name no shell could export (`env:`, `env:MY-KEY`). */
export function isWellFormedSecretRef(ref: SecretRef): boolean {
  const name = envVariableOf(ref);
  return name === undefined || ENV_NAME.test(name);
}

/**
 * How to mention a reference in a message: `env:NAME` as written, a literal never, since a
 * literal is the secret itself and messages end up in logs.
 */
export function describeSecretRef(ref: SecretRef): string {
  return envVariableOf(ref) === undefined ? 'a literal value' : ref;
}

/**
 * `env:NAME` → the value of NAME (undefined when unset or empty: an empty key is never a
 * usable credential, and `NAME=` is how compose files and charts leave a value unset);
 * anything else is the literal value.
 */
export function resolveSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = envVariableOf(ref);
  if (name === undefined) return ref;
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** Like {@link resolveSecret}, but a missing variable is a {@link ConfigError} naming it and what needed it. */
export function requireSecret(ref: SecretRef, what: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = resolveSecret(ref, env);
  if (value === undefined) {
    throw new ConfigError([`${what}: environment variable ${envVariableOf(ref)} is not set`]);
  }
  return value;
}
