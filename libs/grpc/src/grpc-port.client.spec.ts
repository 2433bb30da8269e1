import {
  type AdapterPort,
  type AdmitRequest,
  type AdmitResponse,
  type AuthPort,
  type ChatRequest,
  type CountTokensResponse,
  type EmbedResponse,
  Dialect,
  ErrorKind,
  IrError,
  type ListModelsResponse,
  type ResponseEvent,
  type RouterPort,
} from '@switchyard/ir';
import { GrpcAdapterClient } from './grpc-adapter.client';
import { GrpcAuthClient } from './grpc-auth.client';
import { GrpcRouterClient } from './grpc-router.client';
import { GrpcServerHost } from './grpc-server.host';
import { serveAdapter, serveAuth, serveRouter } from './port-service.registrar';
import { TcpRelay } from './tcp-relay.harness';

// The single retry of GrpcPortClient, against two real replicas on one round_robin channel. A
// replica "dies" like a SIGKILLed process: its relay resets every connection and refuses new
// ones (TcpRelay); the server behind it only sees its callers go away.

const REQUEST: ChatRequest = { model: 'gpt-4o-mini', messages: [], stream: true, system: [], tools: [], includeUsage: false, droppedParams: [] };
const EVENTS: ResponseEvent[] = [
  { event: { $case: 'textDelta', value: { text: 'Hel', choice: 0, logprobsJson: '', signature: '' } } },
  { event: { $case: 'textDelta', value: { text: 'lo', choice: 0, logprobsJson: '', signature: '' } } },
];
const MODELS: ListModelsResponse = { models: [{ name: 'gpt-4o-mini', ownedBy: 'openai', created: 1721172741 }] };
const ADMIT: AdmitRequest = { keyHash: 'sha256:abc', model: 'gpt-4o-mini', requestId: 'req-1', counted: true, clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0 };
const ADMITTED: AdmitResponse = { admitted: true, principal: { tenantId: 'acme', keyId: 'key-1', models: [], tenantModels: [], region: '', allowedRegions: [], captureContent: false, corsOrigins: [] }, maxOutputTokens: 0 };

/**
 * What a replica does with the call it gets: answer it, never answer (until its caller goes
 * away), send the first event and then nothing, or answer UNAVAILABLE itself.
 */
type Behaviour = 'answer' | 'hang' | 'first-event-then-hang' | 'answer-unavailable';

interface Call {
  readonly replica: Replica;
  readonly method: string;
}

/** Two replicas and the behaviours their next calls get, in order, whichever replica takes them. */
class Pair {
  readonly calls: Call[] = [];
  private readonly plan: Behaviour[] = [];
  private waiting: ((call: Call) => void)[] = [];
  replicas: Replica[] = [];

  async start(): Promise<string> {
    this.replicas = [new Replica('a', this), new Replica('b', this)];
    const ports = await Promise.all(this.replicas.map((r) => r.start()));
    return `ipv4:${ports.map((p) => `127.0.0.1:${p}`).join(',')}`;
  }

  async stop(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.stop()));
  }

  /** The next calls, whichever replica takes them, behave so; calls after those answer. */
  next(...behaviours: Behaviour[]): void {
    this.plan.push(...behaviours);
  }

  /** Resolves with the next call a replica receives. */
  nextCall(): Promise<Call> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Names of the replicas that received calls, in order. */
  get replicasCalled(): string[] {
    return this.calls.map((c) => c.replica.name);
  }

  received(call: Call): Behaviour {
    this.calls.push(call);
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve(call);
    return this.plan.shift() ?? 'answer';
  }
}

class Replica implements RouterPort, AuthPort, AdapterPort {
  private readonly host = new GrpcServerHost();
  private relay: TcpRelay | undefined;

  constructor(
    readonly name: string,
    private readonly pair: Pair,
  ) {
    serveAdapter(serveAuth(serveRouter(this.host, this), this), this);
  }

  async start(): Promise<number> {
    this.relay = new TcpRelay(await this.host.start('127.0.0.1', 0));
    return this.relay.start();
  }

  kill(): Promise<void> {
    return this.relay?.kill() ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.kill();
    await this.host.stop(100);
  }

