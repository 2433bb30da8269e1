import { Server, ServerCredentials, status as Status } from '@grpc/grpc-js';
import { type AdmitRequest, type AdmitResponse, AuthServiceDefinition, type AuthPort, Dialect, ErrorKind, type HeartbeatRequest, IrError, type SettleRequest } from '@switchyard/ir';
import { GrpcAuthClient } from './grpc-auth.client';
import { GrpcCallError } from './grpc-call.error';
import { DEFAULT_MUX_SETTINGS } from './grpc-mux.client';
import { toGrpcServiceDefinition } from './grpc-definition.converter';
import { GrpcServerHost } from './grpc-server.host';
import { serveAuth } from './port-service.registrar';

const REQUEST: AdmitRequest = {
  keyHash: 'sha256:abc',
  model: 'gpt-4o-mini',
  requestId: 'req-1',
  clientIp: '10.0.0.1',
  dialect: Dialect.DIALECT_OPENAI,
  inputTokensEstimate: 120,
  inputTokensBound: 480,
  maxOutputTokens: 256,
  counted: true,
};
// With a PII policy: the cluster's ingress reads the key's guardrails from the Principal.
const ADMITTED: AdmitResponse = {
  admitted: true,
  principal: {
    tenantId: 'acme',
    keyId: 'key-1',
    models: ['gpt-4o-*'],
    tenantModels: ['gpt-*'],
    region: 'eu-west',
    allowedRegions: ['eu-west'],
    captureContent: false,
    corsOrigins: [],
    pii: { action: 'mask', categories: ['email', 'card'], restore: true, custom: [{ name: 'badge', pattern: 'EMP-\\d{6}' }] },
  },
  maxOutputTokens: 0,
};

class FakeAuth implements AuthPort {
  admitImpl: (request: AdmitRequest) => Promise<AdmitResponse> = async () => ADMITTED;

  readonly settled: SettleRequest[] = [];
  readonly beats: HeartbeatRequest[] = [];

  admit(request: AdmitRequest): Promise<AdmitResponse> {
    return this.admitImpl(request);
  }

  async settle(request: SettleRequest): Promise<void> {
    this.settled.push(request);
  }

  async heartbeat(request: HeartbeatRequest): Promise<void> {
    this.beats.push(request);
  }
}

async function rejectionOf(promise: Promise<unknown>): Promise<GrpcCallError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof GrpcCallError)) throw new Error(`expected a GrpcCallError, got ${String(error)}`);
  return error;
}

