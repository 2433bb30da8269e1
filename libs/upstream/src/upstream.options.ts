import { outboundPolicyOf, upstreamLimits, type OutboundPolicy, type SecretBox, type SwitchyardEnv, type UpstreamLimits } from '@switchyard/config';

/** What the adapter is booted with (standalone and apps/adapter), from the environment validated at start. */
export interface UpstreamOptions {
  /** Where an upstream may be and which `env:` keys may be read (SWITCHYARD_OUTBOUND_*), checked per key and connection. */
  readonly outbound: OutboundPolicy;
  /** Opens upstream keys stored sealed (SWITCHYARD_SECRET_KEYS); only the adapter holds it. */
  readonly secretBox?: SecretBox;
  /** How much of an answer is read (SWITCHYARD_MAX_UPSTREAM_{RESPONSE,STREAM,EVENT}_BYTES); the defaults when absent. */
  readonly limits?: UpstreamLimits;
}

/** The adapter's options from the process settings, the same in standalone and in apps/adapter. */
export function upstreamOptionsOf(env: SwitchyardEnv): UpstreamOptions {
  return { outbound: outboundPolicyOf(env), secretBox: env.SWITCHYARD_SECRET_KEYS, limits: upstreamLimits(env) };
}
