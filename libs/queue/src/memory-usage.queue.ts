import { Logger } from '@nestjs/common';
import type { UsageEvent, UsageSink } from '@switchyard/ir';
import { TRACING, metricSeries } from '@switchyard/telemetry';
import type { UsageConsumer, UsageHandler } from './queue-names';
import { UsageTraces } from './usage-traces';

const MAX_ATTEMPTS = 8;
// Events are written in batches after a short delay: one multi-row insert instead of one per
// request. PGlite runs in its own worker thread, so what a batch costs this (the request)
// thread is pricing the events, building the insert's columns and copying them to the worker,
// proportional to the batch and done in one piece: small batches often keep each piece short
// (a request waiting behind it waits less), and a statement per 100 rows costs the worker
// little more than one per 500. A run takes what had gathered when it started and then only
// full batches: what arrives while a batch is written waits for the next delay, instead of
// going as a trickle of small batches (under steady load that was ~13 rows a statement, each
// statement costing the worker nearly what 100 rows do).
const FLUSH_DELAY_MS = 200;
export const MEMORY_QUEUE_MAX_BATCH = 100;

/**
 * Standalone without Redis: producer and consumer in one process, delivered in the background
 * with retries; close() drains what is pending. What is pending when the process is killed is
 * lost — run with REDIS_URL where that matters (docs/architecture.md §5).
 */
export class MemoryUsageQueue implements UsageSink, UsageConsumer {
  private readonly log = new Logger(MemoryUsageQueue.name);
  private pending: UsageEvent[] = [];
  private handler: UsageHandler | undefined;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private readonly traces = new UsageTraces();
  private readonly stopGauges: (() => void)[] = [];

  publish(event: UsageEvent): void {
    this.pending.push(event);
    if (TRACING.on) this.traces.remember(event);
    this.schedule();
  }

  consume(handler: UsageHandler): void {
    this.handler = handler;
    this.schedule();
    // Read at scrape time: the events not yet handed to the handler, and the oldest one's age.
    const { usageQueueDepth, usageQueueOldestAge } = metricSeries();
    this.stopGauges.push(
      usageQueueDepth.collect((set) => set({}, this.pending.length)),
      usageQueueOldestAge.collect((set) => set({}, this.pending[0]?.finishedAt ? Math.max(0, (Date.now() - this.pending[0].finishedAt) / 1000) : 0)),
    );
  }

  /** Resolves when everything published so far has been handled. */
  async drain(): Promise<void> {
    for (;;) {
      if (this.draining) await this.draining;
      else if (this.handler && this.pending.length) this.startRun(true);
      else return;
    }
  }

  /** Events not yet recorded (the reconciliation waits for them). */
  backlog(): number {
    return this.pending.length;
  }

  async close(): Promise<void> {
    for (const stop of this.stopGauges.splice(0)) stop();
    await this.drain();
  }

  private schedule(): void {
    if (this.timer || this.draining || !this.handler || this.pending.length === 0) return;
    this.timer = setTimeout(() => this.startRun(), FLUSH_DELAY_MS);
  }

  /** `all`: until nothing is pending (drain); otherwise one batch, then only full ones. */
  private startRun(all = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.draining = this.run(all).finally(() => {
      this.draining = undefined;
      this.schedule();
    });
  }

  private async run(all: boolean): Promise<void> {
    const handler = this.handler;
    for (let first = true; handler && this.pending.length && (all || first || this.pending.length >= MEMORY_QUEUE_MAX_BATCH); first = false) {
      const batch = this.pending.slice(0, MEMORY_QUEUE_MAX_BATCH);
      this.pending = this.pending.slice(batch.length);
      await this.deliver(handler, batch);
    }
  }

  private async deliver(handler: UsageHandler, batch: UsageEvent[]): Promise<void> {
    const traceparents = TRACING.on ? this.traces.of(batch) : undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        return await handler(batch, traceparents);
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS) {
          this.log.error(`${batch.length} usage events dropped after ${attempt} attempts: ${String(err)}`);
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(5000, 50 * 2 ** attempt)));
      }
    }
  }
}
