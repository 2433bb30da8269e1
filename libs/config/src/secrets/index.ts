export { SecretBox } from './secret-box';
export { SecretError } from './secret.error';
export { SECRET_KEYS_ENV, SECRET_KEY_BYTES } from './secret-keys.parser';
export { isSealedRef } from './sealed-value.format';
export { describeUpstreamKey, redactSecret } from './redact-secret';
export { providerKeyContext, resolveUpstreamKey, sealUpstreamKey } from './upstream-key.resolver';
export type { UpstreamKeySources } from './upstream-key.resolver';
export { secretBoxWarnings, unsealedUpstreamKeyWarnings } from './unsealed-keys.warning';
