import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { TRACING } from './tracing-switch';

/** What `startTracing` started; `shutdown` flushes the spans still buffered (call it last on the way out). */
export interface TracingHandle {
  readonly on: boolean;
  shutdown(): Promise<void>;
}

/** How long a stopping process waits for its last spans to be exported. */
const SHUTDOWN_WAIT_MS = 2_000;

const OFF: TracingHandle = { on: false, shutdown: () => Promise.resolve() };

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Whether traces are exported at all, read from the standard variables only: an OTLP endpoint
 * (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`), not disabled by
 * `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`.
 */
export function tracingWanted(env: Env): boolean {
  if (!(env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_ENDPOINT'])) return false;
  if ((env['OTEL_SDK_DISABLED'] ?? '').trim().toLowerCase() === 'true') return false;
  return (env['OTEL_TRACES_EXPORTER'] ?? 'otlp').trim().toLowerCase() !== 'none';
}

/** The trace protocol the standard variables ask for (the specification's default: http/protobuf). */
export function otlpProtocolOf(env: Env): OtlpProtocol {
  const p = (env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] ?? env['OTEL_EXPORTER_OTLP_PROTOCOL'] ?? '').trim();
  switch (p) {
    case 'http/json':
    case 'grpc':
    case 'http/protobuf':
      return p;
    case '':
      return 'http/protobuf';
    default:
      throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL: "${p}" is not one of http/protobuf, http/json, grpc`);
  }
}

/**
 * The OTLP trace exporter of `protocol`. Each exporter reads its endpoint, headers, timeout and
 * compression from the standard variables itself. Loaded on demand: a process without tracing
 * never loads an exporter (or the SDK).
 */
export async function otlpTraceExporter(protocol: OtlpProtocol): Promise<SpanExporter> {
  switch (protocol) {
    case 'http/json':
      return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
    case 'http/protobuf':
      return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
    case 'grpc':
      return new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter();
  }
}

/**
 * Starts the OpenTelemetry SDK for this process when the standard variables ask for traces
 * (`tracingWanted`), and turns `TRACING.on`. Everything is configured by the `OTEL_*` variables:
 * endpoint and protocol, `OTEL_SERVICE_NAME` (else `defaultServiceName`), `OTEL_RESOURCE_ATTRIBUTES`,
 * `OTEL_TRACES_SAMPLER`/`_ARG`, `OTEL_PROPAGATORS`, `OTEL_BSP_*`. Traces only: metrics are
 * Prometheus and logs pino, so the SDK's OTLP metric and log pipelines stay off. No
 * auto-instrumentation: our own spans give the request's tree (docs/architecture.md §9).
 */
export async function startTracing(defaultServiceName: string, env: Env = process.env): Promise<TracingHandle> {
  if (!tracingWanted(env)) return OFF;
  const traceExporter = await otlpTraceExporter(otlpProtocolOf(env));
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({
    serviceName: env['OTEL_SERVICE_NAME'] ? undefined : defaultServiceName,
    traceExporter,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  TRACING.on = true;
  return {
    on: true,
    async shutdown() {
      TRACING.on = false;
      // Bounded: an unreachable collector must not hold a stopping process (the exporter's own
      // timeout, OTEL_BSP_EXPORT_TIMEOUT, is 30 s by default); what is not out by then is lost.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS)));
      await Promise.race([sdk.shutdown().catch(() => undefined), late]);
      clearTimeout(timer);
    },
  };
}
