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

/** The answer's bytes as they came (images and audio), or UpstreamTooLargeError past `limit` as for JSON. */
export async function readBytesBody(res: Dispatcher.ResponseData, limit: number): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (declared > limit) throw new UpstreamTooLargeError(`the upstream declared a ${declared}-byte answer, over the ${limit}-byte limit`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new UpstreamTooLargeError(`the upstream answer passed the ${limit}-byte limit`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
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
