import { ErrorKind } from '@switchyard/ir';
import type { AdmitRequest, AdmitResponse, AuthPort, RouterPort, UsageSink } from '@switchyard/ir';
import { hashKey } from '@switchyard/shared';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { ChatPipeline } from './chat-pipeline.service';
import { RequestLimits } from './request-limits';
import { HotRoutes } from './hot-routes';

const GOOD_KEY = 'sk-good-key';

class Auth implements AuthPort {
  asked: AdmitRequest[] = [];
  async admit(r: AdmitRequest): Promise<AdmitResponse> {
    this.asked.push(r);
    if (r.keyHash === hashKey(GOOD_KEY)) return { admitted: true, principal: { tenantId: 'acme', keyId: 'k1', models: [], region: '', allowedRegions: [], tenantModels: [], captureContent: false, corsOrigins: [] }, maxOutputTokens: 0 };
    return { admitted: false, error: { kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message: 'Incorrect API key provided.', retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] }, maxOutputTokens: 0 };
  }
  async settle(): Promise<void> {}
  async heartbeat(): Promise<void> {}
}

const unusedRouter = {} as RouterPort;
const usage: UsageSink = { publish: () => undefined };

/** Sends `head` on a raw socket and resolves with what the server answered before `waitMs` of silence. */
function rawExchange(port: number, head: string, waitMs = 300): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (d: Buffer) => {
      answer += d.toString();
      clearTimeout(timer);
      timer = setTimeout(() => {
        socket.destroy();
        resolve(answer);
      }, waitMs);
    });
    socket.on('error', reject);
    socket.write(head);
  });
}

describe(HotRoutes.name, () => {
  let auth: Auth;
  let server: Server;
  let port: number;

  beforeEach(async () => {
    auth = new Auth();
    const hot = new HotRoutes(1024 * 1024);
    hot.attach(new ChatPipeline(auth, unusedRouter, usage, { region: 'test', limits: new RequestLimits({ maxEmbedInputs: 2048, maxRequestTokens: 20_000_000 }) }));
    server = createServer((req, res) => hot.handle(req, res) || res.writeHead(404).end());
    server.on('checkContinue', (req, res) => hot.handle(req, res, true) || res.writeHead(404).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('answers a keyless request 401 in its dialect as soon as its headers arrive, though its body never comes', async () => {
    const answer = await rawExchange(port, 'POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('"type":"error"');
    expect(answer).toContain('authentication_error');
    expect(auth.asked).toHaveLength(0);
  });

  it('answers an unknown key with bad JSON 401, not 400, without reading the body', async () => {
    const answer = await rawExchange(port, 'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer sk-nope\r\ncontent-length: 100000\r\n\r\n{"model": ');
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('Incorrect API key provided.');
    expect(auth.asked).toMatchObject([{ model: '', counted: false }]);
  });

  it('reads the body of a good key and answers its bad JSON with 400', async () => {
    const body = '{"model": ';
    const answer = await rawExchange(port, `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${GOOD_KEY}\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('could not parse the JSON body');
  });

  it('never invites the body of a refused client that expects 100-continue', async () => {
    const answer = await rawExchange(port, 'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer sk-nope\r\nexpect: 100-continue\r\ncontent-length: 100000\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).not.toContain('100 Continue');
  });

  it('invites the body of a good key that expects 100-continue, then reads it', async () => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let sent = false;
    const body = '{"model": ';
    socket.on('data', (d: Buffer) => {
      answer += d.toString();
      if (!sent && answer.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        sent = true;
        socket.write(body);
      }
    });
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${GOOD_KEY}\r\nexpect: 100-continue\r\ncontent-length: ${body.length}\r\n\r\n`);
    await new Promise((r) => setTimeout(r, 500));
    socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 400 /);
  });

  it('keeps the connection usable after a 401: the refused body is discarded, the next request is served', async () => {
    const refusedBody = 'x'.repeat(5000);
    const next = 'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}';
    const answer = await rawExchange(port, `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: ${refusedBody.length}\r\n\r\n${refusedBody}${next}`);
    expect(answer.match(/HTTP\/1\.1 401 /g)).toHaveLength(2);
  });
});
