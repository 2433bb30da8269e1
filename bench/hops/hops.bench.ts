import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseOpenAiChatRequest } from '@switchyard/dialects';
import { GrpcAdapterClient, GrpcAuthClient, GrpcRouterClient } from '@switchyard/grpc';
import { type ChatRequest, Dialect, type GenerateRequest, type ResponseEvent } from '@switchyard/ir';
import { hashKey } from '@switchyard/shared';

// Where a cluster request's latency goes, hop by hop (docs/architecture.md §7). Starts the
// bench's cluster (bench/lib), primes it, then at c=1 and interleaved, times: the simulator
// called directly; Generate called on the adapter; Route called on the router; Admit (and, for
// the limited key, Settle) called on auth; the whole request through the ingress; and the time
// from an answer to its row in the ledger (usage publish, queue, billing). Each hop's own share
// is a difference of medians: Generate − direct is the adapter hop, Route − Generate the router
// hop, whole − Admit − Route what the ingress adds.
// Usage: node tools/build.mjs hops-bench && node dist/bench/hops.js [calls] (from the repo root)

interface ScratchCluster {
  cluster: { origin: string; grpcPorts: { auth: number; router: number; adapter: number } };
  simulator: { origin: string };
  databaseUrl: string;
  close(): Promise<void>;
}

interface BenchLib {
  startScratchCluster(): Promise<ScratchCluster>;
  CLIENT_KEY: string;
  LIMITED_KEY: string;
}

type Timed = () => Promise<unknown>;

const BODY = { model: 'bench-model', messages: [{ role: 'user', content: 'Say hello in five words.' }], max_tokens: 32 };

async function lib(): Promise<BenchLib> {
  const root = resolve(process.cwd(), 'bench/lib');
  const load = (file: string): Promise<Record<string, unknown>> => import(pathToFileURL(join(root, file)).href) as Promise<Record<string, unknown>>;
  const parts = await Promise.all(['scratch-cluster.mjs', 'targets.mjs'].map(load));
  return Object.assign({}, ...parts) as BenchLib;
}

async function drain(events: AsyncIterable<ResponseEvent>): Promise<void> {
  for await (const event of events) if (event.event?.$case === 'error') throw new Error(event.event.value.message);
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
    const auth = new GrpcAuthClient(`127.0.0.1:${cluster.grpcPorts.auth}`);
    const router = new GrpcRouterClient(`127.0.0.1:${cluster.grpcPorts.router}`);
    const adapter = new GrpcAdapterClient(`127.0.0.1:${cluster.grpcPorts.adapter}`);
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
    const timed: Record<string, Timed> = {
      'simulator direct': async () => (await fetch(`${sim.origin}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sim-key' }, body: JSON.stringify({ ...BODY, model: 'sim-model' }) })).text(),
      'Generate (adapter)': () => drain(adapter.generate(generate, signal)),
      'Route (router → adapter)': () => drain(router.route(chat, signal)),
      'Admit (auth)': () => auth.admit(admitOf(b.CLIENT_KEY, `hops-${n++}`)),
      'Admit, limited key': () => auth.admit(admitOf(b.LIMITED_KEY, `hops-${n++}`)),
      'whole request (ingress)': async () => (await post(b.CLIENT_KEY)).text(),
    };
    const settleTimes: number[] = [];
    const ledgerTimes: number[] = [];
    // Priming: the JIT of every process reaches the request path (see bench/README.md).
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let i = 0; i < 250; i++) await (await post(b.CLIENT_KEY)).text();
    }));
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(timed).map((k) => [k, []]));
    for (let i = 0; i < calls; i++) {
      for (const [name, call] of Object.entries(timed)) {
        const t0 = performance.now();
        await call();
        times[name]?.push(performance.now() - t0);
      }
      if (i % 10 === 0) {
        // Settle, off the request path: the limited key's lease, admitted then settled.
        const admitted = await auth.admit(admitOf(b.LIMITED_KEY, `hops-settle-${i}`));
        const t0 = performance.now();
        if (admitted.ticket) await auth.settle({ ticket: admitted.ticket, model: 'bench-model', usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, cacheHit: false, startedAtMs: Date.now() });
        settleTimes.push(performance.now() - t0);
        // From the answer to its row in the ledger: usage publish (≤ 50 ms batching), BullMQ, billing.
        const res = await post(b.CLIENT_KEY);
        await res.text();
        const answered = performance.now();
        const id = res.headers.get('x-request-id');
        while ((await ledger.query('SELECT 1 FROM usage_records WHERE request_id = $1', [id])).rowCount === 0) await new Promise((r) => setTimeout(r, 1));
        ledgerTimes.push(performance.now() - answered);
      }
    }
    const m = (name: string): number => median(times[name] ?? []);
    console.log(`${calls} calls of each, c=1, interleaved; medians in ms`);
    console.log('| measured | p50 ms |');
    console.log('| --- | ---: |');
    for (const name of Object.keys(timed)) console.log(`| ${name} | ${m(name).toFixed(3)} |`);
    console.log(`| Settle (auth, limited key) | ${median(settleTimes).toFixed(3)} |`);
    console.log(`| answer → ledger row (publish, queue, billing) | ${median(ledgerTimes).toFixed(1)} |`);
    console.log('\n| hop | added p50 ms |');
    console.log('| --- | ---: |');
    console.log(`| adapter (Generate − direct) | ${(m('Generate (adapter)') - m('simulator direct')).toFixed(3)} |`);
    console.log(`| router (Route − Generate) | ${(m('Route (router → adapter)') - m('Generate (adapter)')).toFixed(3)} |`);
    console.log(`| auth (Admit) | ${m('Admit (auth)').toFixed(3)} |`);
    console.log(`| ingress (whole − Admit − Route) | ${(m('whole request (ingress)') - m('Admit (auth)') - m('Route (router → adapter)')).toFixed(3)} |`);
    console.log(`| whole − direct | ${(m('whole request (ingress)') - m('simulator direct')).toFixed(3)} |`);
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
