import type { ProviderManifest } from '../core/provider-adapter.types';

// OpenAI documents `x-request-id` on every response ("Debugging requests", the API reference
// overview); Azure OpenAI and most OpenAI-compatible servers send the same header.
const REQUEST_ID_HEADER = 'x-request-id';

export const openAiManifest: ProviderManifest = {
  id: 'openai',
  family: 'openai',
  capabilities: { streaming: true, tools: true, vision: true, jsonSchema: true, reasoning: true },
  requestIdHeader: REQUEST_ID_HEADER,
};

export const openAiCompatibleManifest: ProviderManifest = {
  id: 'openai-compatible',
  family: 'openai',
  capabilities: { streaming: true, tools: true, vision: true, jsonSchema: true, reasoning: true },
  requestIdHeader: REQUEST_ID_HEADER,
};

export const azureOpenAiManifest: ProviderManifest = {
  id: 'azure-openai',
  family: 'openai',
  capabilities: { streaming: true, tools: true, vision: true, jsonSchema: true, reasoning: true },
  requestIdHeader: REQUEST_ID_HEADER,
};
