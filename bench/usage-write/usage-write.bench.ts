// What recording usage costs standalone per request, thread by thread (issue 11): PGlite in its
// worker thread, fresh data folder, the ledger's and the request audit's writes exactly as the
// in-memory queue hands them to billing's UsageRecorder (batches of MEMORY_QUEUE_MAX_BATCH).
// Prints CPU µs per recorded request for the main thread and each other thread of the process
// (the busiest other one is PGlite's worker), after a warm-up round; a lever finder for A/B runs
// of two trees in the same conditions, not a figure for the docs on its own.
//   node tools/build.mjs usage-write-bench && node dist/bench/usage-write.js   (env ROWS, ROUNDS, BATCH)
// EXTRA_SQL='DROP INDEX …; …' runs after the migrations: what a schema change would buy, before making it.
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageRecorder } from '@switchyard/billing';
import { applyMigrations, createDatabase } from '@switchyard/db';
import { Dialect, type UsageEvent } from '@switchyard/ir';
import { MEMORY_QUEUE_MAX_BATCH } from '@switchyard/queue';

const ROWS = Number(process.env['ROWS'] ?? 5000);
const ROUNDS = Number(process.env['ROUNDS'] ?? 3);
const BATCH = Number(process.env['BATCH'] ?? MEMORY_QUEUE_MAX_BATCH);
const TICK_MS = 10; // CLK_TCK 100 on every common Linux build

/** CPU ms by thread id, from /proc (utime + stime). */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(f[11]) + Number(f[12])) * TICK_MS);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

let seq = 0;
/** An event shaped like the bench's requests: one tenant, one key, one model, the audit's facts. */
function event(): UsageEvent {
  const now = Date.now();
  seq += 1;
  return {
    requestId: `req_${process.pid}_${seq}_${Math.random().toString(36).slice(2, 10)}`,
    tenantId: 'bench', keyId: 'key-bench', model: 'bench-model', providerId: 'sim', deploymentId: 'sim/sim-model', upstreamModel: 'sim-model',
    dialect: Dialect.DIALECT_OPENAI, stream: false, status: 'ok', httpStatus: 200, errorKind: 0,
    usage: { inputTokens: 12, outputTokens: 9, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 },
    latencyMs: 1, ttftMs: 0, region: '', startedAt: now - 1, finishedAt: now, cacheHit: false, attempts: 1, clientRequestId: '',
    audit: { clientIp: '127.0.0.1', endpoint: '/v1/chat/completions', auditOnly: false, dataRegions: [], piiAction: '', piiCategories: [] },
  } as UsageEvent;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'usage-write-bench-'));
  const before = new Set(threadCpu().keys());
  const db = await createDatabase({ dataDir: join(dir, 'pglite') });
  try {
    await applyMigrations(db);
    for (const statement of (process.env['EXTRA_SQL'] ?? '').split(';').map((s) => s.trim()).filter(Boolean)) await db.withSession((s) => s.query(statement, []));
    const started = [...threadCpu().keys()].filter((t) => !before.has(t));
    const recorder = new UsageRecorder(db);
    const main = String(process.pid);
    for (let round = 0; round <= ROUNDS; round++) {
      const events = Array.from({ length: ROWS }, event);
      const t0 = threadCpu();
      const w0 = performance.now();
      for (let i = 0; i < events.length; i += BATCH) await recorder.recordMany(events.slice(i, i + BATCH));
      const wall = performance.now() - w0;
      const t1 = threadCpu();
      const perRow = (tid: string) => (((t1.get(tid) ?? 0) - (t0.get(tid) ?? 0)) * 1000) / ROWS;
      const others = [...t1.keys()].filter((t) => t !== main).map((t) => [t, perRow(t)] as const).filter(([, us]) => us > 0).sort((a, b) => b[1] - a[1]);
      const total = perRow(main) + others.reduce((s, [, us]) => s + us, 0);
      const label = round === 0 ? 'warm-up' : `round ${round}`;
      console.log(`${label}: ${ROWS} rows in batches of ${BATCH}, ${wall.toFixed(0)} ms wall; CPU µs per row: total ${total.toFixed(0)}, main ${perRow(main).toFixed(0)}, ` +
        others.slice(0, 4).map(([t, us]) => `${started.includes(t) ? 'worker?' : 'thread'} ${t} ${us.toFixed(0)}`).join(', '));
    }
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
