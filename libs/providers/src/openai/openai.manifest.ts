import type { ProviderManifest } from '../core/provider-adapter.types';

export const openAiManifest: ProviderManifest = {
  id: 'openai',
  family: 'openai',
  capabilities: { streaming: true, tools: true, vision: true, jsonSchema: true, reasoning: true },
};

export const openAiCompatibleManifest: ProviderManifest = {
  id: 'openai-compatible',
  family: 'openai',
  capabilities: { streaming: true, tools: true, vision: true, jsonSchema: true, reasoning: true },
};

export const azureOpenAiManifest: ProviderManifest = {
  id: 'azure-openai',
  family: 'openai',
  capabilities: { streaming: true, tools: true, vision: true, jsonSchema: true, reasoning: true },
};
