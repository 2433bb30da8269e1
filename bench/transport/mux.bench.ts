import { fork } from 'node:child_process';
import { Client, credentials, Metadata, Server, ServerCredentials, type ClientDuplexStream, type ServerDuplexStream, type ServerWritableStream } from '@grpc/grpc-js';
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { GRPC_CLIENT_OPTIONS, GRPC_SERVER_OPTIONS, GrpcAdapterClient, GrpcServerHost, serveAdapter } from '@switchyard/grpc';
import { GenerateRequest, type ResponseEvent, ResponseEventBatch } from '@switchyard/ir';

// Issue 11, phase 1 (docs/architecture.md §7, "Cluster, issue 11: calls multiplexed on streams"):
// what a hot call costs as today's shape (one server-streaming call per request: a small request
// message, one reply batch, the status) against the same exchange as one frame each way on K
// long-lived bidi streams, tagged with a call id. Plain grpc-js at both ends, with our channel and
// server options and the generated codecs, so only the transport differs. The server runs in a
// child process so its CPU is its own.
// Usage: node tools/build.mjs mux-bench && node dist/bench/mux.js [requests per cell] [rounds]

// call / muxK: plain grpc-js both ends. port / port-mux: what the apps run, GrpcAdapterClient
// (SWITCHYARD_GRPC_MUX off / on) against GrpcServerHost, events handed out one by one.
type Shape = 'call' | 'mux1' | 'mux2' | 'mux4' | 'port' | 'port-mux';
const SHAPES: readonly Shape[] = (process.env['SHAPES']?.split(',') as Shape[] | undefined) ?? ['call', 'mux1', 'mux2', 'mux4', 'port', 'port-mux'];

const CALL_PATH = '/bench.Mux/Call';
const MUX_PATH = '/bench.Mux/Mux';
const identity = (b: Buffer): Buffer => b;

// ~200 bytes each way, as a routed non-streaming request and its one-batch answer.
const REQUEST: GenerateRequest = {
  target: { deploymentId: 'openai-eu-1', providerId: 'openai-eu', providerType: 'openai', baseUrl: 'https://api.openai.example/v1', apiKeyRef: 'env:OPENAI_EU_KEY', upstreamModel: 'gpt-4o-mini-2024-07-18', optionsJson: '{"apiVersion":"2024-10-21"}', passthroughJson: '' },
  request: { model: 'gpt-4o-mini', system: [], messages: [], tools: [], stream: false, includeUsage: true, droppedParams: ['logit_bias', 'user', 'seed', 'service_tier', 'store', 'metadata'] },
};
const DELTA: ResponseEvent = { event: { $case: 'textDelta', value: { text: 'lorem ipsum dolor ', choice: 0, logprobsJson: '', signature: '' } } };
const REPLY: ResponseEventBatch = { events: Array.from({ length: 8 }, () => DELTA), final: true };

// A frame: field 1 the call id, field 2 the payload message. The mux wraps the very messages a
// call sends, so the codec work is today's plus a varint.
function frame(id: number, write: (w: BinaryWriter) => void): Buffer {
  const w = new BinaryWriter();
  w.uint32(8).uint32(id);
  w.uint32(18).fork();
  write(w);
  w.join();
  return Buffer.from(w.finish());
}

function unframe(bytes: Uint8Array): { id: number; payload: Uint8Array } {
  const r = new BinaryReader(bytes);
  let id = 0;
  let payload: Uint8Array = new Uint8Array();
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) id = r.uint32();
    else if (tag >>> 3 === 2) payload = r.bytes();
    else r.skip(tag & 7);
  }
  return { id, payload };
}

// As the adapter answers a non-streaming request: every event ready at once, one batch.
async function* events(_request: GenerateRequest): AsyncGenerator<ResponseEvent> {
  for (const event of REPLY.events) yield event;
}

function answer(request: Uint8Array): Buffer {
  GenerateRequest.decode(request);
  return Buffer.from(ResponseEventBatch.encode(REPLY).finish());
}

async function child(): Promise<void> {
  const server = new Server(GRPC_SERVER_OPTIONS);
  server.register(CALL_PATH, (call: ServerWritableStream<Buffer, Buffer>) => {
    call.write(answer(call.request));
    call.end();
  }, identity, identity, 'serverStream');
  server.register(MUX_PATH, (stream: ServerDuplexStream<Buffer, Buffer>) => {
    stream.on('data', (bytes: Buffer) => {
      const { id, payload } = unframe(bytes);
      GenerateRequest.decode(payload);
      stream.write(frame(id, (w) => ResponseEventBatch.encode(REPLY, w)));
    });
    stream.on('end', () => stream.end());
    stream.on('error', () => undefined);
  }, identity, identity, 'bidi');
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  const host = new GrpcServerHost();
  serveAdapter(host, {
    generate: (request) => events(request),
    embed: () => Promise.reject(new Error('not served')),
    countTokens: () => Promise.reject(new Error('not served')),
  });
  const hostPort = await host.start('127.0.0.1', 0);
  process.send?.({ port, hostPort });
  process.on('message', () => {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuUs: user + system });
  });
}

type Caller = { call: () => Promise<void>; close: () => void };

