import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseOpenAiChatRequest } from '@switchyard/dialects';
import { GrpcAdapterClient, GrpcAuthClient, GrpcRouterClient } from '@switchyard/grpc';
import { type ChatRequest, Dialect, type GenerateRequest, type ResponseEvent } from '@switchyard/ir';
import { hashKey } from '@switchyard/shared';

// Where a cluster request's latency and CPU go, hop by hop (docs/architecture.md §7). Starts the
// bench's cluster (bench/lib), primes it, then in rounds, each kind of call in a block of its
// own (the blocks of one round back to back, so a drift of the shared machine touches every kind
// alike), at c=1: the simulator called directly; Generate called on the adapter; Route called on
// the router; Admit (and Admit + Settle) on auth; the whole request through the ingress, with
// the key the ingress admits itself (nothing to count) and with the limited key (admitted and
// settled by auth). Latency: each hop's own share is a difference of medians (Generate − direct
// is the adapter hop, Route − Generate the router hop; the ingress's own is whole − Route for the
// key it admits itself, whole − Admit − Route for the limited key). CPU: each process's
// /proc CPU read around each block (and a pause after it, for work that follows the answer:
// the call's status frame, the usage flush and billing's insert), per call of the block.
// Plus the time from an answer to its row in the ledger (usage publish, queue, billing).
// Usage: node tools/build.mjs hops-bench && node dist/bench/hops.js [calls] (from the repo root)

interface ScratchCluster {
  cluster: { origin: string; grpcPorts: { auth: number; router: number; adapter: number }; gateway: { name: string; pid: number }[] };
  simulator: { origin: string };
  databaseUrl: string;
  close(): Promise<void>;
}

interface BenchLib {
  startScratchCluster(): Promise<ScratchCluster>;
  processCpuMs(pid: number): number | null;
  CLIENT_KEY: string;
  LIMITED_KEY: string;
}

type Timed = () => Promise<unknown>;

/** Calls per block: one block of each kind per round. */
const BLOCK = 100;
/** After each block, before its CPU is read: the usage flush (50 ms) and billing's insert land in it. */
const AFTER_BLOCK_MS = 250;

const BODY = { model: 'bench-model', messages: [{ role: 'user', content: 'Say hello in five words.' }], max_tokens: 32 };

async function lib(): Promise<BenchLib> {
  const root = resolve(process.cwd(), 'bench/lib');
  const load = (file: string): Promise<Record<string, unknown>> => import(pathToFileURL(join(root, file)).href) as Promise<Record<string, unknown>>;
  const parts = await Promise.all(['scratch-cluster.mjs', 'targets.mjs', 'cpu.mjs'].map(load));
  return Object.assign({}, ...parts) as BenchLib;
}

