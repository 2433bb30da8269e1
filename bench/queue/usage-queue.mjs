// The usage queue's own cost (issue 11), without the rest of the cluster: CPU of publishing and of
// consuming N usage events as one BullMQ job per event (the layout before issue 11: addBulk per
// flush, worker concurrency 16) or one job per flush (now: add, concurrency 4), with a no-op
// handler, in this process and in Redis (INFO cpu). The job options are the sink's.
//   node bench/queue/usage-queue.mjs per-event|batch   (env N, PER_FLUSH, REDIS_URL)
// Keys live under a prefix of their own and are deleted at the end.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/9';
const N = Number(process.env.N ?? 3000), PER_FLUSH = Number(process.env.PER_FLUSH ?? 20);
const mode = process.argv[2];
if (mode !== 'per-event' && mode !== 'batch') throw new Error('usage: usage-queue.mjs per-event|batch');
const prefix = `micro-${process.pid}`;
const ev = (i) => ({ requestId: `r-${i}-${randomUUID()}`, tenantId: 'acme', keyId: 'k1', model: 'bench-model', providerId: 'openai', deploymentId: 'd1', upstreamModel: 'sim-model', dialect: 1, stream: false, status: 'ok', httpStatus: 200, usage: { inputTokens: 12, outputTokens: 30 }, latencyMs: 3, startedAt: Date.now(), finishedAt: Date.now(), attempts: 1 });
const OPTS = { attempts: 20, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: { age: 3600, count: 10000 }, removeOnFail: { age: 604800 } };
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const admin = new Redis(URL);
const redisCpu = async () => { const info = await admin.info('cpu'); const g = (k) => Number(info.match(new RegExp(`${k}:([0-9.]+)`))[1]); return (g('used_cpu_sys') + g('used_cpu_user')) * 1000; };
const conn = new Redis(URL, { maxRetriesPerRequest: 3 });
const queue = new Queue('usage', { connection: conn, prefix });
await queue.waitUntilReady();
let r0 = await redisCpu(), c0 = cpu();
for (let i = 0; i < N; i += PER_FLUSH) {
  const events = Array.from({ length: PER_FLUSH }, (_, j) => ev(i + j));
  if (mode === 'per-event') await queue.addBulk(events.map((data) => ({ name: 'record-usage', data, opts: { ...OPTS, jobId: data.requestId } })));
  else await queue.add('record-usage-batch', { events }, { ...OPTS, jobId: randomUUID() });
}
const pubCpu = cpu() - c0, pubRedis = (await redisCpu()) - r0;
let got = 0;
r0 = await redisCpu(); c0 = cpu();
const wconn = new Redis(URL, { maxRetriesPerRequest: null });
await new Promise((resolve) => {
  const w = new Worker('usage', async (job) => { got += job.name === 'record-usage' ? 1 : job.data.events.length; if (got >= N) resolve(w); }, { connection: wconn, prefix, concurrency: mode === 'per-event' ? 16 : 4 });
}).then((w) => w.close());
const conCpu = cpu() - c0, conRedis = (await redisCpu()) - r0;
console.log(JSON.stringify({ mode, N, PER_FLUSH, publishCpuUsPerEvent: +(pubCpu * 1000 / N).toFixed(1), consumeCpuUsPerEvent: +(conCpu * 1000 / N).toFixed(1), redisCpuUsPerEvent_publish: +(pubRedis * 1000 / N).toFixed(1), redisCpuUsPerEvent_consume: +(conRedis * 1000 / N).toFixed(1) }));
const keys = await admin.keys(`${prefix}:*`); if (keys.length) await admin.del(...keys);
await queue.close(); conn.disconnect(); wconn.disconnect(); admin.disconnect();
