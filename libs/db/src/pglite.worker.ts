// The worker thread that owns the embedded database (docs/architecture.md §5): PGlite runs its
// Wasm here, never on the thread that serves requests. Started by PgliteWorkerClient; bundled on
// its own (tools/build.mjs emits dist/apps/standalone/pglite.worker.js).
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { pgliteOptions } from './pglite.settings';
import {
  toWorkerError,
  type WorkerReady,
  type WorkerReply,
  type WorkerRequest,
  type WorkerResultSet,
  type WorkerSqlQuery,
  type WorkerStartData,
  type WorkerTransactionKind,
} from './pglite-worker.protocol';

/** Prisma's adapter, as far as this worker calls it (its types name another Prisma version). */
interface Queryable {
  queryRaw(query: WorkerSqlQuery): Promise<WorkerResultSet>;
  executeRaw(query: WorkerSqlQuery): Promise<number>;
}
interface PrismaAdapter extends Queryable {
  executeScript(script: string): Promise<void>;
  startTransaction(isolationLevel?: string): Promise<Queryable & { commit(): Promise<void>; rollback(): Promise<void> }>;
}

/** An open transaction: what it answers to, and how it ends. */
interface OpenTransaction {
  kind: WorkerTransactionKind;
  prisma?: Queryable;
  session?: Transaction;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

const port = parentPort;
if (!port) throw new Error('pglite.worker must run as a worker thread');
const start = workerData as WorkerStartData;

async function main(): Promise<void> {
  let pglite: PGlite;
  let adapter: PrismaAdapter;
  try {
    const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import('@electric-sql/pglite'), import('pglite-prisma-adapter')]);
    pglite = await PGlite.create(start.dataDir, pgliteOptions(PGlite.defaultStartParams));
    if (start.initOnly) {
      await pglite.close();
      post({ ready: true });
      return;
    }
    adapter = (await new PrismaPGlite(pglite).connect()) as unknown as PrismaAdapter;
  } catch (error) {
    post({ ready: false, error: toWorkerError(error) });
    return;
  }
  const server = new WorkerServer(pglite, adapter);
  port!.on('message', (request: WorkerRequest) => void server.handle(request));
  post({ ready: true });
}

class WorkerServer {
  private readonly transactions = new Map<number, OpenTransaction>();
  private nextTx = 1;

  constructor(
    private readonly pglite: PGlite,
    private readonly adapter: PrismaAdapter,
  ) {}

  async handle(request: WorkerRequest): Promise<void> {
    let reply: WorkerReply;
    try {
      reply = { id: request.id, ok: true, value: await this.run(request) };
    } catch (error) {
      reply = { id: request.id, ok: false, error: toWorkerError(error) };
    }
    post(reply);
    if (request.op === 'close') port!.close();
  }

  private async run(request: WorkerRequest): Promise<unknown> {
    switch (request.op) {
      case 'query': {
        const target = request.tx === undefined ? this.pglite : this.session(request.tx);
        return (await target.query(request.sql, request.params)).rows;
      }
      case 'exec': {
        const target = request.tx === undefined ? this.pglite : this.session(request.tx);
        await target.exec(request.script);
        return undefined;
      }
      case 'queryRaw':
        return this.prisma(request.tx).queryRaw(request.query);
      case 'executeRaw':
        return this.prisma(request.tx).executeRaw(request.query);
      case 'executeScript':
        return this.adapter.executeScript(request.script);
      case 'begin':
        return this.begin(request.kind, request.isolationLevel);
      case 'commit':
        return this.end(request.tx, 'commit');
      case 'rollback':
        return this.end(request.tx, 'rollback');
      case 'close':
        // Whatever the main thread left open would hold PGlite's connection: roll it back.
        await Promise.allSettled([...this.transactions.keys()].map((tx) => this.end(tx, 'rollback')));
        await this.pglite.close();
        return undefined;
    }
  }

  private async begin(kind: WorkerTransactionKind, isolationLevel?: string): Promise<number> {
    const tx = this.nextTx++;
    this.transactions.set(tx, kind === 'prisma' ? await this.beginPrisma(isolationLevel) : await this.beginSession());
    return tx;
  }

  private async beginPrisma(isolationLevel?: string): Promise<OpenTransaction> {
    const prisma = await this.adapter.startTransaction(isolationLevel);
    return { kind: 'prisma', prisma, commit: () => prisma.commit(), rollback: () => prisma.rollback() };
  }

  /**
   * PGlite's transaction() holds its one connection for the whole callback, so queries sent
   * outside the transaction wait for it instead of landing inside it. The callback stays open
   * until the main thread commits or rolls back.
   */
  private beginSession(): Promise<OpenTransaction> {
    return new Promise((opened, failed) => {
      let finish!: (rollback: boolean) => void;
      const finished = new Promise<boolean>((resolve) => (finish = resolve));
      const done = this.pglite.transaction(async (session) => {
        const end = async (rollback: boolean) => {
          finish(rollback);
          await done;
        };
        opened({ kind: 'session', session, commit: () => end(false), rollback: () => end(true) });
        if (await finished) await session.rollback();
      });
      done.catch(failed);
    });
  }

  private async end(tx: number, how: 'commit' | 'rollback'): Promise<void> {
    const open = this.open(tx);
    this.transactions.delete(tx);
    await (how === 'commit' ? open.commit() : open.rollback());
  }

  private open(tx: number): OpenTransaction {
    const open = this.transactions.get(tx);
    if (!open) throw new Error(`no open transaction ${tx} (it was committed, rolled back, or never begun)`);
    return open;
  }

  private session(tx: number): Transaction {
    const open = this.open(tx);
    if (!open.session) throw new Error(`transaction ${tx} is Prisma's; raw session queries cannot join it`);
    return open.session;
  }

  private prisma(tx: number | undefined): Queryable {
    if (tx === undefined) return this.adapter;
    const open = this.open(tx);
    if (!open.prisma) throw new Error(`transaction ${tx} is a raw session's; Prisma queries cannot join it`);
    return open.prisma;
  }
}

function post(message: WorkerReply | WorkerReady): void {
  try {
    port!.postMessage(message);
  } catch (error) {
    // A value the structured clone cannot copy (a result or an error field): say so instead.
    const id = 'id' in message ? message.id : undefined;
    const failure = toWorkerError(new Error(`the embedded database's answer could not be sent to the main thread: ${String(error)}`));
    port!.postMessage(id === undefined ? { ready: false, error: failure } : { id, ok: false, error: failure });
  }
}

void main();
