import type { ServerResponse } from 'node:http';

/** Writes honouring backpressure: resolves when the socket took the chunk or the client is gone. */
export function writeChunk(res: ServerResponse, chunk: string): Promise<void> | undefined {
  if (!chunk || res.destroyed) return undefined;
  if (res.write(chunk)) return undefined;
  return drained(res);
}

/** Resolves when the socket took the backlog or the client is gone; leaves no listener behind. */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export function sendBody(res: ServerResponse, status: number, body: string, headers?: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(body));
  if (headers) for (const k in headers) res.setHeader(k, headers[k] as string);
  res.end(body);
}

/** A 200 with a body that is not ours to render (an upstream's image JSON, audio bytes), as it came. */
export function sendBytes(res: ServerResponse, contentType: string, body: Uint8Array, headers?: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = 200;
  if (headers) for (const k in headers) res.setHeader(k, headers[k] as string);
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', body.byteLength);
  res.end(body);
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  // Tells nginx-style proxies in front of us not to buffer the stream.
  'x-accel-buffering': 'no',
};
