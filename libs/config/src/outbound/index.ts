export { ALWAYS_REFUSED, classifyAddress, describeAddressClass, type AddressClass } from './address-class';
export { displayBaseUrl, refuseBaseUrl, refuseWebhookUrl } from './base-url.rules';
export { DEFAULT_OUTBOUND_POLICY, DEFAULT_UPSTREAM_ENV_PREFIX, OUTBOUND_SETTINGS, type OutboundPolicy } from './outbound-policy.types';
export { refuseAddress, refuseHost } from './upstream-host.rules';
export { refuseUpstreamEnvPrefix, refuseUpstreamKeyRef } from './upstream-env-ref.rules';
export { OUTBOUND_REFUSED, OutboundRefusedError, outboundConnector } from './outbound-connector';
