import type { RecordedRequest } from './recorded-request.types';

interface Waiter {
  readonly predicate: (request: RecordedRequest) => boolean;
  readonly resolve: (request: RecordedRequest) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Keeps the received requests (bounded) and wakes tests waiting for one to reach a state. */
export class RequestRecorder {
  readonly requests: RecordedRequest[] = [];
  private readonly waiters = new Set<Waiter>();

  constructor(
    readonly enabled: boolean,
    private readonly maxRecords: number,
  ) {}

  add(request: RecordedRequest): void {
    this.requests.push(request);
    if (this.requests.length > this.maxRecords) this.requests.shift();
    this.changed(request);
  }

  /** Call after mutating a record (aborted, completed) so waiters re-check it. */
  changed(request: RecordedRequest): void {
    for (const waiter of this.waiters) {
      if (waiter.predicate(request)) this.settle(waiter).resolve(request);
    }
  }

  waitFor(predicate: (request: RecordedRequest) => boolean, timeoutMs: number): Promise<RecordedRequest> {
    if (!this.enabled) return Promise.reject(new Error('provider simulator: recording is disabled (record: false)'));
    const found = this.requests.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(waiter).reject(
          new Error(`provider simulator: no request matched within ${timeoutMs} ms (${this.requests.length} recorded)`),
        );
      }, timeoutMs);
      const waiter: Waiter = { predicate, resolve, reject, timer };
      this.waiters.add(waiter);
    });
  }

  clear(): void {
    this.requests.length = 0;
  }

  /** Rejects every pending waitFor, so a closed simulator leaves no timers behind. */
  close(): void {
    for (const waiter of this.waiters) this.settle(waiter).reject(new Error('provider simulator: closed'));
  }

  private settle(waiter: Waiter): Waiter {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
    return waiter;
  }
}
