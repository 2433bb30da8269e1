import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type PoolClient } from 'pg';
import type { SqlSession, SqlSessionSource } from './sql-session.types';

/**
 * Per process, not per request: the hot path never waits on Postgres (billing writes go through
 * the queue), so a handful of connections serve config reads, auth cache misses and billing
 * inserts. Override with `?connection_limit=N` in DATABASE_URL (the name Prisma users know).
 */
export const DEFAULT_POOL_SIZE = 10;

export interface PostgresDriver {
  adapter: PrismaPg;
  sessions: SqlSessionSource;
}

/** One pg pool shared by the Prisma adapter and the raw sessions (migrations, locks). */
export function openPostgres(databaseUrl: string): PostgresDriver {
  const { connectionString, max } = poolSettings(databaseUrl);
  const pool = new Pool({
    connectionString,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client dies when Postgres restarts or a proxy drops it; pg emits that on the pool,
  // and an unhandled 'error' event would crash the process. The next query reconnects.
  pool.on('error', () => undefined);
  return {
    adapter: new PrismaPg(pool),
    sessions: {
      async withSession(fn) {
        const client = await pool.connect();
        // pg-pool listens for errors only on idle clients: a lent one whose connection dies
        // (Postgres restarting) emits 'error' with no listener, which kills the process. Its
        // queries fail on their own ("not queryable"), so the event itself needs no handling.
        client.on('error', ignoreLostConnection);
        try {
          const result = await fn(pgSession(client));
          client.release();
          return result;
        } catch (error) {
          // The session may still hold a lock or an open transaction: drop it, do not reuse it.
          client.release(true);
          throw error;
        } finally {
          client.off('error', ignoreLostConnection);
        }
      },
      close: () => pool.end(),
    },
  };
}

function ignoreLostConnection(): void {
  // See withSession: the session's next query reports the lost connection.
}

/** The pool size from `?connection_limit=N` (Prisma's name for it), default DEFAULT_POOL_SIZE. */
function poolSettings(databaseUrl: string): { connectionString: string; max: number } {
  const url = new URL(databaseUrl);
  const limit = url.searchParams.get('connection_limit');
  if (limit === null) return { connectionString: databaseUrl, max: DEFAULT_POOL_SIZE };
  const max = Number(limit);
  if (!Number.isInteger(max) || max < 1) {
    throw new Error(`DATABASE_URL: connection_limit must be a positive integer, got "${limit}"`);
  }
  url.searchParams.delete('connection_limit');
  return { connectionString: url.toString(), max };
}

function pgSession(client: PoolClient): SqlSession {
  const session: SqlSession = {
    async query<T>(sql: string, params?: unknown[]) {
      const result = await client.query(sql, params);
      return result.rows as T[];
    },
    async exec(script) {
      await client.query(script);
    },
    async transaction(fn) {
      await client.query('BEGIN');
      try {
        const result = await fn(session);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
  };
  return session;
}
