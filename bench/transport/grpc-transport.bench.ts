import 'reflect-metadata';
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { GrpcAdapterClient, GrpcAuthClient } from '@switchyard/grpc';
import { Dialect } from '@switchyard/ir';
import { type ServerKind, STREAM_EVENTS, startServer } from './grpc-transport.servers';

// Serving the hot RPCs three ways, measured the same way (docs/architecture.md, "Cluster
// services"): our grpc-js host without Nest (the old apps), Nest on GrpcHostTransport, and
// Nest's built-in Transport.GRPC. The server runs in a child process so its CPU is its own.
// Usage: node tools/build.mjs transport-bench && node dist/bench/transport.js [calls per cell] [rounds]

const KINDS: readonly ServerKind[] = (process.env['KINDS']?.split(',') as ServerKind[] | undefined) ?? ['plain', 'custom', 'builtin'];
const PROTO_ROOT = resolve(__dirname, '../../proto');

interface Row {
  kind: ServerKind;
  rpc: string;
  calls: number;
  p50: number;
  p99: number;
  cpuUsPerCall: number;
  rpsC16: number;
}

async function child(kind: ServerKind): Promise<void> {
  const port = await startServer(kind, PROTO_ROOT);
  process.send?.({ port });
  process.on('message', () => {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuUs: user + system });
  });
}

function cpuOf(server: ReturnType<typeof fork>): Promise<number> {
  return new Promise((resolve) => {
    server.once('message', (m: { cpuUs: number }) => resolve(m.cpuUs));
    server.send('cpu');
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

async function measure(kind: ServerKind, calls: number): Promise<Row[]> {
  const server = fork(__filename, ['--child', kind], { stdio: 'inherit' });
  const { port } = await new Promise<{ port: number }>((resolve) => server.once('message', resolve));
  const auth = new GrpcAuthClient(`127.0.0.1:${port}`);
  const adapter = new GrpcAdapterClient(`127.0.0.1:${port}`);
  const admit = () => auth.admit({ keyHash: 'h', model: 'm', requestId: 'r', clientIp: '127.0.0.1', dialect: Dialect.DIALECT_OPENAI, counted: true, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0 });
  const generate = async () => {
    let n = 0;
    for await (const _ of adapter.generate({ target: { deploymentId: '', providerId: '', providerType: '', baseUrl: '', apiKeyRef: '', upstreamModel: '', optionsJson: '', passthroughJson: '' }, request: { model: 'm', system: [], messages: [], tools: [], stream: false, includeUsage: false, droppedParams: [] } }, new AbortController().signal)) n++;
    if (n !== STREAM_EVENTS) throw new Error(`${kind}: ${n} events, expected ${STREAM_EVENTS}`);
  };
  const rows: Row[] = [];
  for (const [rpc, call] of [['Admit', admit], [`Generate (${STREAM_EVENTS} events)`, generate]] as const) {
    for (let i = 0; i < 200; i++) await call(); // warm-up
    const times: number[] = [];
    const cpu0 = await cpuOf(server);
    for (let i = 0; i < calls; i++) {
      const t0 = process.hrtime.bigint();
      await call();
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const cpu1 = await cpuOf(server);
    const t16 = Date.now();
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let i = 0; i < calls / 16; i++) await call();
    }));
    const rpsC16 = (calls / (Date.now() - t16)) * 1000;
    times.sort((a, b) => a - b);
    rows.push({ kind, rpc, calls, p50: percentile(times, 50), p99: percentile(times, 99), cpuUsPerCall: (cpu1 - cpu0) / calls, rpsC16 });
  }
  auth.close();
  adapter.close();
  server.kill();
  return rows;
}

// Rounds alternate the kinds, and each figure is the median over the rounds: on a shared
// two-core machine one round alone says more about the neighbours than about the transport.
async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 2000);
  const rounds = Number(process.argv[3] ?? 3);
  const rows: Row[] = [];
  for (let round = 0; round < rounds; round++) for (const kind of KINDS) rows.push(...(await measure(kind, calls)));
  console.log(`${rounds} rounds of ${calls} calls per cell; medians`);
  console.log('| server | RPC | server CPU µs/call (c=1) | p50 ms (c=1) | p99 ms (c=1) | calls/s (c=16) |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: |');
  const cells = new Map<string, Row[]>();
  for (const r of rows) cells.set(`${r.kind}|${r.rpc}`, [...(cells.get(`${r.kind}|${r.rpc}`) ?? []), r]);
  for (const [key, cell] of cells) {
    const [kind, rpc] = key.split('|');
    const median = (f: (r: Row) => number): number => percentile(cell.map(f).sort((a, b) => a - b), 50);
    console.log(`| ${kind} | ${rpc} | ${median((r) => r.cpuUsPerCall).toFixed(0)} | ${median((r) => r.p50).toFixed(3)} | ${median((r) => r.p99).toFixed(3)} | ${median((r) => r.rpsC16).toFixed(0)} |`);
  }
}

if (process.argv[2] === '--child') void child(process.argv[3] as ServerKind);
else main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
