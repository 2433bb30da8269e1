import type { ProviderManifest } from '../core/provider-adapter.types';

export const anthropicManifest: ProviderManifest = {
  id: 'anthropic',
  family: 'anthropic',
  capabilities: { streaming: true, tools: true, vision: true, jsonSchema: true, reasoning: true },
};
