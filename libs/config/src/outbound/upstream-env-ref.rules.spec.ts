import { refuseUpstreamEnvPrefix, refuseUpstreamKeyRef } from './upstream-env-ref.rules';

describe(refuseUpstreamKeyRef.name, () => {
  it('accepts literals, sealed values and names under the prefix', () => {
    expect(refuseUpstreamKeyRef('sk-literal', 'SWITCHYARD_UPSTREAM_')).toBeUndefined();
    expect(refuseUpstreamKeyRef('enc:v1:k1:abc', 'SWITCHYARD_UPSTREAM_')).toBeUndefined();
    expect(refuseUpstreamKeyRef('env:SWITCHYARD_UPSTREAM_OPENAI', 'SWITCHYARD_UPSTREAM_')).toBeUndefined();
  });

  it.each(['SWITCHYARD_SECRET_KEYS', 'SWITCHYARD_ADMIN_TOKEN', 'DATABASE_URL', 'OPENAI_API_KEY', 'SWITCHYARD_UPSTREAM', 'switchyard_upstream_x'])(
    'refuses env:%s',
    (name) => {
      expect(refuseUpstreamKeyRef(`env:${name}`, 'SWITCHYARD_UPSTREAM_')).toBe(
        `env:${name} is outside SWITCHYARD_OUTBOUND_ENV_PREFIX (SWITCHYARD_UPSTREAM_): upstream keys are read only from variables whose names start with it`,
      );
    },
  );
});

describe(refuseUpstreamEnvPrefix.name, () => {
  const names = ['SWITCHYARD_SECRET_KEYS', 'SWITCHYARD_ADMIN_TOKEN', 'DATABASE_URL', 'PORT'];

  it('accepts prefixes that cover none of the settings', () => {
    expect(refuseUpstreamEnvPrefix('SWITCHYARD_UPSTREAM_', names)).toBeUndefined();
    expect(refuseUpstreamEnvPrefix('LLM_KEY_', names)).toBeUndefined();
  });

  it.each(['SWITCHYARD_', 'SWITCHYARD', 'SWITCH', 'S', 'DATABASE_', 'P', 'SWITCHYARD_ADMIN'])('refuses %s', (prefix) => {
    expect(refuseUpstreamEnvPrefix(prefix, names)).toBeDefined();
  });
});
