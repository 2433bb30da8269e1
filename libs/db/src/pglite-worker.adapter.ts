import type { Prisma } from './generated/prisma/client';
import { mapPgliteAdapterError } from './pglite-error.mapper';
import type { PgliteWorkerClient } from './pglite-worker.client';
import type { WorkerResultSet, WorkerSqlQuery } from './pglite-worker.protocol';

type AdapterFactory = NonNullable<Prisma.PrismaClientOptions['adapter']>;
type SqlDriverAdapter = Awaited<ReturnType<AdapterFactory['connect']>>;
type SqlTransaction = Awaited<ReturnType<SqlDriverAdapter['startTransaction']>>;
type SqlQuery = Parameters<SqlDriverAdapter['queryRaw']>[0];
type SqlResultSet = Awaited<ReturnType<SqlDriverAdapter['queryRaw']>>;

// The name of the adapter that really runs the queries, in the worker.
const ADAPTER_NAME = 'pglite-prisma-adapter';

/**
 * Prisma's driver adapter on the main thread, forwarding every call to pglite-prisma-adapter in
 * the database's worker thread. Errors come back with their name and cause, so a
 * DriverAdapterError still becomes Prisma's own error, with constraint violations mapped to
 * the kinds Prisma knows (P2002 and friends; `pglite-error.mapper.ts`).
 */
export class PgliteWorkerAdapterFactory implements AdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = ADAPTER_NAME;

  constructor(private readonly client: PgliteWorkerClient) {}

  connect(): Promise<SqlDriverAdapter> {
    const client = this.client;
    const adapter: SqlDriverAdapter = {
      provider: 'postgres',
      adapterName: ADAPTER_NAME,
      ...queryable(client, undefined),
      executeScript: (script) => client.call({ op: 'executeScript', script }),
      async startTransaction(isolationLevel) {
        const tx = await client.call<number>({ op: 'begin', kind: 'prisma', isolationLevel });
        const transaction: SqlTransaction = {
          provider: 'postgres',
          adapterName: ADAPTER_NAME,
          // Prisma sends no BEGIN/COMMIT of its own: the worker's adapter opened the transaction.
          options: { usePhantomQuery: true },
          ...queryable(client, tx),
          commit: () => client.call({ op: 'commit', tx }),
          rollback: () => client.call({ op: 'rollback', tx }),
        };
        return transaction;
      },
      getConnectionInfo: () => ({ supportsRelationJoins: true }),
      dispose: () => Promise.resolve(),
    };
    return Promise.resolve(adapter);
  }
}

function queryable(client: PgliteWorkerClient, tx: number | undefined): Pick<SqlDriverAdapter, 'queryRaw' | 'executeRaw'> {
  return {
    queryRaw: async (query: SqlQuery) => (await client.call<WorkerResultSet>({ op: 'queryRaw', tx, query: query as WorkerSqlQuery }).catch(rethrow)) as SqlResultSet,
    executeRaw: (query: SqlQuery) => client.call<number>({ op: 'executeRaw', tx, query: query as WorkerSqlQuery }).catch(rethrow),
  };
}

function rethrow(error: unknown): never {
  throw mapPgliteAdapterError(error);
}
