import { envVariableOf } from '../secret-ref.resolver';
import { OUTBOUND_SETTINGS } from './outbound-policy.types';

/**
 * Why an upstream key reference may not be used under `prefix`, or undefined when it may (a
 * literal or sealed value, or `env:NAME` with NAME under the prefix). Upstream keys are sent to
 * the provider's URL, so a reference to any other variable would let whoever writes providers
 * (the admin API) send that variable — the sealing keys, the admin token — to a URL of their
 * choice (issue 10, finding 5).
 */
export function refuseUpstreamKeyRef(ref: string, prefix: string): string | undefined {
  const name = envVariableOf(ref);
  if (name === undefined || name.startsWith(prefix)) return undefined;
  return `env:${name} is outside ${OUTBOUND_SETTINGS.envPrefix} (${prefix}): upstream keys are read only from variables whose names start with it`;
}

/**
 * Why `prefix` cannot be the upstream key prefix: it would cover one of the gateway's own
 * settings (`names`) or the whole `SWITCHYARD_` namespace, where future settings go.
 */
export function refuseUpstreamEnvPrefix(prefix: string, names: readonly string[]): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) return `expected the start of an environment variable name, got ${JSON.stringify(prefix)}`;
  if ('SWITCHYARD_'.startsWith(prefix)) return `${JSON.stringify(prefix)} would cover every SWITCHYARD_ setting; use a narrower prefix such as SWITCHYARD_UPSTREAM_`;
  const covered = names.filter((name) => name.startsWith(prefix));
  if (covered.length > 0) return `${JSON.stringify(prefix)} would cover the gateway's own setting${covered.length > 1 ? 's' : ''} ${covered.join(', ')}; use a narrower prefix`;
  return undefined;
}
