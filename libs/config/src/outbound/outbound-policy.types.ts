/**
 * Where the gateway may send a request and which upstream keys it may read (docs/architecture.md
 * §4, "Outbound policy"). Built from SWITCHYARD_OUTBOUND_* at boot; checked when a provider is
 * written (switchyard.yaml, `apply`, the admin API) and again by the adapter when it resolves a
 * key and when it connects.
 */
export interface OutboundPolicy {
  /** `env:NAME` upstream key references resolve only names starting with this. */
  readonly envPrefix: string;
  /** Plain `http:` upstreams (a simulator, a sidecar); otherwise `https:` only. */
  readonly allowHttp: boolean;
  /** Loopback, private, CGNAT and unspecified addresses (self-hosted vLLM or Ollama). */
  readonly allowPrivate: boolean;
}

export const DEFAULT_UPSTREAM_ENV_PREFIX = 'SWITCHYARD_UPSTREAM_';

/** The setting names, for messages that tell the operator what to change. */
export const OUTBOUND_SETTINGS = {
  envPrefix: 'SWITCHYARD_OUTBOUND_ENV_PREFIX',
  allowHttp: 'SWITCHYARD_OUTBOUND_ALLOW_HTTP',
  allowPrivate: 'SWITCHYARD_OUTBOUND_ALLOW_PRIVATE',
} as const;

export const DEFAULT_OUTBOUND_POLICY: OutboundPolicy = { envPrefix: DEFAULT_UPSTREAM_ENV_PREFIX, allowHttp: false, allowPrivate: false };
