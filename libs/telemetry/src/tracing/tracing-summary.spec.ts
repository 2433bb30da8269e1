import { tracingSummary } from './tracing-summary';

// What the start-up line says about traces, from the standard variables alone.

describe(tracingSummary.name, () => {
  it('says off, and why, without an endpoint or when turned off', () => {
    expect(tracingSummary({})).toBe('off (no OTEL_EXPORTER_OTLP_ENDPOINT)');
    expect(tracingSummary({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe('off (OTEL_SDK_DISABLED=true)');
    expect(tracingSummary({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe('off (OTEL_TRACES_EXPORTER=none)');
  });

  it('names the endpoint, the protocol and the default sampler', () => {
    expect(tracingSummary({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('on, otlp http/protobuf http://collector:4318, sampler parentbased_always_on');
  });

  it('prefers the traces endpoint and protocol, shows the sampler argument, and drops credentials from the URL', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://user:secret@tempo.example.com:4317',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer abc',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    };

    const line = tracingSummary(env);

    expect(line).toBe('on, otlp grpc https://tempo.example.com:4317, sampler parentbased_traceidratio 0.1');
    expect(line).not.toContain('secret');
    expect(line).not.toContain('abc');
  });
});
