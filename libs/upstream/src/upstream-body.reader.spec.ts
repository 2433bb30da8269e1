import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { readErrorBody, readJsonBody } from './upstream-body.reader';
import { UpstreamTooLargeError } from './upstream-errors';

function answer(chunks: string[], headers: Record<string, string> = {}): { res: Dispatcher.ResponseData; pulled: () => number } {
  let pulled = 0;
  const body = Readable.from(
    (function* () {
      for (const c of chunks) {
        pulled++;
        yield Buffer.from(c);
      }
    })(),
  );
  return { res: { statusCode: 200, headers, body } as unknown as Dispatcher.ResponseData, pulled: () => pulled };
}

describe(readJsonBody.name, () => {
  it('parses an answer under the limit, however it is chunked', async () => {
    await expect(readJsonBody(answer(['{"a":', '"é"', '}']).res, 100)).resolves.toStrictEqual({ a: 'é' });
  });

  it('refuses a declared length over the limit without reading the body', async () => {
    const { res, pulled } = answer(['{}'], { 'content-length': '1000' });

    await expect(readJsonBody(res, 100)).rejects.toThrow(UpstreamTooLargeError);
    expect(pulled()).toBe(0);
  });

  it('stops reading an undeclared (chunked) answer as soon as it passes the limit', async () => {
    const { res, pulled } = answer(Array.from({ length: 1000 }, () => 'x'.repeat(50)));

    await expect(readJsonBody(res, 1000)).rejects.toThrow(UpstreamTooLargeError);
    expect(pulled()).toBeLessThan(25);
  });

  it('rejects with the error of a body that fails part way, and a late error is not left unhandled', async () => {
    const failure = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const body = new Readable({ read() {} });
    const res = { statusCode: 200, headers: {}, body } as unknown as Dispatcher.ResponseData;
    const read = readJsonBody(res, 100);
    body.push('{"a":');
    body.destroy(failure);
    await expect(read).rejects.toBe(failure);
    body.emit('error', new Error('after the end'));
  });

  it('rejects a body that closes before its end as a premature close', async () => {
    const body = new Readable({ read() {} });
    const res = { statusCode: 200, headers: {}, body } as unknown as Dispatcher.ResponseData;
    const read = readJsonBody(res, 100);
    body.push('{"a":');
    body.destroy();
    await expect(read).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('throws a SyntaxError for a body that is not JSON', async () => {
    await expect(readJsonBody(answer(['<html>']).res, 100)).rejects.toThrow(SyntaxError);
  });
});

describe(readErrorBody.name, () => {
  it('reads at most 64 KiB of an error answer', async () => {
    const { res, pulled } = answer(Array.from({ length: 100 }, () => 'x'.repeat(16 * 1024)));

    const body = await readErrorBody(res);

    expect(body.length).toBeLessThanOrEqual(80 * 1024);
    expect(pulled()).toBeLessThan(10);
  });
});
