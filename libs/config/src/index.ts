export * from './switchyard-config.types';
// The providers registry's own map (declared in @switchyard/providers, not here); re-exported
// only because libs/routing still imports it from this lib.
export { ConfigError } from './config.error';
export { loadConfigFile, parseConfig, validateConfig } from './switchyard-config.loader';
export { MIN_TENANT_KEY_LENGTH, switchyardConfigSchema } from './switchyard-config.schema';
export type { ConfigValidationOptions } from './switchyard-config.loader';
export { passthroughSchema } from './passthrough.schema';
export { guardrailsSchema, piiPolicySchema } from './guardrails.schema';
export { providerOptionsSchema, vendorSchema } from './provider-options.schema';
export { requireSecret, resolveSecret } from './secret-ref.resolver';
export { loadProcessEnv } from './process-env.loader';
export { envAdapterAddresses, envBoolean, envEnum, envGrpcTarget, envHostPort, envInteger, envPort, envSecretKeys, envString, envUrl } from './env-var.schemas';
export { LOG_LEVELS, MIN_ADMIN_TOKEN_LENGTH, adminTokenTooShort, adminOidcOf, UPSTREAM_RESPONSE_LIMIT_DEFAULTS, BUDGET_MODES, gatewaySettingNames, httpServerSettings, regionBudgetSettings, loadSwitchyardEnv, outboundPolicyOf, requestLimitSettings, switchyardEnvSchema, upstreamLimits } from './switchyard-env.schema';
export type { BudgetMode, LogLevel, SwitchyardEnv, UpstreamLimits } from './switchyard-env.schema';
export { requireEnv } from './require-env';
export { FILES_STORES, fileStoreSettingsOf } from './files-store.settings';
export type { FilesStore, FileStoreSettingsOf } from './files-store.settings';
export * from './secrets';
export * from './ip-range';
export * from './outbound';
export * from './env-refs';
export { nestLogLevels } from './nest-log-levels';
export { NO_REGION_CONFIG, loadRegionConfig, resolvePeers } from './region-config.loader';
export type { ResolvedPeer } from './region-config.loader';
