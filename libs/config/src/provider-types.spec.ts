import { ADAPTER_FAMILIES, ADAPTER_FAMILY_OF, PROVIDERS, PROVIDER_IDS, providerAdapter } from '@switchyard/providers';
import { parseConfig } from './switchyard-config.loader';
import { loadSwitchyardEnv } from './switchyard-env.schema';
import { configProblems } from './config-problems.testing';

// The configuration takes its provider types and adapter families from the providers registry:
// a type the file accepts is one an adapter serves, and the other way round.

const problemsOf = configProblems;

describe('provider types in switchyard.yaml', () => {
  it.each(PROVIDER_IDS)('accepts %s, a type the providers registry serves', (type) => {
    const config = parseConfig(`providers: [{ id: p, type: ${type}, baseUrl: https://upstream.test/v1 }]`, 'switchyard.yaml');

    expect(config.providers.map((p) => p.type)).toEqual([type]);
    expect(providerAdapter(config.providers[0]?.type ?? '')?.manifest.id).toBe(type);
  });

  it('refuses any other type, naming exactly the registry ids', () => {
    expect(problemsOf('providers: [{ id: p, type: bedrock, baseUrl: https://upstream.test }]')).toEqual([
      `switchyard.yaml: providers[0].type: expected one of ${Object.keys(PROVIDERS).join(', ')}, got "bedrock"`,
    ]);
  });
});

describe('adapter families in the environment', () => {
  const familiesServed = [...new Set(Object.values(PROVIDERS).map((p) => p.manifest.family))];

  it('accepts as ADAPTER_PROVIDER every family a provider manifest names, and nothing else', () => {
    expect([...ADAPTER_FAMILIES].sort()).toEqual([...familiesServed].sort());
    for (const family of familiesServed) expect(loadSwitchyardEnv({ ADAPTER_PROVIDER: family }).ADAPTER_PROVIDER).toBe(family);
  });

  it('maps every provider type to the family of its manifest', () => {
    expect(ADAPTER_FAMILY_OF).toEqual(Object.fromEntries(Object.entries(PROVIDERS).map(([id, p]) => [id, p.manifest.family])));
  });
});
