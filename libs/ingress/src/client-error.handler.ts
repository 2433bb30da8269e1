import { ErrorKind } from '@switchyard/ir';
import type { ErrorEvent } from '@switchyard/ir';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { renderEdgeError } from './edge-error.render';

/** What Node hands the server's `clientError` listener: parser errors carry the bytes they failed on (a Buffer). */
export interface ClientError extends Error {
  code?: string;
  rawPacket?: unknown;
}

// After our answer the client gets this long to read it before the socket is destroyed: closing
// at once, with the client's unread bytes in our receive buffer, sends a reset that can make it
// lose the answer.
const LINGER_MS = 1_000;
const answered = new WeakSet<Socket>();
// `POST /v1/messages?x HTTP/1.1`: the request target, when the request line arrived.
const REQUEST_LINE = /^[A-Z]{3,10} (\S{1,2048}) HTTP\//;

/**
 * The server's `clientError` listener (issue 10): Node's own answers to a request it could not
 * parse (400), whose headers were too large (431) or which did not arrive in time (408) go out
 * in the client's dialect, as every other error does, with `connection: close`. The dialect is
 * the request target's when Node read it, else OpenAI's (the most common client).
 */
export function answerClientError(err: ClientError, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (answered.has(socket)) return;
  // A connection that never sent a byte timed out: there is no request to answer, and a balancer
  // that opened it ahead of use must not find a stray response in it.
  if (socket.bytesRead === 0) {
    socket.destroy();
    return;
  }
  answered.add(socket);
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
  // Our own answer is already on its way (a 401 or 413 while the refused body is discarded, or a
  // stream): writing another would corrupt it. Node's default listener checks the same.
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, error } = edgeErrorOf(err);
  const rendered = renderEdgeError(targetOf(inFlight, err) ?? '', error, status);
  let head = `HTTP/1.1 ${rendered.status} ${STATUS_CODES[rendered.status] ?? ''}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(rendered.body)}\r\nconnection: close\r\n`;
  for (const [name, value] of Object.entries(rendered.headers ?? {})) head += `${name}: ${value}\r\n`;
  socket.end(`${head}\r\n${rendered.body}`);
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

function edgeErrorOf(err: ClientError): { status: number; error: ErrorEvent } {
  const invalid = (message: string): ErrorEvent => ({ kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, message, retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] });
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, error: invalid('The request was not received in time: send the headers and the body without pausing.') };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, error: invalid('The request headers are too large.') };
    default:
      return { status: 400, error: invalid('The request is not valid HTTP/1.1.') };
  }
}

function targetOf(inFlight: ServerResponse | undefined, err: ClientError): string | undefined {
  const url = (inFlight as (ServerResponse & { req?: { url?: string } }) | undefined)?.req?.url;
  if (url) return url;
  if (!Buffer.isBuffer(err.rawPacket)) return undefined;
  return REQUEST_LINE.exec(err.rawPacket.subarray(0, 2100).toString('latin1'))?.[1];
}
