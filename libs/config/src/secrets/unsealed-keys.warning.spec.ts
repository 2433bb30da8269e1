import { SecretBox } from './secret-box';
import { unsealedUpstreamKeyWarnings } from './unsealed-keys.warning';

const provider = (id: string, apiKeys: string[]) => ({ id, type: 'openai' as const, baseUrl: 'https://api.test', apiKeys });

describe(unsealedUpstreamKeyWarnings.name, () => {
  const config = {
    providers: [
      provider('literal', ['sk-live-secret-value']),
      provider('two', ['sk-one-secret', 'env:SWITCHYARD_UPSTREAM_X', 'sk-two-secret']),
      provider('refs', ['env:SWITCHYARD_UPSTREAM_Y', 'enc:v1:k1:abc']),
    ],
  };

  it('names each provider with literal keys and how many, never a value', () => {
    const warnings = unsealedUpstreamKeyWarnings(config, undefined);

    expect(warnings).toEqual([
      'provider "literal": a literal upstream key will be stored unsealed (in clear) in the database; set SWITCHYARD_SECRET_KEYS to seal it, or use env:NAME',
      'provider "two": 2 literal upstream keys will be stored unsealed (in clear) in the database; set SWITCHYARD_SECRET_KEYS to seal it, or use env:NAME',
    ]);
    expect(warnings.join()).not.toMatch(/sk-live|sk-one|sk-two/);
  });

  it('says nothing when a secret box seals them', () => {
    expect(unsealedUpstreamKeyWarnings(config, new SecretBox(new Map([['k1', Buffer.alloc(32, 1)]]), 'k1'))).toEqual([]);
  });
});