async function drain(events: AsyncIterable<ResponseEvent>): Promise<void> {
  for await (const event of events) if (event.event?.$case === 'error') throw new Error(event.event.value.message);
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 1000);
  const b = await lib();
  const { cluster, simulator: sim, databaseUrl, close } = await b.startScratchCluster();
  const { default: pg } = (await import('pg')) as unknown as { default: { Client: new (o: { connectionString: string }) => { connect(): Promise<void>; query(q: string, v: unknown[]): Promise<{ rowCount: number | null }>; end(): Promise<void> } } };
  const ledger = new pg.Client({ connectionString: databaseUrl });
  try {
    await ledger.connect();
    // Called as the cluster calls them: on mux streams unless SWITCHYARD_GRPC_MUX=false (§6).
    const mux = { mux: process.env['SWITCHYARD_GRPC_MUX'] !== 'false' };
    const auth = new GrpcAuthClient(`127.0.0.1:${cluster.grpcPorts.auth}`, mux);
    const router = new GrpcRouterClient(`127.0.0.1:${cluster.grpcPorts.router}`, mux);
    const adapter = new GrpcAdapterClient(`127.0.0.1:${cluster.grpcPorts.adapter}`, mux);
    const signal = new AbortController().signal;
    const chat: ChatRequest = { ...parseOpenAiChatRequest({ ...BODY }), meta: { requestId: 'hops', clientRequestId: '', tenantId: 'bench', keyId: '', region: '', dialect: Dialect.DIALECT_OPENAI, cacheMode: '', allowedRegions: [], endUserId: '' } };
    const generate: GenerateRequest = {
      request: { ...chat, model: 'bench-model' },
      target: { deploymentId: 'bench', providerId: 'sim', providerType: 'openai', baseUrl: `${sim.origin}/v1`, apiKeyRef: 'sim-key', upstreamModel: 'sim-model', optionsJson: '', passthroughJson: '' },
      timeouts: { connectMs: 5000, firstTokenMs: 30000, totalMs: 600000, idleMs: 0 },
    };
    const post = (key: string): Promise<Response> =>
      fetch(`${cluster.origin}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(BODY) });
    let n = 0;
    const admitOf = (key: string, requestId: string): Parameters<GrpcAuthClient['admit']>[0] => ({
      keyHash: hashKey(key), model: 'bench-model', requestId, clientIp: '127.0.0.1', dialect: Dialect.DIALECT_OPENAI, inputTokensEstimate: 10, inputTokensBound: 40, maxOutputTokens: 32, counted: true,
    });
    const settled = async (key: string): Promise<void> => {
      const admitted = await auth.admit(admitOf(key, `hops-${n++}`));
      if (admitted.ticket) await auth.settle({ ticket: admitted.ticket, model: 'bench-model', usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, cacheHit: false, startedAtMs: Date.now() });
    };
    const timed: Record<string, Timed> = {
      'simulator direct': async () => (await fetch(`${sim.origin}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sim-key' }, body: JSON.stringify({ ...BODY, model: 'sim-model' }) })).text(),
      'Generate (adapter)': () => drain(adapter.generate(generate, signal)),
      'Route (router → adapter)': () => drain(router.route(chat, signal)),
      'Admit (auth)': () => auth.admit(admitOf(b.CLIENT_KEY, `hops-${n++}`)),
      'Admit, limited key': () => auth.admit(admitOf(b.LIMITED_KEY, `hops-${n++}`)),
      'Admit + Settle, limited key': () => settled(b.LIMITED_KEY),
      'whole request, key admitted by the ingress': async () => (await post(b.CLIENT_KEY)).text(),
      'whole request, limited key (auth admits, settles)': async () => (await post(b.LIMITED_KEY)).text(),
    };
    const procs = cluster.gateway.filter((c) => !c.name.includes('anthropic'));
    const short = (name: string): string => name.replace('cluster-', '');
    const ledgerTimes: number[] = [];
    // Priming: the JIT of every process reaches the request path (see bench/README.md).
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let i = 0; i < 250; i++) await (await post(i % 2 ? b.LIMITED_KEY : b.CLIENT_KEY)).text();
    }));
    console.error('primed');
    await pause(1000);
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(timed).map((k) => [k, []]));
    const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(timed).map((k) => [k, procs.map(() => 0)]));
    const rounds = Math.max(1, Math.round(calls / BLOCK));
    for (let round = 0; round < rounds; round++) {
      for (const [name, call] of Object.entries(timed)) {
        const before = procs.map((p) => b.processCpuMs(p.pid) ?? 0);
        for (let i = 0; i < BLOCK; i++) {
          const t0 = performance.now();
          await call();
          times[name]?.push(performance.now() - t0);
        }
        await pause(AFTER_BLOCK_MS);
        procs.forEach((p, i) => ((cpu[name] as number[])[i] += (b.processCpuMs(p.pid) ?? 0) - (before[i] as number)));
      }
      console.error(`round ${round + 1}/${rounds} done`);
      // From an answer to its row in the ledger: usage publish (≤ 50 ms batching), BullMQ, billing.
      for (let i = 0; i < 5; i++) {
        const res = await post(b.CLIENT_KEY);
        await res.text();
        const answered = performance.now();
        const id = res.headers.get('x-request-id');
        while ((await ledger.query('SELECT 1 FROM usage_records WHERE request_id = $1', [id])).rowCount === 0) await pause(1);
        ledgerTimes.push(performance.now() - answered);
      }
    }
    const m = (name: string): number => median(times[name] ?? []);
    const perCall = (name: string, proc: string): number => ((cpu[name] as number[])[procs.findIndex((p) => short(p.name) === proc)] ?? NaN) / (rounds * BLOCK);
    console.log(`${rounds} rounds of ${BLOCK} calls of each, c=1; latency medians and CPU per call (ms), each process's CPU read around each block and ${AFTER_BLOCK_MS} ms after it`);
    console.log(`| measured | p50 ms | ${procs.map((p) => short(p.name)).join(' | ')} |`);
    console.log(`| --- | ---: |${procs.map(() => ' ---: |').join('')}`);
    for (const name of Object.keys(timed)) console.log(`| ${name} | ${m(name).toFixed(3)} | ${procs.map((p) => perCall(name, short(p.name)).toFixed(3)).join(' | ')} |`);
    console.log(`| answer → ledger row (publish, queue, billing) | ${median(ledgerTimes).toFixed(1)} |`);
    const whole = 'whole request, key admitted by the ingress';
    const wholeLimited = 'whole request, limited key (auth admits, settles)';
    const route = 'Route (router → adapter)';
    console.log('\n| hop | added p50 ms | CPU ms per request (process) |');
    console.log('| --- | ---: | ---: |');
    console.log(`| ingress, key it admits itself (whole − Route) | ${(m(whole) - m(route)).toFixed(3)} | ${perCall(whole, 'ingress').toFixed(3)} (ingress) |`);
    console.log(`| ingress, limited key (whole − Admit − Route) | ${(m(wholeLimited) - m('Admit, limited key') - m(route)).toFixed(3)} | ${perCall(wholeLimited, 'ingress').toFixed(3)} (ingress) |`);
    console.log(`| Admit, key without limits (auth) | ${m('Admit (auth)').toFixed(3)} | ${perCall('Admit (auth)', 'auth').toFixed(3)} (auth) |`);
    console.log(`| Admit, limited key (auth) | ${m('Admit, limited key').toFixed(3)} | ${perCall('Admit, limited key', 'auth').toFixed(3)} (auth) |`);
    console.log(`| Settle, limited key (auth; off the answer path) | ${(m('Admit + Settle, limited key') - m('Admit, limited key')).toFixed(3)} | ${(perCall('Admit + Settle, limited key', 'auth') - perCall('Admit, limited key', 'auth')).toFixed(3)} (auth) |`);
    console.log(`| Route (router hop: Route − Generate) | ${(m(route) - m('Generate (adapter)')).toFixed(3)} | ${perCall(route, 'router').toFixed(3)} (router) |`);
    console.log(`| Generate (adapter hop: Generate − direct) | ${(m('Generate (adapter)') - m('simulator direct')).toFixed(3)} | ${perCall('Generate (adapter)', 'adapter').toFixed(3)} (adapter) |`);
    console.log(`| billing (per request, off the answer path) | — | ${perCall(whole, 'billing').toFixed(3)} (billing) |`);
    console.log(`| whole − direct, key admitted by the ingress | ${(m(whole) - m('simulator direct')).toFixed(3)} | ${procs.reduce((sum, p) => sum + perCall(whole, short(p.name)), 0).toFixed(3)} (all) |`);
    console.log(`| whole − direct, limited key | ${(m(wholeLimited) - m('simulator direct')).toFixed(3)} | ${procs.reduce((sum, p) => sum + perCall(wholeLimited, short(p.name)), 0).toFixed(3)} (all) |`);
    auth.close();
    router.close();
    adapter.close();
  } finally {
    await ledger.end().catch(() => undefined);
    await close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
