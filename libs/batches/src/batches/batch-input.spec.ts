import { checkBatchInput } from './batch-input';

const line = (customId: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt', messages: [{ role: 'user', content: customId }] }, ...extra });

describe(checkBatchInput.name, () => {
  it('accepts good lines, keeping their numbers in the file and skipping blank lines', () => {
    const file = Buffer.from(`${line('a')}\n\n${line('b')}\n`);

    const check = checkBatchInput(file, '/v1/chat/completions');

    expect(check.errors).toEqual([]);
    expect(check.model).toBe('gpt');
    expect(check.lines.map((l) => [l.line, l.customId])).toEqual([
      [1, 'a'],
      [3, 'b'],
    ]);
  });

  it('reports every bad line with its number and OpenAI code', () => {
    const file = Buffer.from(
      [
        line('a'),
        '{not json',
        line('a'),
        line('c', { method: 'GET' }),
        line('d', { url: '/v1/embeddings' }),
        line('e', { body: { model: 'other', messages: [] } }),
        JSON.stringify({ method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt' } }),
        line('g', { body: 'text' }),
        '[1,2]',
      ].join('\n'),
    );

    const check = checkBatchInput(file, '/v1/chat/completions');

    expect(check.errors.map((e) => [e.line, e.code, e.param])).toEqual([
      [2, 'invalid_json_line', null],
      [3, 'duplicate_custom_id', 'custom_id'],
      [4, 'invalid_request', 'method'],
      [5, 'url_mismatch', 'url'],
      [6, 'model_mismatch', 'body.model'],
      [7, 'missing_required_parameter', 'custom_id'],
      [8, 'missing_required_parameter', 'body'],
      [9, 'invalid_json_line', null],
    ]);
    expect(check.errors[0]?.message).toBe('This line is not parseable as valid JSON.');
  });

  it('reports an empty file', () => {
    expect(checkBatchInput(Buffer.from('\n \n'), '/v1/chat/completions').errors).toEqual([{ code: 'empty_file', message: 'The input file holds no requests.', param: null, line: null }]);
  });
});
