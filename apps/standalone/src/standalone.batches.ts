import { BATCH_ENDPOINTS, BatchesService, FilesService, MessageBatchesService, openFileStorage, startBatchWorker, type BatchesApi } from '@switchyard/batches';
import { fileStoreSettingsOf, type SwitchyardEnv } from '@switchyard/config';
import type { Database } from '@switchyard/db';
import type { AuthPort, RouterPort, UsageSink } from '@switchyard/ir';
import { type BatchQueue, BullBatchQueue, MemoryBatchQueue } from '@switchyard/queue';

export interface StandaloneBatches {
  api: BatchesApi;
  queueKind: string;
  /** For /readyz: the files bucket when the bytes live in one (the database needs no check of its own here). */
  readiness: { name: string; ready(): Promise<boolean> }[];
  close(): Promise<void>;
}

/**
 * Files and batches in the standalone process (docs/architecture.md, "Files and batches"): the
 * files in the database or a bucket (SWITCHYARD_FILES_STORE), batch runs on BullMQ with Redis (a killed process's batch resumes in the
 * next one holding the queue) or on an in-process queue without.
 */
export async function startStandaloneBatches(db: Database, env: SwitchyardEnv, ports: { auth: AuthPort; router: RouterPort; usage: UsageSink; region: string }): Promise<StandaloneBatches> {
  const queue: BatchQueue = env.REDIS_URL
    ? new BullBatchQueue(env.REDIS_URL, { concurrency: env.SWITCHYARD_BATCH_WORKERS, lockMs: env.SWITCHYARD_BATCH_LOCK_MS })
    : new MemoryBatchQueue(env.SWITCHYARD_BATCH_WORKERS);
  const files = await openFileStorage(fileStoreSettingsOf(env), db);
  const worker = await startBatchWorker({ db, storage: files.storage, queue, ...ports, lineConcurrency: env.SWITCHYARD_BATCH_LINE_CONCURRENCY, sweepMs: env.SWITCHYARD_FILES_SWEEP_MS });
  return {
    api: { auth: ports.auth, files: new FilesService(db, files.storage), batches: new BatchesService(db, queue, BATCH_ENDPOINTS), messageBatches: new MessageBatchesService(db, queue), maxFileBytes: env.SWITCHYARD_FILES_MAX_BYTES },
    queueKind: env.REDIS_URL ? 'BullMQ' : 'in-process',
    readiness: files.probe ? [{ name: files.probe.name, ready: files.probe.check }] : [],
    async close() {
      await worker.stop();
      await queue.close();
      files.close();
    },
  };
}
