/**
 * The one boolean every per-request tracing step is guarded by (docs/architecture.md §9,
 * Traces). False unless `startTracing` found an OTLP endpoint and started the SDK: with tracing
 * off a request pays one property read per step and never touches the OpenTelemetry API.
 */
export const TRACING = { on: false };
