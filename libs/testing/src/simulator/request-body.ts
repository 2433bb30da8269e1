import type { IncomingMessage } from 'node:http';

/** The whole request body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = (): void => resolve(chunks.length === 1 ? chunks[0].toString() : Buffer.concat(chunks).toString());
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', done);
    // A client that hangs up mid-body: answer into the void rather than hang.
    req.once('error', done);
  });
}

/** The whole request body as bytes (a multipart upload). */
export function readBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = (): void => resolve(Buffer.concat(chunks));
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', done);
    req.once('error', done);
  });
}

/** The parsed body, or undefined when it is empty or not JSON (the caller answers 400). */
export function parseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** The model a body asks for; 'unknown' keeps the echo well-formed when it names none. */
export function modelOf(body: unknown): string {
  const model = (body as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' ? model : 'unknown';
}
