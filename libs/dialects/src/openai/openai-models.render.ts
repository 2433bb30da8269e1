import type { ModelInfo } from '@switchyard/ir';

/** GET /v1/models list object (platform.openai.com/docs/api-reference/models/list). */
export function renderOpenAiModelList(models: ModelInfo[]): string {
  return JSON.stringify({
    object: 'list',
    data: models.map((m) => ({ id: m.name, object: 'model', created: m.created ?? 0, owned_by: m.ownedBy || 'switchyard' })),
  });
}
