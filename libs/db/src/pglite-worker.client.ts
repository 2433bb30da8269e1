import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { fromWorkerError, type WorkerReady, type WorkerReply, type WorkerRequest, type WorkerStartData } from './pglite-worker.protocol';

/** A request as the caller writes it: the client numbers it. */
export type WorkerCall = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The main thread's end of the embedded database: one worker thread owns PGlite and answers
 * numbered requests in any order (docs/architecture.md §5). When the worker dies, every pending
 * and later call fails with the reason, instead of hanging.
 */
export class PgliteWorkerClient {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopped: Error | undefined;
  // Set by close(): the worker's exit that follows is the close's, not a failure.
  private closing = false;
  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (error) => this.stop(new Error(`the embedded database's worker failed: ${error.message}`)));
    worker.on('exit', (code) => this.stop(this.closing ? closedError() : new Error(`the embedded database's worker stopped (exit code ${code})`)));
    // The worker keeps the process alive until close(), as PGlite's own timers did in-process:
    // a caller awaiting an answer has nothing else holding the event loop open.
  }

  /**
   * Starts the worker on dataDir and resolves once PGlite is open. An empty folder is first
   * initialised by the same script run as a child process: initdb leaves ~450 MB behind that
   * only the end of a process gives back (pglite.worker.ts).
   */
  static async open(script: string, dataDir: string): Promise<PgliteWorkerClient> {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialise(script, dataDir);
    const worker = startWorker(script, dataDir);
    try {
      await ready(worker);
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    return new PgliteWorkerClient(worker);
  }

  call<T>(request: WorkerCall): Promise<T> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      // A message the structured clone cannot copy throws here, synchronously.
      try {
        this.worker.postMessage({ ...request, id });
      } catch (error) {
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Closes PGlite (rolling back what is open) and ends the worker. Safe to call more than once. */
  async close(): Promise<void> {
    if (!this.stopped) {
      this.closing = true;
      await this.call({ op: 'close' }).catch(() => undefined);
      this.stop(closedError());
      await this.worker.terminate();
    }
    await this.exited;
  }

  private settle(reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(fromWorkerError(reply.error));
  }

  private stop(reason: Error): void {
    this.stopped ??= reason;
    for (const pending of this.pending.values()) pending.reject(this.stopped);
    this.pending.clear();
  }
}

/**
 * The worker's young generation, in MB. The worker runs PGlite's glue and structured clones, which
 * allocate little; V8 had grown its new space to 16 MB by the end of start-up, all of it resident
 * and idle (docs/architecture.md §7, "fifth round").
 */
const WORKER_YOUNG_GENERATION_MB = 3;

/**
 * Starts the worker with its own young-generation limit. A --max-semi-space-size flag (the
 * standalone launch sets one for the request thread) is process-wide and wins over a worker's
 * resourceLimits, and V8 reads it once per isolate, when the isolate's heap is set up: so it is
 * unset while the worker's isolate is created and put back once the worker is online (or gone).
 */
function startWorker(script: string, dataDir: string): Worker {
  const semiSpace = semiSpaceFlag([...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)]);
  if (semiSpace !== undefined) setFlagsFromString('--max-semi-space-size=0');
  const worker = new Worker(script, { workerData: { dataDir } satisfies WorkerStartData, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
  if (semiSpace !== undefined) {
    let restored = false;
    const restore = () => {
      if (!restored) setFlagsFromString(`--max-semi-space-size=${semiSpace}`);
      restored = true;
    };
    worker.once('online', restore);
    worker.once('exit', restore);
  }
  return worker;
}

/** The value of the last --max-semi-space-size flag among args (V8 takes the last), if any. */
export function semiSpaceFlag(args: readonly string[]): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const m = /^--max[-_]semi[-_]space[-_]size(?:=(\d+))?$/.exec(args[i] ?? '');
    if (m) value = m[1] ?? args[++i];
  }
  return value;
}

function closedError(): Error {
  return new Error('the embedded database is closed');
}

/** Runs initdb in a child process and waits for it; its error output is the error's message. */
function initialise(script: string, dataDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [dataDir], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`could not initialise the embedded database in ${dataDir} (${signal ?? `exit code ${code}`}): ${stderr.trim()}`));
    });
  });
}

/** Resolves on the worker's ready message; rejects with its error, or if it exits first. */
function ready(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the embedded database's worker exited (code ${code}) before it opened the database`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (message: WorkerReady) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (message.ready) resolve();
      else reject(fromWorkerError(message.error));
    });
  });
}
