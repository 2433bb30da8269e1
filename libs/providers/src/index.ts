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
// The OpenAI wires an openai / azure-openai provider picks with `options.api`, and the reasoning
// summaries of the Responses API (`options.reasoningSummary`): the config schema's enums.
export { OPENAI_APIS, RESPONSES_REASONING_SUMMARIES, type OpenAiApi } from './openai/openai-responses.request';
// The vendor headers a client may have forwarded to its own family (docs/configuration.md).
export { VENDOR_HEADERS, vendorHeadersOf } from './core/vendor-headers';
