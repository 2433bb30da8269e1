import { IrError } from '@switchyard/ir';
import { parseMultipart } from './multipart-form';

/** The bytes and content type a real client (undici's FormData encoder, as fetch and the SDKs use) sends. */
async function encoded(form: FormData): Promise<{ type: string; body: Buffer }> {
  const res = new Response(form);
  return { type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
}

describe(parseMultipart.name, () => {
  it('reads the fields and the file of a real multipart body, bytes intact', async () => {
    const form = new FormData();
    form.append('purpose', 'batch');
    const content = '{"custom_id":"a"}\r\n{"custom_id":"é"}\n';
    form.append('file', new Blob([content]), 'input.jsonl');
    const { type, body } = await encoded(form);

    const parts = parseMultipart(type, body);

    expect(parts.map((p) => [p.name, p.filename])).toEqual([
      ['purpose', undefined],
      ['file', 'input.jsonl'],
    ]);
    expect(parts[0]?.data.toString()).toBe('batch');
    expect(parts[1]?.data.toString('utf8')).toBe(content);
  });

  it('refuses a body that is not multipart, or is cut short, with a 400', async () => {
    const form = new FormData();
    form.append('file', new Blob(['x']), 'a.jsonl');
    const { type, body } = await encoded(form);

    expect(() => parseMultipart('application/json', body)).toThrow(IrError);
    expect(() => parseMultipart(type, body.subarray(0, body.length - 20))).toThrow(/closing boundary is missing/);
  });
});
