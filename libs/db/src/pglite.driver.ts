import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Transaction } from '@electric-sql/pglite';
import type { PrismaPGlite } from 'pglite-prisma-adapter';
import { acquirePgliteLock } from './pglite-lock';
import type { SqlSession, SqlSessionSource } from './sql-session.types';

export const DEFAULT_PGLITE_DIR = './data/pglite';

export interface PgliteDriver {
  adapter: PrismaPGlite;
  sessions: SqlSessionSource;
}

/** Embedded Postgres persisted in dataDir; PGlite is one session, shared with Prisma. */
export async function openPglite(dataDir: string = DEFAULT_PGLITE_DIR): Promise<PgliteDriver> {
  // Loaded on demand: processes on Postgres (cluster mode) never pay for PGlite's Wasm.
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('pglite-prisma-adapter'),
  ]);
  const dir = resolve(dataDir);
  await mkdir(dir, { recursive: true });
  const release = acquirePgliteLock(dir);
  let pglite;
  try {
    pglite = await PGlite.create(dir);
  } catch (err) {
    release();
    throw err;
  }
  const session: SqlSession = {
    async query<T>(sql: string, params?: unknown[]) {
      return (await pglite.query<T>(sql, params)).rows;
    },
    async exec(script) {
      await pglite.exec(script);
    },
    // PGlite's transaction() holds its single connection for the whole callback, so Prisma
    // queries from elsewhere wait instead of landing inside this transaction.
    transaction: (fn) => pglite.transaction((tx) => fn(transactionSession(tx))),
  };
  return {
    adapter: new PrismaPGlite(pglite),
    sessions: {
      withSession: (fn) => fn(session),
      // PGlite's internal timers keep the process alive until it is closed.
      close: () => pglite.close().finally(release),
    },
  };
}

function transactionSession(tx: Transaction): SqlSession {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      return (await tx.query<T>(sql, params)).rows;
    },
    async exec(script) {
      await tx.exec(script);
    },
    transaction: () => Promise.reject(new Error('PGlite does not nest transactions')),
  };
}
