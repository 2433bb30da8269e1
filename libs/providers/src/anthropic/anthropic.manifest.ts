import type { ProviderManifest } from '../core/provider-adapter.types';

export const anthropicManifest: ProviderManifest = {
  id: 'anthropic',
  family: 'anthropic',
  capabilities: { streaming: true, tools: true, vision: true, jsonSchema: true, reasoning: true },
  // "Every API response includes a unique request-id header" (docs.anthropic.com/en/api/errors).
  requestIdHeader: 'request-id',
};
