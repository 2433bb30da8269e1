import { Logger } from '@nestjs/common';
import type { AuthPort, QuotaTicket, UsageEvent } from '@switchyard/ir';

const SETTLE_TRIES = 3;
const SETTLE_BACKOFF_MS = 500;

/**
 * An admitted request's place in the quota store, from admission to settlement: renews the
 * concurrency lease while the request runs (a third of the lease, so two renewals may fail
 * before the slot lapses) and settles exactly once at the end, on every path. If this process
 * dies the lease simply runs out and the slot comes back by itself.
 */
export class QuotaHold {
  private static readonly log = new Logger('QuotaHold');
  private timer: NodeJS.Timeout | undefined;
  private settled = false;

  constructor(
    private readonly auth: AuthPort,
    private readonly ticket: QuotaTicket,
  ) {
    const every = Math.floor((ticket.leaseMs) / 3);
    if (every > 0) {
      this.timer = setInterval(() => {
        this.auth.heartbeat({ ticket }).catch((e: unknown) => QuotaHold.log.warn(`lease renewal of ${ticket.requestId} failed: ${String(e)}`));
      }, every);
      this.timer.unref();
    }
  }

  /**
   * Real usage replaces the reservation. Runs after the answer; never delays or fails it.
   * `alsoBilled` are the request's other ledger rows (hedge attempts that lost their race): the
   * budget is charged for them too, as the ledger is.
   */
  settle(usage: UsageEvent | undefined, alsoBilled: readonly UsageEvent[] = []): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer) clearInterval(this.timer);
    let tokens = usage?.usage;
    if (tokens && alsoBilled.length) {
      tokens = { ...tokens };
      for (const e of alsoBilled) {
        tokens.inputTokens = (tokens.inputTokens) + (e.usage?.inputTokens ?? 0);
        tokens.outputTokens = (tokens.outputTokens) + (e.usage?.outputTokens ?? 0);
      }
    }
    const request = {
      ticket: this.ticket,
      model: usage?.model ?? '',
      usage: tokens,
      cacheHit: usage?.cacheHit ?? false,
      startedAtMs: usage?.startedAt ?? this.ticket.atMs ?? 0,
    };
    void this.trySettle(request, 1);
  }

  private async trySettle(request: Parameters<AuthPort['settle']>[0], attempt: number): Promise<void> {
    try {
      await this.auth.settle(request);
    } catch (e) {
      if (attempt >= SETTLE_TRIES) {
        // The lease then runs out and the store charges the reservation in full (the safe side
        // for a budget); the ledger has the real cost.
        QuotaHold.log.error(`settling ${this.ticket.requestId} failed ${attempt} times: ${String(e)}`);
        return;
      }
      await new Promise((r) => setTimeout(r, SETTLE_BACKOFF_MS * attempt));
      return this.trySettle(request, attempt + 1);
    }
  }
}
