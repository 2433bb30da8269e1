import { ErrorKind, IrError } from '@switchyard/ir';
import { OpenAiResponsesDialect, identifiedInputItems, renderInputItemsPage, responseIdOf } from './responses.dialect';

const ID = responseIdOf('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0');

describe('stored input items', () => {
  const items = identifiedInputItems(ID, [
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'one' }] },
    { role: 'assistant', content: 'two' },
    { type: 'function_call_output', call_id: 'c1', output: 'three', id: 'fco_client' },
  ]);

  it('gives every item an id (the client\'s when it sent one), its type and list-shaped content', () => {
    expect(ID).toBe('resp_0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    expect(items).toEqual([
      { id: 'msg_0f1e2d3c4b5a69788796a5b4c3d2e1f0in0', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'one' }] },
      { id: 'msg_0f1e2d3c4b5a69788796a5b4c3d2e1f0in1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'two' }] },
      { id: 'fco_client', type: 'function_call_output', call_id: 'c1', output: 'three' },
    ]);
  });

  it('pages newest first by default, after a cursor, with has_more', () => {
    const first = JSON.parse(renderInputItemsPage(items, { limit: 2 })) as { data: { id: string }[]; first_id: string; last_id: string; has_more: boolean; object: string };
    expect(first).toMatchObject({ object: 'list', first_id: 'fco_client', last_id: items[1]?.['id'], has_more: true });
    expect(first.data.map((i) => i.id)).toEqual(['fco_client', items[1]?.['id']]);
    const second = JSON.parse(renderInputItemsPage(items, { limit: 2, after: first.last_id })) as typeof first;
    expect(second).toMatchObject({ data: [items[0]], has_more: false });
    expect(JSON.parse(renderInputItemsPage(items, { order: 'asc' }))).toMatchObject({ data: items, has_more: false });
    expect(JSON.parse(renderInputItemsPage(items, { after: 'msg_unknown' }))).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false });
  });
});

describe('errors in the Responses API\'s own field names', () => {
  const render = (e: IrError) => JSON.parse(new OpenAiResponsesDialect().renderError(e.toEvent()).body) as { error: { message: string; param: string | null } };

  it('names max_output_tokens and text.format where a provider refused the IR\'s max_tokens or response_format', () => {
    expect(render(IrError.invalid('max_tokens: at least 16 for this upstream (OpenAI Responses API)', 'max_tokens')).error).toMatchObject({ param: 'max_output_tokens', message: 'max_output_tokens: at least 16 for this upstream (OpenAI Responses API)' });
    expect(render(IrError.invalid('response_format: Anthropic has no schema-less JSON mode; use a json_schema response format', 'response_format')).error).toMatchObject({ param: 'text.format', message: 'text.format: Anthropic has no schema-less JSON mode; use a json_schema response format' });
  });

  it('leaves the Responses API\'s own names and other fields as they are', () => {
    expect(render(IrError.invalid('temperature: expected a number', 'temperature')).error).toMatchObject({ param: 'temperature', message: 'temperature: expected a number' });
    expect(render(new IrError(ErrorKind.ERROR_KIND_INVALID_REQUEST, 'too long', 'max_tokens')).error).toMatchObject({ param: 'max_output_tokens', message: 'too long' });
  });
});
