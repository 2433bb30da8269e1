import type { ProviderAdapter } from './core/provider-adapter.types';
import { PROVIDER_IDS } from './core/provider-ids';
import { PROVIDERS, isProviderId, providerAdapter } from './registry';

describe(providerAdapter.name, () => {
  it('finds the adapter of every provider id, under its own manifest', () => {
    for (const id of PROVIDER_IDS) expect(providerAdapter(id)?.manifest.id).toBe(id);
  });

  it('serves the three OpenAI-wire providers from the openai adapter family, the others from their own', () => {
    expect(Object.values(PROVIDERS).map((p) => [p.manifest.id, p.manifest.family])).toStrictEqual([
      ['openai', 'openai'],
      ['azure-openai', 'openai'],
      ['openai-compatible', 'openai'],
      ['anthropic', 'anthropic'],
      ['gemini', 'gemini'],
    ]);
  });

  it('offers embeddings where the provider has them and its own token counting only for Anthropic and Gemini', () => {
    const has = (p: ProviderAdapter) => [Boolean(p.buildEmbedRequest), Boolean(p.buildCountTokensRequest)];
    expect(Object.fromEntries(Object.entries(PROVIDERS).map(([id, p]) => [id, has(p)]))).toStrictEqual({
      openai: [true, false],
      'azure-openai': [true, false],
      'openai-compatible': [true, false],
      anthropic: [false, true],
      gemini: [true, true],
    });
  });

  it.each(['azure', 'OpenAI', '', 'toString', '__proto__'])('has no adapter for %j', (id) => {
    expect(isProviderId(id)).toBe(false);
    expect(providerAdapter(id)).toBeUndefined();
  });
});
