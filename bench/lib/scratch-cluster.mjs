// The bench's targets on their own, for the tools that study them (bench/profile.mjs,
// bench/hops): the simulator and either the five cluster services as bench/run.mjs starts them,
// on a fresh database and the bench's own Redis db, or the standalone process with its launch
// flags; all stopped (and dropped) by `close()`. `nodeArgs` go before each gateway process's
// entry point (profiler, GC flags).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Children } from './children.mjs';
import { clusterInfra, createFreshDatabase, refuseSharedRedis, resetOwnRedis } from './infra.mjs';
import { startCluster, startSimulator, startStandalone, writeGatewayConfig } from './targets.mjs';

export async function startScratchCluster({ nodeArgs = () => [] } = {}) {
  const infra = clusterInfra();
  await refuseSharedRedis(infra);
  const db = await createFreshDatabase(infra.postgresUrl);
  await resetOwnRedis(infra);
  return scratch(
    (name) => name.startsWith('cluster'),
    nodeArgs,
    async (children, dir, simulator) => ({
      cluster: await startCluster(children, { configPath: writeGatewayConfig(dir, simulator.port), dataDir: dir, databaseUrl: db.url, redisUrl: infra.redisUrl, simulator: simulator.simulator }),
      databaseUrl: db.url,
    }),
    async () => {
      await db.drop();
      await resetOwnRedis(infra);
    },
  );
}

/** The standalone process as the bench starts it, shaped like the scratch cluster (`cluster.origin`, `cluster.gateway`). */
export async function startScratchStandalone({ nodeArgs = () => [] } = {}) {
  return scratch(
    (name) => name === 'standalone',
    nodeArgs,
    async (children, dir, simulator) => {
      const target = await startStandalone(children, { configPath: writeGatewayConfig(dir, simulator.port), dataDir: dir, simulator: simulator.simulator });
      return { cluster: { origin: target.origin, gateway: target.gateway } };
    },
    async () => {},
  );
}

/** Children whose gateway processes get `nodeArgs`, a scratch folder and the simulator; `close()` undoes it all. */
async function scratch(isGateway, nodeArgs, startTarget, dropInfra) {
  const children = new Children();
  const start = children.start.bind(children);
  children.start = (name, args, env) => start(name, isGateway(name) ? [...nodeArgs(name), ...args] : args, env);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-scratch-'));
  const close = async () => {
    await children.stopAll();
    await dropInfra();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const simulator = await startSimulator(children);
    return { ...(await startTarget(children, dir, simulator)), simulator, close };
  } catch (err) {
    await close();
    throw err;
  }
}
