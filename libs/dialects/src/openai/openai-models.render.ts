import type { ModelInfo } from '@switchyard/ir';

function openAiModel(m: ModelInfo): Record<string, unknown> {
  return { id: m.name, object: 'model', created: m.created, owned_by: m.ownedBy || 'switchyard' };
}

/** GET /v1/models list object (platform.openai.com/docs/api-reference/models/list). */
export function renderOpenAiModelList(models: ModelInfo[]): string {
  return JSON.stringify({ object: 'list', data: models.map(openAiModel) });
}

/** GET /v1/models/{model} (platform.openai.com/docs/api-reference/models/retrieve). */
export function renderOpenAiModel(model: ModelInfo): string {
  return JSON.stringify(openAiModel(model));
}
