import type { Server } from 'node:http';
import { connect } from 'node:net';
import { answerClientError } from './client-error.handler';
import { createEdgeServer } from './edge-server.factory';

/** Writes `data` on a raw socket; resolves with everything the server sent until it closed, or what it had sent after `waitMs`. */
function exchange(port: number, data: string, waitMs = 3000): Promise<{ answer: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answer, closed: false });
    }, waitMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer, closed: true });
    });
    if (data) socket.write(data);
  });
}

const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;

describe(answerClientError.name, () => {
  let server: Server;
  let port: number;

  beforeEach(async () => {
    server = createEdgeServer({ headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 5000, maxConnections: 100 }, (req, res) => {
      // A slow-body route: waits for the whole body before answering.
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    server.on('clientError', answerClientError);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('answers a malformed request 400 in the dialect its request line names, and closes', async () => {
    const { answer, closed } = await exchange(port, 'POST /v1beta/models/gemini-2.0-flash:generateContent HTTP/1.1\r\nhost: x\r\nno colon here\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toContain('connection: close\r\n');
    expect(bodyOf(answer)).toEqual({ error: { code: 400, message: 'The request is not valid HTTP/1.1.', status: 'INVALID_ARGUMENT' } });
    expect(closed).toBe(true);
  });

  it('answers oversized headers 431 in the Anthropic shape on /v1/messages', async () => {
    const { answer } = await exchange(port, `POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-filler: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOf(answer)).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'The request headers are too large.' } });
  });

  it('answers headers that stop arriving 408, in the OpenAI shape when the request line is not known', async () => {
    const { answer, closed } = await exchange(port, 'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(bodyOf(answer)).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('not received in time') } });
    expect(closed).toBe(true);
  });

  it('answers a body that stops arriving 408 in the dialect of the request, with the status in the Gemini body too', async () => {
    const { answer } = await exchange(port, 'POST /v1/models/gemini-2.0-flash:generateContent HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{"contents"');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(answer)).toMatchObject({ error: { code: 408, status: 'INVALID_ARGUMENT' } });
  });

  it('closes a connection that never sent a byte without answering it', async () => {
    const { answer, closed } = await exchange(port, '');
    expect(closed).toBe(true);
    expect(answer).toBe('');
  });

  it('answers admin paths in the admin API shape', async () => {
    const { answer } = await exchange(port, 'GET /admin/v1/tenants HTTP/1.1\r\nhost: x\r\nbad header\r\n\r\n');
    expect(bodyOf(answer)).toEqual({ error: { type: 'invalid_request', message: 'The request is not valid HTTP/1.1.' } });
  });
});
