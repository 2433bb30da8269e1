import { Logger } from '@nestjs/common';
import { Database, deleteUsageBefore } from '@switchyard/db';

const DAY_MS = 86_400_000;

/** How often retention runs: hourly keeps each run small; the cut-off moves by whole days anyway. */
export const USAGE_RETENTION_EVERY_MS = 3_600_000;

/**
 * Deletes raw usage rows older than the retention period (SWITCHYARD_USAGE_RETENTION_DAYS, issue
 * 16), in batches. Rollups, and so reports and statements, are kept: only per-request detail
 * (the usage API's client request id look-up, latencies) goes.
 */
export class UsageRetention {
  private readonly log = new Logger(UsageRetention.name);

  constructor(
    private readonly db: Database,
    readonly days: number,
  ) {}

  /** One pass; resolves how many rows were deleted. */
  readonly run = async (now = Date.now()): Promise<number> => {
    const before = new Date(now - this.days * DAY_MS);
    const deleted = await deleteUsageBefore(this.db, before);
    if (deleted > 0) this.log.log(`deleted ${deleted} raw usage rows started before ${before.toISOString()} (retention ${this.days} days; rollups kept)`);
    return deleted;
  };
}
