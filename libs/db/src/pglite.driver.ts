import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { acquirePgliteLock } from './pglite-lock';
import { PgliteWorkerAdapterFactory } from './pglite-worker.adapter';
import { PgliteWorkerClient } from './pglite-worker.client';
import type { SqlSession, SqlSessionSource } from './sql-session.types';

export const DEFAULT_PGLITE_DIR = './data/pglite';

export interface PgliteDriver {
  adapter: PgliteWorkerAdapterFactory;
  sessions: SqlSessionSource;
}

/**
 * Embedded Postgres persisted in dataDir, owned by a worker thread (docs/architecture.md §5):
 * PGlite's Wasm never runs on the thread that serves requests. PGlite is one session, shared
 * by Prisma and the raw sessions; the lock file stays this process's.
 */
export async function openPglite(dataDir: string = DEFAULT_PGLITE_DIR): Promise<PgliteDriver> {
  const dir = resolve(dataDir);
  await mkdir(dir, { recursive: true });
  const release = acquirePgliteLock(dir);
  let client: PgliteWorkerClient;
  try {
    // Imported when used, so the test harness's stand-in is in place whatever a spec imported first.
    const { locatePgliteWorker } = await import('./pglite-worker.locator');
    client = await PgliteWorkerClient.open(locatePgliteWorker(), dir);
  } catch (err) {
    release();
    throw err;
  }
  const session: SqlSession = {
    query: (sql, params) => client.call({ op: 'query', sql, params }),
    exec: (script) => client.call({ op: 'exec', script }),
    async transaction(fn) {
      const tx = await client.call<number>({ op: 'begin', kind: 'session' });
      let result;
      try {
        result = await fn(transactionSession(client, tx));
      } catch (error) {
        await client.call({ op: 'rollback', tx }).catch(() => undefined);
        throw error;
      }
      await client.call({ op: 'commit', tx });
      return result;
    },
  };
  return {
    adapter: new PgliteWorkerAdapterFactory(client),
    sessions: {
      withSession: (fn) => fn(session),
      close: () => client.close().finally(release),
    },
  };
}

function transactionSession(client: PgliteWorkerClient, tx: number): SqlSession {
  return {
    query: (sql, params) => client.call({ op: 'query', tx, sql, params }),
    exec: (script) => client.call({ op: 'exec', tx, script }),
    transaction: () => Promise.reject(new Error('PGlite does not nest transactions')),
  };
}
