// The worker thread that owns the embedded database (docs/architecture.md §5): PGlite runs its
// Wasm here, never on the thread that serves requests. Started by PgliteWorkerClient (and, to
// initialise an empty folder, run once as a child process); bundled on its own (tools/build.mjs
// emits dist/apps/standalone/pglite.worker.js).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
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

/** Opens PGlite with our settings (pglite.settings.ts). */
async function openPglite(dataDir: string): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create(dataDir, pgliteOptions(PGlite.defaultStartParams));
}

/** Worker-thread mode: open the database and answer the main thread until it says close. */
async function serve(port: MessagePort, start: WorkerStartData): Promise<void> {
  let server: WorkerServer;
  try {
    const pglite = await openPglite(start.dataDir);
    const { PrismaPGlite } = await import('pglite-prisma-adapter');
    const adapter = (await new PrismaPGlite(pglite).connect()) as unknown as PrismaAdapter;
    server = new WorkerServer(port, pglite, adapter);
  } catch (error) {
    post(port, { ready: false, error: toWorkerError(error) });
    return;
  }
  port.on('message', (request: WorkerRequest) => void server.handle(request));
  post(port, { ready: true });
}

/**
 * Child-process mode, for an empty folder: initdb runs here and the process exits. initdb
 * leaves some 450 MB of Wasm memory and compiled code behind (PGlite 0.5.16), which only the
 * end of a process gives back to the system; in the server's own process it stayed resident.
 */
async function initialise(dataDir: string): Promise<void> {
  const pglite = await openPglite(dataDir);
  await pglite.close();
}

class WorkerServer {
  private readonly transactions = new Map<number, OpenTransaction>();
  private nextTx = 1;

  constructor(
    private readonly port: MessagePort,
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
    post(this.port, reply);
    if (request.op === 'close') this.port.close();
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

function post(port: MessagePort, message: WorkerReply | WorkerReady): void {
  try {
    port.postMessage(message);
  } catch (error) {
    // A value the structured clone cannot copy (a result or an error field): say so instead.
    const id = 'id' in message ? message.id : undefined;
    const failure = toWorkerError(new Error(`the embedded database's answer could not be sent to the main thread: ${String(error)}`));
    port.postMessage(id === undefined ? { ready: false, error: failure } : { id, ok: false, error: failure });
  }
}

if (parentPort) {
  void serve(parentPort, workerData as WorkerStartData);
} else {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: node pglite.worker.js <data dir>   (initialises an empty PGlite folder)');
  initialise(dataDir).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
