import type { ProviderManifest } from '../core/provider-adapter.types';

export const geminiManifest: ProviderManifest = {
  id: 'gemini',
  family: 'gemini',
  capabilities: { streaming: true, tools: true, vision: true, jsonSchema: true, reasoning: true },
};