  route(_request: ChatRequest, signal: AbortSignal): AsyncIterable<ResponseEvent> {
    return this.stream(this.pair.received({ replica: this, method: 'route' }), signal);
  }

  generate(_request: unknown, signal: AbortSignal): AsyncIterable<ResponseEvent> {
    return this.stream(this.pair.received({ replica: this, method: 'generate' }), signal);
  }

  listModels(): Promise<ListModelsResponse> {
    return this.unary('listModels', MODELS);
  }

  embed(): Promise<EmbedResponse> {
    return this.unary('embed', { embeddings: [{ index: 0, values: [0.5] }], usageEstimated: false });
  }

  countTokens(): Promise<CountTokensResponse> {
    return this.unary('countTokens', { inputTokens: 7, estimated: true });
  }

  async healthState(): Promise<never> {
    throw new Error('not used');
  }

  admit(): Promise<AdmitResponse> {
    return this.unary('admit', ADMITTED);
  }

  settle(): Promise<void> {
    return this.unary('settle', undefined);
  }

  async heartbeat(): Promise<void> {}

  private async *stream(behaviour: Behaviour, signal: AbortSignal): AsyncGenerator<ResponseEvent> {
    if (behaviour === 'answer-unavailable') throw new IrError(ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, 'no deployment answered');
    if (behaviour !== 'hang') yield EVENTS[0];
    if (behaviour === 'answer') yield* EVENTS.slice(1);
    else await aborted(signal);
  }

