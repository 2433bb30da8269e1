import { renderOpenAiModel, renderOpenAiModelList } from './openai-models.render';

describe(renderOpenAiModelList.name, () => {
  it('renders the catalogue as an OpenAI model list, owned by switchyard unless told otherwise', () => {
    const body = renderOpenAiModelList([{ name: 'gpt-4o', ownedBy: '', created: 1715367049 }, { name: 'claude-sonnet-4', ownedBy: 'anthropic', created: 0 }]);

    expect(body).toBe(
      '{"object":"list","data":[{"id":"gpt-4o","object":"model","created":1715367049,"owned_by":"switchyard"},{"id":"claude-sonnet-4","object":"model","created":0,"owned_by":"anthropic"}]}',
    );
  });

  it('renders an empty catalogue as an empty list', () => {
    expect(renderOpenAiModelList([])).toBe('{"object":"list","data":[]}');
  });
});

describe(renderOpenAiModel.name, () => {
  it('renders one model as models.retrieve answers it', () => {
    expect(renderOpenAiModel({ name: 'gpt-4o', ownedBy: '', created: 1715367049 })).toBe('{"id":"gpt-4o","object":"model","created":1715367049,"owned_by":"switchyard"}');
  });
});
