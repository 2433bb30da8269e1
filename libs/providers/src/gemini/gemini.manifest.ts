import type { ProviderManifest } from '../core/provider-adapter.types';

export const geminiManifest: ProviderManifest = {
  id: 'gemini',
  family: 'gemini',
  capabilities: { streaming: true, tools: true, vision: true, jsonSchema: true, reasoning: true },
  // No requestIdHeader: the Gemini API documents no request-id response header (its
  // troubleshooting guide names none); `responseId` in the body identifies successful answers only.
};
