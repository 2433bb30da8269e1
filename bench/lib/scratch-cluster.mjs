// The bench's cluster on its own, for the tools that study it (bench/profile.mjs, bench/hops):
// the simulator and the five services as bench/run.mjs starts them, on a fresh database and the
// bench's own Redis db, all stopped and dropped by `close()`. `nodeArgs` go before each cluster
// process's entry point (profiler, GC flags).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Children } from './children.mjs';
import { clusterInfra, createFreshDatabase, otherRedisClients, redact, resetOwnRedis } from './infra.mjs';
import { startCluster, startSimulator, writeGatewayConfig } from './targets.mjs';

export async function startScratchCluster({ nodeArgs = () => [] } = {}) {
  const children = new Children();
  const start = children.start.bind(children);
  children.start = (name, args, env) => start(name, name.startsWith('cluster') ? [...nodeArgs(name), ...args] : args, env);
  const infra = clusterInfra();
  const others = await otherRedisClients(infra);
  if (others.length) throw new Error(`${others.length} other connection(s) to ${redact(infra.redisUrl)} (from ${others.slice(0, 3).join(', ')}): a cluster left running, or a test on that database; stop it first`);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-scratch-'));
  const db = await createFreshDatabase(infra.postgresUrl);
  await resetOwnRedis(infra);
  const close = async () => {
    await children.stopAll();
    await db.drop();
    await resetOwnRedis(infra);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const simulator = await startSimulator(children);
    const cluster = await startCluster(children, { configPath: writeGatewayConfig(dir, simulator.port), dataDir: dir, databaseUrl: db.url, redisUrl: infra.redisUrl, simulator: simulator.simulator });
    return { cluster, simulator, databaseUrl: db.url, close };
  } catch (err) {
    await close();
    throw err;
  }
}
