import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { UpstreamTooLargeError } from './upstream-errors';

// Reading an upstream answer with a byte limit: the bytes are counted as they arrive (no copy
// beyond the one JSON parsing needs anyway), and the read stops past the limit. The caller
// destroys the body, which closes the connection instead of draining the rest.

// Error bodies are read for the operator's log and classification only; a hostile upstream
// cannot make us buffer more.
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** The JSON answer, or UpstreamTooLargeError once it passes `limit` bytes (declared or counted). */
export async function readJsonBody(res: Dispatcher.ResponseData, limit: number): Promise<unknown> {
  return JSON.parse((await readBytesBody(res, limit)).toString('utf8'));
}

/**
 * The answer's bytes as they came (images and audio), or UpstreamTooLargeError past `limit` as for JSON.
 * Read with 'data' events rather than `for await`: the async iterator costs a promise and a
 * microtask hop per chunk and an end-of-stream watcher per body, which showed in the adapter's
 * profile (about 4 % of its busy time in this function). A body that fails rejects with its
 * error, one that closes before its end with ERR_STREAM_PREMATURE_CLOSE, as `for await` did.
 */
export function readBytesBody(res: Dispatcher.ResponseData, limit: number): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (declared > limit) return Promise.reject(new UpstreamTooLargeError(`the upstream declared a ${declared}-byte answer, over the ${limit}-byte limit`));
  const body = res.body as unknown as Readable;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onClose);
      // The error listener stays: a late error on a body we stopped reading must not be unhandled.
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // Read no further; the caller destroys the body (closing the connection, not draining it).
      body.pause();
      settle(new UpstreamTooLargeError(`the upstream answer passed the ${limit}-byte limit`));
    };
    const onEnd = (): void => settle();
    const onClose = (): void => settle(prematureClose());
    body.on('error', settle);
    body.on('end', onEnd);
    body.on('close', onClose);
    body.on('data', onData);
  });
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/** The start of an error answer, as text; a body that breaks off still gives what came. */
export async function readErrorBody(res: Dispatcher.ResponseData): Promise<string> {
  let body = '';
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      body += chunk.toString('utf8');
      if (body.length > MAX_ERROR_BODY_BYTES) break;
    }
  } catch {
    // The status is enough to classify the failure.
  }
  res.body.destroy();
  return body;
}
