import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { otlpProtocolOf, otlpTraceExporter, startTracing, tracingWanted } from './tracing.sdk';
import { TRACING } from './tracing-switch';

describe('tracing configuration', () => {
  it('is off without an OTLP endpoint, and when the standard variables turn it off', async () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
    const handle = await startTracing('switchyard-test', {});
    expect(handle.on).toBe(false);
    expect(TRACING.on).toBe(false);
  });

  it('reads the protocol from the traces variable first, then the general one, default http/protobuf', () => {
    expect(otlpProtocolOf({})).toBe('http/protobuf');
    expect(otlpProtocolOf({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toBe('grpc');
    expect(otlpProtocolOf({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' })).toBe('http/json');
    expect(() => otlpProtocolOf({ OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon' })).toThrow('OTEL_EXPORTER_OTLP_PROTOCOL');
  });

  it('configures the OTLP exporter of each protocol', async () => {
    const cases = [
      ['http/protobuf', ProtoExporter],
      ['http/json', JsonExporter],
      ['grpc', GrpcExporter],
    ] as const;
    for (const [protocol, kind] of cases) {
      const exporter = await otlpTraceExporter(protocol);
      expect(exporter).toBeInstanceOf(kind);
      await exporter.shutdown();
    }
  });
});
