import { addressOf } from '../logs/startup-summary';
import { otlpProtocolOf, tracingWanted } from './tracing.sdk';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Tracing as the start-up summary states it (docs/architecture.md §9, "Start-up summary"): off
 * and why, or where spans go, over which protocol, sampled how — read from the same standard
 * variables `startTracing` reads, so an operator sees at start whether traces will arrive.
 * The endpoint without credentials; never the exporter headers (they may hold a token).
 */
export function tracingSummary(env: Env): string {
  if (!tracingWanted(env)) {
    if (!(env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_ENDPOINT'])) return 'off (no OTEL_EXPORTER_OTLP_ENDPOINT)';
    return (env['OTEL_SDK_DISABLED'] ?? '').trim().toLowerCase() === 'true' ? 'off (OTEL_SDK_DISABLED=true)' : 'off (OTEL_TRACES_EXPORTER=none)';
  }
  const endpoint = (env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_ENDPOINT']) as string;
  const sampler = (env['OTEL_TRACES_SAMPLER'] ?? '').trim() || 'parentbased_always_on';
  const arg = (env['OTEL_TRACES_SAMPLER_ARG'] ?? '').trim();
  return `on, otlp ${otlpProtocolOf(env)} ${addressOf(endpoint.trim())}, sampler ${sampler}${arg ? ` ${arg}` : ''}`;
}