// Every case both ways: plain calls, and Admit/Settle as frames on mux streams (SWITCHYARD_GRPC_MUX),
// which must answer, fail, time out and report exactly as the plain calls do.
describe.each([
  ['plain calls', false],
  ['mux streams', { ...DEFAULT_MUX_SETTINGS, streams: 1 }],
] as const)('GrpcAuthClient over %s', (_, mux) => {
  let auth: FakeAuth;
  let host: GrpcServerHost;
  let address: string;
  let sut: GrpcAuthClient;

  beforeEach(async () => {
    auth = new FakeAuth();
    host = serveAuth(new GrpcServerHost(), auth);
    address = `127.0.0.1:${await host.start('127.0.0.1', 0)}`;
    sut = new GrpcAuthClient(address, { mux });
  });

  afterEach(async () => {
    sut.close();
    await host.stop(100);
  });

  it('round-trips admit', async () => {
    let received: AdmitRequest | undefined;
    auth.admitImpl = async (request) => {
      received = request;
      return ADMITTED;
    };

    await expect(sut.admit(REQUEST)).resolves.toEqual({ ...ADMITTED, error: undefined, rate: undefined, ticket: undefined, maxOutputTokens: 0 });
    expect(received).toEqual(REQUEST);
  });

  it("carries a batch line's flag on admit and settle, so auth prices its budget at the batch rates", async () => {
    const received: AdmitRequest[] = [];
    auth.admitImpl = async (request) => {
      received.push(request);
      return ADMITTED;
    };
    const ticket = { requestId: 'batch_1:1', scopes: ['key:k1'], reservedTokens: 10, reservedUsd: 0.001, atMs: 1_760_000_000_000, leaseMs: 30_000 };

    await sut.admit({ ...REQUEST, batch: true });
    await sut.admit(REQUEST);
    await sut.settle({ ticket, model: 'gpt-4o-mini', cacheHit: false, startedAtMs: 1_760_000_000_000, batch: true });

    expect(received.map((r) => r.batch)).toEqual([true, undefined]);
    expect(auth.settled.map((s) => s.batch)).toEqual([true]);
  });

  it('round-trips settle and heartbeat with the ticket intact', async () => {
    const ticket = { requestId: 'req-1', scopes: ['key:k1', 'tenant:acme'], reservedTokens: 4196, reservedUsd: 0.0123, atMs: 1_760_000_000_000, leaseMs: 30_000 };
    const settle: SettleRequest = { ticket, model: 'gpt-4o-mini', usage: { inputTokens: 12, outputTokens: 30, cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 0 }, cacheHit: false, startedAtMs: 1_760_000_000_000 };

    await sut.settle(settle);
    await sut.heartbeat({ ticket });

    expect(auth.settled).toEqual([settle]);
    expect(auth.beats).toEqual([{ ticket }]);
  });

  it('rejects with an error naming the service and INTERNAL when the implementation throws', async () => {
    auth.admitImpl = async () => {
      throw new Error('redis is gone');
    };

    const error = await rejectionOf(sut.admit(REQUEST));

    // The remote's own text ("redis is gone") stays in the auth process's log; the caller gets a fixed text.
    expect(error.message).toBe('internal error');
    expect(error.detail).toBe('gRPC switchyard.auth.v1.AuthService/Admit failed with INTERNAL: internal error');
    expect(error).toMatchObject({ code: Status.INTERNAL, kind: ErrorKind.ERROR_KIND_INTERNAL, retryable: false });
  });

  it('rejects, without crashing the server, when the implementation throws synchronously', async () => {
    auth.admitImpl = () => {
      throw new Error('not even a promise');
    };

    await expect(rejectionOf(sut.admit(REQUEST))).resolves.toMatchObject({ code: Status.INTERNAL });
    auth.admitImpl = async () => ADMITTED;
    await expect(sut.admit(REQUEST)).resolves.toMatchObject({ admitted: true });
  });

  it('passes an IrError through with its kind, message and param, as the in-process call would', async () => {
    auth.admitImpl = async () => {
      throw new IrError(ErrorKind.ERROR_KIND_PERMISSION, 'model gpt-5 is not allowed for this key', 'model');
    };

    const error = await rejectionOf(sut.admit(REQUEST));

    expect(error).toBeInstanceOf(IrError);
    expect(error).toMatchObject({ kind: ErrorKind.ERROR_KIND_PERMISSION, message: 'model gpt-5 is not allowed for this key', param: 'model', code: Status.PERMISSION_DENIED });
  });

  it('rejects with UNAVAILABLE when auth is down', async () => {
    await host.stop(0);

    const error = await rejectionOf(sut.admit(REQUEST));

    expect(error).toMatchObject({ code: Status.UNAVAILABLE, kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, retryable: true });
    expect(error.message).toBe('A gateway service is unavailable; retry shortly.');
    expect(error.detail).toContain('switchyard.auth.v1.AuthService/Admit failed with UNAVAILABLE');
  });

  it('gives up on a stuck call after the unary deadline', async () => {
    auth.admitImpl = () => new Promise<never>(() => undefined);
    const impatient = new GrpcAuthClient(address, { unaryDeadlineMs: 50, mux });

    const error = await rejectionOf(impatient.admit(REQUEST));
    impatient.close();

    expect(error).toMatchObject({ code: Status.DEADLINE_EXCEEDED, kind: ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT, retryable: true });
  });

  it('reports ready while connected and not after close', async () => {
    await sut.waitForReady(2_000);
    expect(sut.ready()).toBe(true);

    sut.close();

    expect(sut.ready()).toBe(false);
  });
});

describe.each([
  ['plain calls', false],
  // A server without AdmitMux (an older version, mid-upgrade): the call goes plain, metadata included.
  ['mux streams, to a server without them', true],
] as const)('call metadata over %s', (_, mux) => {
  it('reaches the server', async () => {
    const server = new Server();
    let requestId: unknown;
    server.addService(toGrpcServiceDefinition(AuthServiceDefinition), {
      admit: (call: { metadata: { get(key: string): unknown[] } }, callback: (error: null, response: AdmitResponse) => void) => {
        requestId = call.metadata.get('x-request-id')[0];
        callback(null, ADMITTED);
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    const sut = new GrpcAuthClient(`127.0.0.1:${port}`, { mux });

    await sut.admit(REQUEST, { 'x-request-id': 'req-42' });
    sut.close();
    server.forceShutdown();

    expect(requestId).toBe('req-42');
  });
});