function callShape(client: Client): Caller {
  const metadata = new Metadata();
  return {
    call: () =>
      new Promise((resolve, reject) => {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        const stream = client.makeServerStreamRequest(CALL_PATH, (r: GenerateRequest) => Buffer.from(GenerateRequest.encode(r).finish()), (b: Buffer) => ResponseEventBatch.decode(b), REQUEST, metadata);
        Error.stackTraceLimit = limit;
        stream.on('data', (batch: ResponseEventBatch) => {
          if (batch.final) resolve();
        });
        stream.on('error', reject);
      }),
    close: () => undefined,
  };
}

function muxShape(client: Client, k: number): Caller {
  const pending = new Map<number, () => void>();
  const streams: ClientDuplexStream<Buffer, Buffer>[] = [];
  for (let i = 0; i < k; i++) {
    const stream = client.makeBidiStreamRequest(MUX_PATH, identity, identity, new Metadata());
    stream.on('data', (bytes: Buffer) => {
      const { id, payload } = unframe(bytes);
      const batch = ResponseEventBatch.decode(payload);
      if (batch.final) {
        const done = pending.get(id);
        pending.delete(id);
        done?.();
      }
    });
    stream.on('error', () => undefined);
    streams.push(stream);
  }
  let next = 0;
  return {
    call: () =>
      new Promise((resolve) => {
        const id = ++next;
        pending.set(id, resolve);
        (streams[id % k] as ClientDuplexStream<Buffer, Buffer>).write(frame(id, (w) => GenerateRequest.encode(REQUEST, w)));
      }),
    close: () => {
      for (const s of streams) s.end();
    },
  };
}

function portShape(adapter: GrpcAdapterClient): Caller {
  return {
    call: async () => {
      let n = 0;
      for await (const _ of adapter.generate(REQUEST, new AbortController().signal)) n++;
      if (n !== REPLY.events.length) throw new Error(`${n} events, expected ${REPLY.events.length}`);
    },
    close: () => adapter.close(),
  };
}

function cpuOf(server: ReturnType<typeof fork>): Promise<number> {
  return new Promise((resolve) => {
    server.once('message', (m: { cpuUs: number }) => resolve(m.cpuUs));
    server.send('cpu');
  });
}

function cpuSelf(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

interface Row {
  shape: Shape;
  c: number;
  clientUs: number;
  serverUs: number;
  p50: number;
  p99: number;
  rps: number;
}

async function run(caller: Caller, shape: Shape, c: number, requests: number, server: ReturnType<typeof fork>): Promise<Row> {
  await Promise.all(Array.from({ length: c }, async () => {
    for (let i = 0; i < 300 / c; i++) await caller.call(); // warm-up
  }));
  const times: number[] = [];
  const s0 = await cpuOf(server);
  const c0 = cpuSelf();
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: c }, async () => {
    for (let i = 0; i < requests / c; i++) {
      const t = process.hrtime.bigint();
      await caller.call();
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }));
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c1 = cpuSelf();
  const s1 = await cpuOf(server);
  times.sort((a, b) => a - b);
  return { shape, c, clientUs: (c1 - c0) / times.length, serverUs: (s1 - s0) / times.length, p50: percentile(times, 50), p99: percentile(times, 99), rps: times.length / wall };
}

async function measure(shape: Shape, requests: number): Promise<Row[]> {
  const server = fork(__filename, ['--child'], { stdio: 'inherit' });
  const { port, hostPort } = await new Promise<{ port: number; hostPort: number }>((resolve) => server.once('message', resolve));
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), GRPC_CLIENT_OPTIONS);
  const caller =
    shape === 'call' ? callShape(client)
    : shape === 'port' || shape === 'port-mux' ? portShape(new GrpcAdapterClient(`127.0.0.1:${hostPort}`, { mux: shape === 'port-mux' }))
    : muxShape(client, Number(shape.slice(3)));
  const rows = [await run(caller, shape, 1, requests, server), await run(caller, shape, 16, requests, server)];
  caller.close();
  client.close();
  server.kill();
  return rows;
}

// Rounds alternate the shapes, and each figure is the median over the rounds: on a shared
// two-core machine one round alone says more about the neighbours than about the transport.
async function main(): Promise<void> {
  const requests = Number(process.argv[2] ?? 4000);
  const rounds = Number(process.argv[3] ?? 3);
  const rows: Row[] = [];
  for (let round = 0; round < rounds; round++) for (const shape of SHAPES) rows.push(...(await measure(shape, requests)));
  console.log(`${rounds} rounds of ${requests} requests per cell; medians`);
  console.log('| shape | c | client CPU µs/req | server CPU µs/req | both µs/req | p50 ms | p99 ms | req/s |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const cells = new Map<string, Row[]>();
  for (const r of rows) cells.set(`${r.shape}|${r.c}`, [...(cells.get(`${r.shape}|${r.c}`) ?? []), r]);
  for (const c of [1, 16]) {
    for (const shape of SHAPES) {
      const cell = cells.get(`${shape}|${c}`) ?? [];
      const median = (f: (r: Row) => number): number => percentile(cell.map(f).sort((a, b) => a - b), 50);
      console.log(`| ${shape} | ${c} | ${median((r) => r.clientUs).toFixed(0)} | ${median((r) => r.serverUs).toFixed(0)} | ${median((r) => r.clientUs + r.serverUs).toFixed(0)} | ${median((r) => r.p50).toFixed(3)} | ${median((r) => r.p99).toFixed(3)} | ${median((r) => r.rps).toFixed(0)} |`);
    }
  }
}

if (process.argv[2] === '--child') void child();
else main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
