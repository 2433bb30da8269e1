/**
 * The messages between the main thread and the worker thread that owns PGlite
 * (`pglite.worker.ts`; docs/architecture.md §5). Everything here crosses a structured clone:
 * plain data only, no functions, no class instances that must stay what they were.
 */

/** Prisma's query shape (`SqlQuery` of its driver adapters), kept structural. */
export interface WorkerSqlQuery {
  sql: string;
  args: unknown[];
  argTypes: unknown[];
}

/** Prisma's result shape (`SqlResultSet`). */
export interface WorkerResultSet {
  columnTypes: number[];
  columnNames: string[];
  rows: unknown[][];
}

/** Which engine a transaction serves: Prisma's adapter, or the raw `SqlSession`. */
export type WorkerTransactionKind = 'prisma' | 'session';

export type WorkerRequest =
  /** Raw session query: rows as objects, PGlite's own value parsing. */
  | { id: number; op: 'query'; tx?: number; sql: string; params?: unknown[] }
  | { id: number; op: 'exec'; tx?: number; script: string }
  /** Through pglite-prisma-adapter, so Prisma sees exactly what it would in-process. */
  | { id: number; op: 'queryRaw'; tx?: number; query: WorkerSqlQuery }
  | { id: number; op: 'executeRaw'; tx?: number; query: WorkerSqlQuery }
  | { id: number; op: 'executeScript'; script: string }
  | { id: number; op: 'begin'; kind: WorkerTransactionKind; isolationLevel?: string }
  | { id: number; op: 'commit'; tx: number }
  | { id: number; op: 'rollback'; tx: number }
  | { id: number; op: 'close' };

export type WorkerOp = WorkerRequest['op'];

/** An error as it crossed the thread boundary: its message, name and enumerable fields. */
export interface WorkerError {
  name: string;
  message: string;
  /** Postgres fields (code, detail, …) or the DriverAdapterError's cause. */
  fields: Record<string, unknown>;
}

export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WorkerError };

/** The worker's first message: PGlite is open (or why not). */
export type WorkerReady = { ready: true } | { ready: false; error: WorkerError };

export interface WorkerStartData {
  dataDir: string;
}

/** Turns anything thrown into a cloneable `WorkerError`. */
export function toWorkerError(error: unknown): WorkerError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value !== 'function' && typeof value !== 'symbol') fields[key] = value;
  }
  // DriverAdapterError keeps its payload in `cause`, which Prisma maps to its own errors.
  if (error.cause !== undefined) fields['cause'] = error.cause;
  return { name: error.name, message: error.message, fields };
}

/** The main thread's copy of an error thrown in the worker, with the fields callers read. */
export function fromWorkerError(error: WorkerError): Error {
  const copy = new Error(error.message);
  Object.assign(copy, error.fields);
  copy.name = error.name;
  return copy;
}
