import type { ModelInfo } from '@switchyard/ir';

// GET /v1/models as the Anthropic SDK reads it (models.list: a page of ModelInfo) and
// GET /v1beta/models as the Gemini SDK reads it (ListModelsResponse of Model). We know our
// public names and creation times; what we do not know is null, as the types allow.

function anthropicModel(m: ModelInfo): Record<string, unknown> & { id: string | undefined } {
  return {
    type: 'model',
    id: m.name,
    display_name: m.name,
    created_at: new Date(Number(m.created) * 1000).toISOString(),
    capabilities: null,
    deprecated_at: null,
    lifecycle: 'active',
    line: null,
    max_input_tokens: null,
    max_tokens: null,
    retires_at: null,
  };
}

export function renderAnthropicModelList(models: ModelInfo[]): string {
  const data = models.map(anthropicModel);
  return JSON.stringify({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null });
}

export function renderAnthropicModel(model: ModelInfo): string {
  return JSON.stringify(anthropicModel(model));
}

function geminiModel(m: ModelInfo): Record<string, unknown> {
  return {
    name: `models/${m.name}`,
    baseModelId: m.name,
    version: '001',
    displayName: m.name,
    supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens', 'embedContent', 'batchEmbedContents'],
  };
}

export function renderGeminiModelList(models: ModelInfo[]): string {
  return JSON.stringify({ models: models.map(geminiModel) });
}

export function renderGeminiModel(model: ModelInfo): string {
  return JSON.stringify(geminiModel(model));
}
