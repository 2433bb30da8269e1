import { Logger } from '@nestjs/common';
import type { Database } from '@switchyard/db';
import type { AuthPort, RouterPort, UsageSink } from '@switchyard/ir';
import type { BatchQueue } from '@switchyard/queue';
import { type PeriodicJob, startPeriodicJob } from '@switchyard/shared';
import { BatchRunner } from './batches/batch-runner';
import type { FileStorage } from './files/file-storage';
import { FileExpirySweep } from './files/file-expiry';
import { FilesService } from './files/files.service';
import { batchLineOperations } from './lines/batch-line.registry';

export interface BatchWorkerOptions {
  db: Database;
  /** Where input files are read from and output and error files written to (openFileStorage). */
  storage: FileStorage;
  queue: BatchQueue;
  /** Lines are admitted and routed through these, as the ingress's requests are. */
  auth: AuthPort;
  router: RouterPort;
  usage: UsageSink;
  region: string;
  lineConcurrency: number;
  /** How often expired files are deleted (SWITCHYARD_FILES_SWEEP_MS); they are invisible from their expiry on. */
  sweepMs: number;
}

/**
 * The batch worker of a process (standalone, or cluster billing): consumes the queue and, at
 * start, queues again every batch the last run of any worker left unfinished (a queue that
 * lost it — the in-process one after a restart — gets it back; BullMQ ignores an id it holds).
 */
export async function startBatchWorker(o: BatchWorkerOptions): Promise<{ stop(): Promise<void> }> {
  const files = new FilesService(o.db, o.storage);
  const runner = new BatchRunner(o.db, files, o.usage, batchLineOperations(o.auth, o.router), { lineConcurrency: o.lineConcurrency, region: o.region });
  o.queue.consume((id) => runner.run(id));
  const unfinished = await runner.unfinished();
  for (const id of unfinished) await o.queue.enqueue(id);
  if (unfinished.length) new Logger('BatchWorker').log(`${unfinished.length} unfinished batch(es) queued again`);
  const sweeper = sweepEvery(new FileExpirySweep(o.db, o.storage), o.sweepMs);
  // Lines in flight stay pending; the run fails so the queue gives the batch to the next worker.
  return {
    stop: async () => {
      runner.stop();
      await sweeper.stop();
    },
  };
}

/**
 * Expired files (docs/architecture.md, "Files and batches") are deleted by a timer in each
 * process that runs batches: the sweep is idempotent, so several processes sweeping at once only
 * repeat a cheap indexed query, and no queue or leader is needed for it.
 */
function sweepEvery(sweep: FileExpirySweep, everyMs: number): PeriodicJob<number> {
  const log = new Logger('FileExpirySweep');
  return startPeriodicJob(
    async () => {
      const n = await sweep.sweep(new Date());
      if (n) log.log(`${n} expired file(s) deleted`);
      return n;
    },
    { everyMs, onError: (e) => log.warn(`expired files not swept (next pass retries): ${String(e)}`) },
  );
}
