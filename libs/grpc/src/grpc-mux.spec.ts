import { Client, credentials, Metadata, Server, ServerCredentials, type ServerDuplexStream, type ServiceError, status as Status } from '@grpc/grpc-js';
import { type AdmitFrame, type AdmitMuxReply, type AdmitRequest, type AdmitResponse, AuthServiceDefinition, type ChatRequest, Dialect, ErrorKind, IrError, type ListModelsResponse, MuxReply, RouteFrame, type ResponseEvent, type RouteRequest, type RouterPort, RouterServiceDefinition } from '@switchyard/ir';
import { eventBatches } from './event-batches';
import { GrpcCallError } from './grpc-call.error';
import { toGrpcServiceDefinition } from './grpc-definition.converter';
import { GrpcAdapterClient } from './grpc-adapter.client';
import { toStatus } from './grpc-error.mapper';
import { DEFAULT_MUX_SETTINGS, MuxCall, MuxPool, type MuxSettings } from './grpc-mux.client';
import { GrpcRouterClient } from './grpc-router.client';
import { serverStreamCallHandler } from './grpc-server.handlers';
import { GrpcServerHost } from './grpc-server.host';
import { serveAdapter, serveRouter } from './port-service.registrar';
import { TcpRelay } from './tcp-relay.harness';

// Route and Generate multiplexed on long-lived streams (SWITCHYARD_GRPC_MUX), between real
// grpc-js clients and servers in this process. The request's model picks what the fake router
// does, so one replica serves every case.

const ONE_STREAM: MuxSettings = { ...DEFAULT_MUX_SETTINGS, streams: 1 };

const textOf = (text: string): ResponseEvent => ({ event: { $case: 'textDelta', value: { text, choice: 0, logprobsJson: '', signature: '' } } });
const chat = (model: string): ChatRequest => ({ model, messages: [], stream: true, system: [], tools: [], includeUsage: false, droppedParams: [] });

/** A call a replica received: which, for which model, and its signal. */
interface Received {
  readonly replica: string;
  readonly model: string;
  readonly signal: AbortSignal;
}

/**
 * What the fake does by model: `echo:<a,b,c>` answers those texts (each a batch of its own),
 * `gate:<name>` answers "1", then "2" once `open(name)`, `hang` answers "first" then waits for
 * its caller to go away, `flood` answers 1000 events of 1 KiB, `limited` fails with an IrError.
 */
class FakeRouter implements RouterPort {
  private readonly gates = new Map<string, () => void>();
  private readonly waiting: ((call: Received) => void)[] = [];
  readonly calls: Received[] = [];

  constructor(private readonly name: string) {}

  open(gate: string): void {
    this.gates.get(gate)?.();
  }

  /** The next call any FakeRouter sharing `waiters` receives. */
  nextCall(): Promise<Received> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async *route(request: ChatRequest, signal: AbortSignal): AsyncGenerator<ResponseEvent> {
    const call = { replica: this.name, model: request.model, signal };
    this.calls.push(call);
    for (const resolve of this.waiting.splice(0)) resolve(call);
    const [kind, arg = ''] = request.model.split(':');
    switch (kind) {
      case 'echo':
        for (const text of arg.split(',')) {
          yield textOf(text);
          await new Promise((resolve) => setImmediate(resolve));
        }
        return;
      case 'gate':
        yield textOf('1');
        await new Promise<void>((resolve) => this.gates.set(arg, resolve));
        yield textOf('2');
        return;
      case 'hang':
        yield textOf('first');
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return;
      case 'flood':
        for (let i = 0; i < 1000 && !signal.aborted; i++) yield textOf('x'.repeat(1024));
        return;
      case 'limited':
        throw new IrError(ErrorKind.ERROR_KIND_RATE_LIMITED, 'slow down', 'model', 1500);
      default:
        throw new Error(`unknown model ${request.model}`);
    }
  }

  generate(request: { request?: ChatRequest }, signal: AbortSignal): AsyncGenerator<ResponseEvent> {
    return this.route(request.request ?? chat(''), signal);
  }

