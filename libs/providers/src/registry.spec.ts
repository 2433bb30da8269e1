import { PROVIDER_IDS } from './core/provider-adapter.types';
import { PROVIDERS, isProviderId, providerAdapter } from './registry';

describe(providerAdapter.name, () => {
  it('finds the adapter of every provider id, under its own manifest', () => {
    for (const id of PROVIDER_IDS) expect(providerAdapter(id)?.manifest.id).toBe(id);
  });

  it('serves both OpenAI providers from the openai adapter family', () => {
    expect(Object.values(PROVIDERS).map((p) => [p.manifest.id, p.manifest.family])).toStrictEqual([
      ['openai', 'openai'],
      ['openai-compatible', 'openai'],
    ]);
  });

  it.each(['azure', 'OpenAI', '', 'toString', '__proto__'])('has no adapter for %j', (id) => {
    expect(isProviderId(id)).toBe(false);
    expect(providerAdapter(id)).toBeUndefined();
  });
});
