import { Logger } from '@nestjs/common';
import { USAGE_RETENTION_EVERY_MS, type UsageRetention } from './usage-retention.service';

// The first pass waits a minute: start-up (migrations, cache loads) has the database first.
const FIRST_RUN_MS = 60_000;

/**
 * Standalone's retention schedule: a timer in the process instead of billing's BullMQ job. Several
 * replicas on one Postgres each run it; their deletes overlap harmlessly (a row goes once).
 */
export class UsageRetentionTimer {
  private readonly log = new Logger('UsageRetention');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly retention: UsageRetention, private readonly everyMs = USAGE_RETENTION_EVERY_MS) {}

  start(): void {
    const tick = (delay: number) => {
      this.timer = setTimeout(() => {
        this.running = this.retention.run().catch((err: unknown) => this.log.warn(`usage retention failed, retried in ${this.everyMs / 60_000} min: ${String(err)}`));
        void this.running.finally(() => this.timer !== undefined && tick(this.everyMs));
      }, delay);
      // Never what keeps the process alive.
      this.timer.unref();
    };
    tick(Math.min(FIRST_RUN_MS, this.everyMs));
  }

  /** Stops the timer and waits for a pass in flight, so the database is not closed under it. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