  listModels(): Promise<ListModelsResponse> {
    return Promise.resolve({ models: [] });
  }

  embed(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }

  countTokens(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }

  healthState(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }
}

class Replica {
  readonly host = new GrpcServerHost();
  readonly fake: FakeRouter;
  /** The relay's port, which clients dial. */
  port = 0;
  private relay: TcpRelay | undefined;

  constructor(name: string) {
    this.fake = new FakeRouter(name);
    serveAdapter(serveRouter(this.host, this.fake), { generate: (r, s) => this.fake.generate(r, s), embed: () => this.fake.embed(), countTokens: () => this.fake.countTokens() });
  }

  /** Serves behind a relay that can die like a killed process; resolves with the relay's port. */
  async start(): Promise<number> {
    this.relay = new TcpRelay(await this.host.start('127.0.0.1', 0));
    this.port = await this.relay.start();
    return this.port;
  }

  kill(): Promise<void> {
    return this.relay?.kill() ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.kill();
    await this.host.stop(100);
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

const texts = (events: ResponseEvent[]): string[] => events.map((e) => (e.event?.$case === 'textDelta' ? e.event.value.text : `<${e.event?.$case}>`));

function aborted(signal: AbortSignal): Promise<void> {
  return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

describe('GrpcRouterClient with mux', () => {
  let replica: Replica;
  let router: GrpcRouterClient;

  beforeEach(async () => {
    replica = new Replica('a');
    const port = await replica.start();
    router = new GrpcRouterClient(`127.0.0.1:${port}`, { mux: ONE_STREAM });
  });

  afterEach(async () => {
    router.close();
    await replica.stop();
  });

  it('carries two calls interleaved on one stream, each getting only its own events', async () => {
    const signal = new AbortController().signal;
    const first = router.route(chat('gate:one'), signal)[Symbol.asyncIterator]();
    const second = router.route(chat('gate:two'), signal)[Symbol.asyncIterator]();
    expect(texts([(await first.next()).value as ResponseEvent, (await second.next()).value as ResponseEvent])).toEqual(['1', '1']);
    replica.fake.open('two');
    expect(texts([(await second.next()).value as ResponseEvent])).toEqual(['2']);
    expect((await second.next()).done).toBe(true);
    replica.fake.open('one');
    expect(texts([(await first.next()).value as ResponseEvent])).toEqual(['2']);
    expect((await first.next()).done).toBe(true);
    const echo = await collect(router.route(chat('echo:a,b,c'), signal));
    expect(texts(echo)).toEqual(['a', 'b', 'c']);
  });

  it('cancels the call on the server when its caller aborts, and the stream carries the next call', async () => {
    const controller = new AbortController();
    const received = replica.fake.nextCall();
    const events = router.route(chat('hang'), controller.signal)[Symbol.asyncIterator]();
    expect(texts([(await events.next()).value as ResponseEvent])).toEqual(['first']);
    const pending = events.next();
    controller.abort();
    expect((await pending).done).toBe(true);
    await aborted((await received).signal);
    expect(texts(await collect(router.route(chat('echo:after'), new AbortController().signal)))).toEqual(['after']);
  });

  it('cancels the call on the server when the consumer stops reading early', async () => {
    const received = replica.fake.nextCall();
    for await (const event of router.route(chat('hang'), new AbortController().signal)) {
      expect(texts([event])).toEqual(['first']);
      break;
    }
    await aborted((await received).signal);
  });

  it('answers a failure with the same error event as a plain call', async () => {
    const plain = new GrpcRouterClient(`127.0.0.1:${replica.port}`);
    try {
      const viaMux = await collect(router.route(chat('limited'), new AbortController().signal));
      const viaCall = await collect(plain.route(chat('limited'), new AbortController().signal));
      expect(viaMux).toEqual(viaCall);
      expect(viaMux).toEqual([{ event: { $case: 'error', value: expect.objectContaining({ kind: ErrorKind.ERROR_KIND_RATE_LIMITED, message: 'slow down', param: 'model', retryAfterMs: 1500 }) } }]);
    } finally {
      plain.close();
    }
  });

  it('cancels a call whose reader falls too far behind, with an error saying so', async () => {
    const slow = new GrpcRouterClient(`127.0.0.1:${replica.port}`, { mux: { ...ONE_STREAM, maxBufferedBytes: 64 * 1024 } });
    try {
      const received = replica.fake.nextCall();
      const events = slow.route(chat('flood'), new AbortController().signal)[Symbol.asyncIterator]();
      expect((await events.next()).done).toBe(false);
      // Not reading while the server sends ~1 MiB: the call is cancelled at the server.
      await aborted((await received).signal);
      const rest = await collect({ [Symbol.asyncIterator]: () => events });
      const last = rest.at(-1);
      expect(last?.event?.$case).toBe('error');
      expect(last?.event?.$case === 'error' && last.event.value.kind).toBe(ErrorKind.ERROR_KIND_OVERLOADED);
      // Far fewer than the 1000 the server would have sent: the buffer held at most the cap.
      expect(rest.length).toBeLessThan(200);
    } finally {
      slow.close();
    }
  });

  it('leaves a request too large for a shared stream to a call of its own', () => {
    const client = new Client(`127.0.0.1:${replica.port}`, credentials.createInsecure());
    try {
      const pool = new MuxPool(client, toGrpcServiceDefinition(RouterServiceDefinition).routeMux, { ...ONE_STREAM, maxRequestBytes: 64 });
      expect(pool.start({ request: chat(`echo:${'y'.repeat(100)}`) }, {})).toBeUndefined();
      const small = pool.start({ request: chat('echo:y') }, {});
      expect(small).toBeInstanceOf(MuxCall);
      small?.cancel();
      pool.close();
    } finally {
      client.close();
    }
  });

  it('makes plain calls to a server without the mux method (a version before it, mid-upgrade)', async () => {
    // A server with Route only: a RouteMux stream to it is answered UNIMPLEMENTED.
    const server = new Server();
    server.addService({ route: toGrpcServiceDefinition(RouterServiceDefinition).route }, { route: serverStreamCallHandler((r: RouteRequest, s) => eventBatches(replica.fake.route(r.request ?? chat(''), s))) });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    const older = new GrpcRouterClient(`127.0.0.1:${port}`, { mux: ONE_STREAM });
    try {
      expect(texts(await collect(older.route(chat('echo:one'), new AbortController().signal)))).toEqual(['one']);
      expect(texts(await collect(older.route(chat('echo:two'), new AbortController().signal)))).toEqual(['two']);
    } finally {
      older.close();
      server.forceShutdown();
    }
  });
});

describe('RouteMux streams from a raw client', () => {
  let replica: Replica;
  let client: Client;

  beforeEach(async () => {
    replica = new Replica('a');
    const port = await replica.start();
    client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  });

  afterEach(async () => {
    client.close();
    await replica.stop();
  });

  it('fails the whole stream, and aborts its calls, when a client reuses the id of a running call', async () => {
    const stream = client.makeBidiStreamRequest('/switchyard.router.v1.RouterService/RouteMux', (f: RouteFrame) => Buffer.from(RouteFrame.encode(f).finish()), (b: Buffer) => MuxReply.decode(b), new Metadata());
    const failed = new Promise<ServiceError>((resolve) => stream.on('error', resolve));
    const received = replica.fake.nextCall();
    stream.write({ callId: 7, frame: { $case: 'request', value: { request: chat('hang') } }, metadata: {} });
    const call = await received;
    stream.write({ callId: 7, frame: { $case: 'request', value: { request: chat('echo:x') } }, metadata: {} });
    expect((await failed).code).toBe(Status.INTERNAL);
    await aborted(call.signal);
    expect(replica.fake.calls.map((c) => c.model)).toEqual(['hang']);
  });

  it('drops nothing into a later call: a cancelled id gets no more frames, new ids do', async () => {
    const replies: MuxReply[] = [];
    const stream = client.makeBidiStreamRequest('/switchyard.router.v1.RouterService/RouteMux', (f: RouteFrame) => Buffer.from(RouteFrame.encode(f).finish()), (b: Buffer) => MuxReply.decode(b), new Metadata());
    const finalOf2 = new Promise<void>((resolve) =>
      stream.on('data', (reply: MuxReply) => {
        replies.push(reply);
        if (reply.callId === 2 && reply.reply?.$case === 'batch' && reply.reply.value.final) resolve();
      }),
    );
    const received = replica.fake.nextCall();
    stream.write({ callId: 1, frame: { $case: 'request', value: { request: chat('hang') } }, metadata: {} });
    await aborted(await received.then(async (call) => {
      stream.write({ callId: 1, frame: { $case: 'cancel', value: {} }, metadata: {} });
      return call.signal;
    }));
    stream.write({ callId: 2, frame: { $case: 'request', value: { request: chat('echo:z') } }, metadata: {} });
    await finalOf2;
    const ended = new Promise<{ code: number }>((resolve) => stream.on('status', resolve));
    stream.end();
    // Half-closed with no call running: the server ends the stream too.
    expect((await ended).code).toBe(Status.OK);
    const ofCall1 = replies.filter((r) => r.callId === 1);
    // "first" went out before the cancel; nothing after it, not even a status.
    expect(ofCall1.map((r) => r.reply?.$case)).toEqual(['batch']);
    expect(replies.filter((r) => r.callId === 2).flatMap((r) => (r.reply?.$case === 'batch' ? texts(r.reply.value.events) : []))).toEqual(['z']);
  });
});

describe('mux streams over two replicas', () => {
  let a: Replica;
  let b: Replica;
  let target: string;
  let clients: { close(): void }[];

  beforeEach(async () => {
    a = new Replica('a');
    b = new Replica('b');
    target = `ipv4:127.0.0.1:${await a.start()},127.0.0.1:${await b.start()}`;
    clients = [];
  });

  afterEach(async () => {
    for (const client of clients) client.close();
    await Promise.all([a.stop(), b.stop()]);
  });

  async function connect<C extends { close(): void; waitForReady(ms: number): Promise<void> }>(client: C): Promise<C> {
    clients.push(client);
    await client.waitForReady(5_000);
    return client;
  }

  it('fails only the calls on a stream that broke, and the next call opens a stream to a live replica', async () => {
    const adapter = await connect(new GrpcAdapterClient(target, { mux: ONE_STREAM }));
    const anyCall = Promise.race([a.fake.nextCall(), b.fake.nextCall()]);
    const events = adapter.generate({ request: chat('hang') }, new AbortController().signal)[Symbol.asyncIterator]();
    expect(texts([(await events.next()).value as ResponseEvent])).toEqual(['first']);
    const { replica } = await anyCall;
    const [dead, live] = replica === 'a' ? [a, b] : [b, a];
    await dead.kill();
    const rest = await collect({ [Symbol.asyncIterator]: () => events });
    expect(rest).toEqual([{ event: { $case: 'error', value: expect.objectContaining({ kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, retryable: true }) } }]);
    expect(texts(await collect(adapter.generate({ request: chat('echo:again') }, new AbortController().signal)))).toEqual(['again']);
    expect(live.fake.calls.map((c) => c.model)).toEqual(['echo:again']);
  });

  it('lets a draining replica finish its calls while new calls go to the other', async () => {
    const router = await connect(new GrpcRouterClient(target, { mux: ONE_STREAM }));
    const anyCall = Promise.race([a.fake.nextCall(), b.fake.nextCall()]);
    const events = router.route(chat('gate:drain'), new AbortController().signal)[Symbol.asyncIterator]();
    expect(texts([(await events.next()).value as ResponseEvent])).toEqual(['1']);
    const { replica } = await anyCall;
    const [draining, other] = replica === 'a' ? [a, b] : [b, a];
    const stopped = draining.host.stop(60_000);
    const next = await collect(router.route(chat('echo:elsewhere'), new AbortController().signal));
    expect(texts(next)).toEqual(['elsewhere']);
    expect(other.fake.calls.map((c) => c.model)).toEqual(['echo:elsewhere']);
    draining.fake.open('drain');
    expect(texts(await collect({ [Symbol.asyncIterator]: () => events }))).toEqual(['2']);
    // The stream ended once its last call had: the server stopped without forcing anything.
    await stopped;
    expect(draining.fake.calls.map((c) => c.signal.aborted)).toEqual([false]);
  });
});

// Unary calls (Admit, Settle) on mux streams, from the pool's side, against a fake AdmitMux server
// the test drives frame by frame: which frame arrives where, and what the server answers, is the test's.
describe('unary calls on mux streams (AdmitMux)', () => {
  const ADMIT_MUX = toGrpcServiceDefinition(AuthServiceDefinition).admitMux;
  const ADMIT_PATH = toGrpcServiceDefinition(AuthServiceDefinition).admit.path;
  const admitRequest = (requestId: string): AdmitRequest => ({ keyHash: 'sha256:k', model: 'm', requestId, clientIp: '', dialect: Dialect.DIALECT_OPENAI, inputTokensEstimate: 1, inputTokensBound: 4, maxOutputTokens: 0, counted: true });
  const admitted = (keyId: string): AdmitResponse => ({ admitted: true, principal: { tenantId: 't', keyId, models: [], tenantModels: [], region: '', allowedRegions: [], captureContent: false, corsOrigins: [] }, maxOutputTokens: 0 });

  /** A frame the fake server received, and the stream it came on. */
  interface Arrived {
    readonly stream: ServerDuplexStream<AdmitFrame, AdmitMuxReply>;
    readonly frame: AdmitFrame;
  }

  type Outcome = { error: ServiceError | null; response?: AdmitResponse | undefined };

  let server: Server;
  let client: Client;
  let arrived: Arrived[];
  let waiting: ((arrival: Arrived) => void)[];
  let pools: MuxPool<AdmitRequest, AdmitResponse>[];

  beforeEach(async () => {
    arrived = [];
    waiting = [];
    pools = [];
    server = new Server();
    server.addService(
      { admitMux: ADMIT_MUX },
      {
        admitMux: (stream: ServerDuplexStream<AdmitFrame, AdmitMuxReply>) => {
          stream.on('data', (frame: AdmitFrame) => {
            const arrival = { stream, frame };
            const waiter = waiting.shift();
            if (waiter) waiter(arrival);
            else arrived.push(arrival);
          });
          stream.on('error', () => undefined);
        },
      },
    );
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  });

  afterEach(() => {
    for (const pool of pools) pool.close();
    client.close();
    server.forceShutdown();
  });

  function poolOf(settings: MuxSettings): MuxPool<AdmitRequest, AdmitResponse> {
    const pool = new MuxPool<AdmitRequest, AdmitResponse>(client, ADMIT_MUX, settings);
    pools.push(pool);
    return pool;
  }

  function nextFrame(): Promise<Arrived> {
    const early = arrived.shift();
    return early ? Promise.resolve(early) : new Promise((resolve) => waiting.push(resolve));
  }

  /** Starts a call on `pool`; resolves with what its callback got. */
  function call(pool: MuxPool<AdmitRequest, AdmitResponse>, requestId: string, deadline = Date.now() + 10_000): Promise<Outcome> {
    return new Promise((resolve) => {
      const started = pool.call(admitRequest(requestId), { 'x-request-id': requestId }, deadline, (error, response) => resolve({ error, response }));
      expect(started).toBeDefined();
    });
  }

  const requestIdOf = (arrival: Arrived): string | undefined => (arrival.frame.frame?.$case === 'request' ? arrival.frame.frame.value.requestId : undefined);

  it('answers each call with its own answer frame, in whatever order the server answers', async () => {
    const pool = poolOf(ONE_STREAM);
    const first = call(pool, 'r1');
    const second = call(pool, 'r2');
    const [a, b] = [await nextFrame(), await nextFrame()];
    expect([requestIdOf(a), requestIdOf(b)]).toEqual(['r1', 'r2']);
    // The request's metadata travels in its frame.
    expect(a.frame.metadata).toEqual({ 'x-request-id': 'r1' });
    b.stream.write({ callId: b.frame.callId, reply: { $case: 'answer', value: admitted('k2') } });
    a.stream.write({ callId: a.frame.callId, reply: { $case: 'answer', value: admitted('k1') } });
    expect(await second).toEqual({ error: null, response: expect.objectContaining({ principal: expect.objectContaining({ keyId: 'k2' }) }) });
    expect(await first).toEqual({ error: null, response: expect.objectContaining({ principal: expect.objectContaining({ keyId: 'k1' }) }) });
  });

  it("fails a call with its status frame's error, mapped to the IrError a plain call's status would be", async () => {
    const pool = poolOf(ONE_STREAM);
    const outcome = call(pool, 'r1');
    const arrival = await nextFrame();
    const status = toStatus(new IrError(ErrorKind.ERROR_KIND_RATE_LIMITED, 'too many requests', 'model', 1500));
    const trailers: Record<string, string> = {};
    for (const [key, value] of Object.entries(status.metadata?.getMap() ?? {})) trailers[key] = String(value);
    arrival.stream.write({ callId: arrival.frame.callId, reply: { $case: 'status', value: { code: status.code ?? Status.UNKNOWN, details: status.details ?? '', trailers, refused: false } } });
    const { error } = await outcome;
    expect(error?.code).toBe(status.code);
    const failure = GrpcCallError.from(ADMIT_PATH, error);
    expect(failure).toMatchObject({ kind: ErrorKind.ERROR_KIND_RATE_LIMITED, message: 'too many requests', param: 'model', retryAfterMs: 1500 });
  });

  it('fails a call that is not answered by its deadline with DEADLINE_EXCEEDED and tells the server to stop it', async () => {
    const pool = poolOf(ONE_STREAM);
    const outcome = call(pool, 'r1', Date.now() + 50);
    const request = await nextFrame();
    const cancel = await nextFrame();
    expect(cancel.frame).toMatchObject({ callId: request.frame.callId, frame: { $case: 'cancel' } });
    expect((await outcome).error?.code).toBe(Status.DEADLINE_EXCEEDED);
    // A late answer finds no call: the stream carries the next one as before.
    request.stream.write({ callId: request.frame.callId, reply: { $case: 'answer', value: admitted('late') } });
    const next = call(pool, 'r2');
    const arrival = await nextFrame();
    arrival.stream.write({ callId: arrival.frame.callId, reply: { $case: 'answer', value: admitted('k2') } });
    expect((await next).response?.principal?.keyId).toBe('k2');
  });

  it('fails only the calls on a stream that broke, and the next call opens a new stream', async () => {
    const pool = poolOf({ ...DEFAULT_MUX_SETTINGS, streams: 2 });
    const onFirst = call(pool, 'r1');
    const onSecond = call(pool, 'r2');
    const [a, b] = [await nextFrame(), await nextFrame()];
    const [one, two] = requestIdOf(a) === 'r1' ? [a, b] : [b, a];
    expect(one.stream).not.toBe(two.stream);
    one.stream.emit('error', { code: Status.UNAVAILABLE, details: 'the replica went away' });
    expect((await onFirst).error?.code).toBe(Status.UNAVAILABLE);
    two.stream.write({ callId: two.frame.callId, reply: { $case: 'answer', value: admitted('k2') } });
    expect((await onSecond).response?.principal?.keyId).toBe('k2');
    // The broken stream's slot gets a new stream.
    const third = call(pool, 'r3');
    const arrival = await nextFrame();
    expect(arrival.stream).not.toBe(one.stream);
    arrival.stream.write({ callId: arrival.frame.callId, reply: { $case: 'answer', value: admitted('k3') } });
    expect((await third).response?.principal?.keyId).toBe('k3');
  });
});
