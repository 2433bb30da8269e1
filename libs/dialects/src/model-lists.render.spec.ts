import { renderAnthropicModel, renderAnthropicModelList, renderGeminiModel, renderGeminiModelList } from './model-lists.render';

const MODELS = [
  { name: 'claude-sonnet', ownedBy: 'switchyard', created: 1735689600 },
  { name: 'gpt-4o', ownedBy: 'switchyard', created: 1735776000 },
];

describe('model lists in the Anthropic and Gemini shapes', () => {
  it('renders an Anthropic page of ModelInfo', () => {
    expect(JSON.parse(renderAnthropicModelList(MODELS))).toStrictEqual({
      data: [
        { type: 'model', id: 'claude-sonnet', display_name: 'claude-sonnet', created_at: '2025-01-01T00:00:00.000Z', capabilities: null, deprecated_at: null, lifecycle: 'active', line: null, max_input_tokens: null, max_tokens: null, retires_at: null },
        { type: 'model', id: 'gpt-4o', display_name: 'gpt-4o', created_at: '2025-01-02T00:00:00.000Z', capabilities: null, deprecated_at: null, lifecycle: 'active', line: null, max_input_tokens: null, max_tokens: null, retires_at: null },
      ],
      has_more: false,
      first_id: 'claude-sonnet',
      last_id: 'gpt-4o',
    });
    expect(JSON.parse(renderAnthropicModelList([]))).toMatchObject({ data: [], first_id: null, last_id: null });
    expect(JSON.parse(renderAnthropicModel(MODELS[1] as (typeof MODELS)[1]))).toStrictEqual((JSON.parse(renderAnthropicModelList(MODELS)) as { data: unknown[] }).data[1]);
  });

  it('renders Gemini models named models/{name}', () => {
    const list = JSON.parse(renderGeminiModelList(MODELS)) as { models: { name: string }[] };
    expect(list.models.map((m) => m.name)).toStrictEqual(['models/claude-sonnet', 'models/gpt-4o']);
    expect(JSON.parse(renderGeminiModel(MODELS[1] as (typeof MODELS)[1]))).toMatchObject({ name: 'models/gpt-4o', displayName: 'gpt-4o', supportedGenerationMethods: expect.arrayContaining(['generateContent', 'embedContent']) });
  });
});
