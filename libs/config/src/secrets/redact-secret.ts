import { envVariableOf } from '../secret-ref.resolver';
import { SEALED_V1_PREFIX, parseSealed } from './sealed-value.format';

/**
 * A secret as it may appear in logs and the audit log: `sk-a…(redacted, 51 chars)`.
 * The prefix is enough to tell keys apart (`sk-a` vs `sk-p`) and is never more than 4
 * characters nor more than an eighth of the value, so a short secret shows little or nothing.
 * Counted in code points, so a prefix never splits a character.
 */
export function redactSecret(value: string): string {
  const chars = [...value];
  const shown = Math.min(4, Math.floor(chars.length / 8));
  return `${chars.slice(0, shown).join('')}…(redacted, ${chars.length} chars)`;
}

/**
 * How to show a stored upstream key reference in the audit log or a diff: `env:NAME` as
 * written (a name, not a secret), a sealed value by its header (`enc:v1:k2:…`, enough to see
 * which key sealed it), a literal redacted.
 */
export function describeUpstreamKey(ref: string): string {
  if (envVariableOf(ref) !== undefined) return ref;
  const sealed = parseSealed(ref);
  return sealed === undefined ? redactSecret(ref) : `${SEALED_V1_PREFIX}${sealed.keyId}:…`;
}
