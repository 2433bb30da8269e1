import type { Database } from '@switchyard/db';
import { IrError } from '@switchyard/ir';
import { type FileStorage, storageForRows } from './file-storage';

// OpenAI's file expiration policy (API reference, "Create file" `expires_after` and "Create
// batch" `output_expires_after`): anchor `created_at` (the file's creation time), seconds from
// 3600 (1 hour) to 2592000 (30 days). "By default, files with purpose=batch expire after 30 days
// and all other files are persisted until they are manually deleted"; the reference names no
// default for the output and error files a batch writes, so those are kept until deleted unless
// the batch set `output_expires_after`.

export const MIN_EXPIRES_SECONDS = 3600;
export const MAX_EXPIRES_SECONDS = 2_592_000;
/** An uploaded `purpose=batch` file without `expires_after`: 30 days, OpenAI's documented default. */
export const BATCH_UPLOAD_EXPIRES_SECONDS = 2_592_000;
/** Expired files deleted per statement, so one sweep never holds a long transaction. */
const SWEEP_CHUNK = 500;

/** `expires_after` as a JSON object (`output_expires_after` of POST /v1/batches): its seconds, or undefined when absent. */
export function expiresAfterOf(value: unknown, param: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw IrError.invalid(`Invalid type for '${param}': expected an object with 'anchor' and 'seconds'.`, param);
  const o = value as Record<string, unknown>;
  return checkedExpiry(o['anchor'], o['seconds'], `${param}.anchor`, `${param}.seconds`);
}

/** `expires_after[anchor]` and `expires_after[seconds]` as multipart fields (POST /v1/files): the seconds, or undefined when both are absent. */
export function expiresAfterOfForm(anchor: string | undefined, seconds: string | undefined): number | undefined {
  if (anchor === undefined && seconds === undefined) return undefined;
  const n = seconds !== undefined && /^\d+$/.test(seconds.trim()) ? Number(seconds.trim()) : seconds;
  return checkedExpiry(anchor, n, 'expires_after[anchor]', 'expires_after[seconds]');
}

function checkedExpiry(anchor: unknown, seconds: unknown, anchorParam: string, secondsParam: string): number {
  if (anchor === undefined) throw IrError.invalid(`Missing required parameter: '${anchorParam}'.`, anchorParam);
  if (anchor !== 'created_at') throw IrError.invalid(`Invalid value for '${anchorParam}': supported anchors are 'created_at'.`, anchorParam);
  if (seconds === undefined) throw IrError.invalid(`Missing required parameter: '${secondsParam}'.`, secondsParam);
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < MIN_EXPIRES_SECONDS || seconds > MAX_EXPIRES_SECONDS) {
    throw IrError.invalid(`Invalid value for '${secondsParam}': must be an integer between ${MIN_EXPIRES_SECONDS} (1 hour) and ${MAX_EXPIRES_SECONDS} (30 days).`, secondsParam);
  }
  return seconds;
}

/** The expiry of a file created at `createdAt` that expires `seconds` after it; null = never. */
export function expiryAt(createdAt: Date, seconds: number | undefined | null): Date | null {
  return seconds ? new Date(createdAt.getTime() + seconds * 1000) : null;
}

/**
 * Deletes expired files, rows and bytes (docs/architecture.md, "Files and batches"). Until the
 * sweep reaches them, expired files are already invisible: every look-up reads only unexpired
 * rows. Safe to run in several processes at once: a row deleted twice is deleted once, and the
 * bytes go after their row (a crash in between leaves an orphan blob, never a row without bytes).
 */
export class FileExpirySweep {
  private readonly storageOf: (row: { id: string; storage: string }) => FileStorage;

  constructor(
    private readonly db: Database,
    storage: FileStorage,
  ) {
    this.storageOf = storageForRows(db, storage);
  }

  /** One pass; the number of files deleted. */
  async sweep(now: Date): Promise<number> {
    let deleted = 0;
    for (;;) {
      const expired = await this.db.prisma.storedFile.findMany({ where: { expiresAt: { lte: now } }, select: { id: true, storage: true }, take: SWEEP_CHUNK });
      if (!expired.length) return deleted;
      // Each row's bytes where they were put (a row from before a bucket was configured is in the
      // database), chosen before any row goes: a store this process lacks fails the pass, not a row.
      const stored = expired.map((f) => ({ id: f.id, storage: this.storageOf(f) }));
      const ids = stored.map((f) => f.id);
      await this.db.prisma.storedFile.deleteMany({ where: { id: { in: ids } } });
      for (const f of stored) await f.storage.delete(f.id);
      deleted += ids.length;
      if (expired.length < SWEEP_CHUNK) return deleted;
    }
  }
}
