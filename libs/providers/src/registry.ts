import type { ProviderAdapter, ProviderId } from './core/provider-adapter.types';
import { PROVIDER_IDS } from './core/provider-adapter.types';
import { AnthropicAdapter } from './anthropic/anthropic.adapter';
import { GeminiAdapter } from './gemini/gemini.adapter';
import { OpenAiAdapter } from './openai/openai.adapter';
import { azureOpenAiManifest, openAiCompatibleManifest, openAiManifest } from './openai/openai.manifest';

// Adding a provider: one folder plus one line here; a missing entry does not compile.
export const PROVIDERS = {
  openai: new OpenAiAdapter(openAiManifest, 'openai'),
  'azure-openai': new OpenAiAdapter(azureOpenAiManifest, 'azure'),
  'openai-compatible': new OpenAiAdapter(openAiCompatibleManifest, 'compatible'),
  anthropic: new AnthropicAdapter(),
  gemini: new GeminiAdapter(),
} satisfies Record<ProviderId, ProviderAdapter>;

export function isProviderId(id: string): id is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(id);
}

export function providerAdapter(id: string): ProviderAdapter | undefined {
  return isProviderId(id) ? PROVIDERS[id] : undefined;
}