  private async unary<T>(method: string, answer: T): Promise<T> {
    const behaviour = this.pair.received({ replica: this, method });
    if (behaviour === 'answer-unavailable') throw new IrError(ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, 'no deployment answered');
    // Unary handlers here get no signal: a dead caller simply never reads the answer.
    if (behaviour !== 'answer') await new Promise<never>(() => undefined);
    return answer;
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Kills the replica that takes the next call, once it has it. */
async function killWhoeverTakesTheNextCall(pair: Pair): Promise<Replica> {
  const { replica } = await pair.nextCall();
  await replica.kill();
  return replica;
}

const unavailableEvent = {
  event: { $case: 'error', value: expect.objectContaining({ kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, retryable: true }) },
};

describe('GrpcPortClient retry of a call a replica dropped', () => {
  let pair: Pair;
  let target: string;
  let clients: { close(): void }[];

  beforeEach(async () => {
    pair = new Pair();
    target = await pair.start();
    clients = [];
  });

  afterEach(async () => {
    for (const client of clients) client.close();
    await pair.stop();
  });

  function connect<C extends { close(): void; waitForReady(ms: number): Promise<void> }>(client: C): Promise<C> {
    clients.push(client);
    return client.waitForReady(5_000).then(() => client);
  }

  describe('router (Route stream and unary calls, retried)', () => {
    let sut: GrpcRouterClient;

    beforeEach(async () => {
      sut = await connect(new GrpcRouterClient(target));
    });

    it('streams the whole answer from the other replica when the first dies before its first message', async () => {
      pair.next('hang');
      const events = collect(sut.route(REQUEST, new AbortController().signal));
      const killed = await killWhoeverTakesTheNextCall(pair);

      await expect(events).resolves.toEqual(EVENTS);
      expect(pair.replicasCalled).toEqual([killed.name, pair.replicas.find((r) => r !== killed)?.name]);
    });

    it('ends with an error event, without a retry, when the replica dies after its first message', async () => {
      pair.next('first-event-then-hang');
      const iterator = sut.route(REQUEST, new AbortController().signal)[Symbol.asyncIterator]();
      const first = await iterator.next();
      await pair.calls[0].replica.kill();
      const rest: ResponseEvent[] = [];
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value);

      expect([first.value, ...rest]).toEqual([EVENTS[0], unavailableEvent]);
      expect(pair.calls).toHaveLength(1);
    });

    it('does not retry a stream the caller aborted', async () => {
      pair.next('hang');
      const caller = new AbortController();
      const events = collect(sut.route(REQUEST, caller.signal));
      await pair.nextCall();
      caller.abort();

      await expect(events).resolves.toEqual([]);
      expect(pair.calls).toHaveLength(1);
    });

    it('does not retry a unary call the caller aborted', async () => {
      pair.next('hang');
      const caller = new AbortController();
      const res = sut.embed({ model: 'text-embedding-3-small', inputs: [], taskType: '', title: '', droppedParams: [] }, caller.signal);
      await pair.nextCall();
      caller.abort();

      await expect(res).resolves.toMatchObject({ error: { kind: ErrorKind.ERROR_KIND_CANCELLED } });
      expect(pair.calls).toHaveLength(1);
    });

    it('retries only once: when the second replica dies too, the stream ends with UNAVAILABLE', async () => {
      pair.next('hang', 'hang');
      const events = collect(sut.route(REQUEST, new AbortController().signal));
      await killWhoeverTakesTheNextCall(pair);
      await killWhoeverTakesTheNextCall(pair);

      await expect(events).resolves.toEqual([unavailableEvent]);
      expect(new Set(pair.replicasCalled)).toEqual(new Set(['a', 'b']));
      expect(pair.calls).toHaveLength(2);
    });

    it('answers a unary call from the other replica when the first dies before answering', async () => {
      pair.next('hang');
      const models = sut.listModels();
      await killWhoeverTakesTheNextCall(pair);

      await expect(models).resolves.toEqual(MODELS);
      expect(new Set(pair.replicasCalled)).toEqual(new Set(['a', 'b']));
    });

    it('does not retry an UNAVAILABLE the replica answered with itself', async () => {
      pair.next('answer-unavailable');

      const res = await sut.embed({ model: 'text-embedding-3-small', inputs: [], taskType: '', title: '', droppedParams: [] }, new AbortController().signal);

      expect(res.error).toMatchObject({ kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: 'no deployment answered' });
      expect(pair.calls).toHaveLength(1);
    });

    it('does not retry a unary call past its deadline', async () => {
      const late = await connect(new GrpcRouterClient(target, { unaryDeadlineMs: 300 }));
      pair.next('hang');

      const res = await late.countTokens(REQUEST, new AbortController().signal);

      expect(res.error).toMatchObject({ kind: ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT });
      expect(pair.calls).toHaveLength(1);
    });
  });

  describe('auth (Admit retried, counted or not; Settle never)', () => {
    let sut: GrpcAuthClient;

    beforeEach(async () => {
      sut = await connect(new GrpcAuthClient(target));
    });

    it('retries an uncounted admission on the other replica', async () => {
      pair.next('hang');
      const answer = sut.admit({ ...ADMIT, counted: false });
      await killWhoeverTakesTheNextCall(pair);

      await expect(answer).resolves.toMatchObject({ admitted: true, principal: { tenantId: 'acme', corsOrigins: [] } });
      expect(pair.calls).toHaveLength(2);
    });

    it('retries a counted admission too: the quota store counts a repeated request id once', async () => {
      pair.next('hang');
      const answer = sut.admit(ADMIT);
      await killWhoeverTakesTheNextCall(pair);

      await expect(answer).resolves.toMatchObject({ admitted: true, principal: { tenantId: 'acme', corsOrigins: [] } });
      expect(pair.calls).toHaveLength(2);
    });

    it('does not retry a settle (QuotaHold does)', async () => {
      pair.next('hang');
      const settled = sut.settle({ model: '', cacheHit: false, startedAtMs: 0 }).catch((e: unknown) => e);
      await killWhoeverTakesTheNextCall(pair);

      await expect(settled).resolves.toMatchObject({ kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE });
      expect(pair.calls).toHaveLength(1);
    });
  });

  describe('adapter (never retried: the router retries)', () => {
    it('ends Generate with UNAVAILABLE when the replica dies before its first message, calling no other', async () => {
      const sut = await connect(new GrpcAdapterClient(target));
      pair.next('hang');
      const events = collect(sut.generate({ request: REQUEST }, new AbortController().signal));
      await killWhoeverTakesTheNextCall(pair);

      await expect(events).resolves.toEqual([unavailableEvent]);
      expect(pair.calls).toHaveLength(1);
    });
  });
});
