import type { ProviderAdapter } from './core/provider-adapter.types';
import { type AdapterFamily, PROVIDER_IDS, type ProviderId } from './core/provider-ids';
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

/**
 * Which adapter worker serves a provider type, read from each manifest: the openai worker also
 * speaks Azure and the OpenAI-compatible family.
 */
export const ADAPTER_FAMILY_OF: Readonly<Record<ProviderId, AdapterFamily>> = Object.freeze(
  Object.fromEntries(PROVIDER_IDS.map((id) => [id, PROVIDERS[id].manifest.family])) as Record<ProviderId, AdapterFamily>,
);

export function isProviderId(id: string): id is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(id);
}

export function providerAdapter(id: string): ProviderAdapter | undefined {
  return isProviderId(id) ? PROVIDERS[id] : undefined;
}
