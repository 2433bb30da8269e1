export * from './core/provider-ids';
export * from './core/provider-adapter.types';
export * from './core/passthrough.policy';
export * from './core/sse-parser';
export * from './core/retry-after';
export * from './registry';
export * from './core/upstream-fault';
// The vendor profiles an openai-compatible provider picks with `options.vendor`: the config
// schema and the admin API take their enum from here (docs/architecture.md §4).
export { OPENAI_VENDORS, type OpenAiVendor } from './openai/openai.vendors';
// The vendor headers a client may have forwarded to its own family (docs/configuration.md).
export { VENDOR_HEADERS, vendorHeadersOf } from './core/vendor-headers';
