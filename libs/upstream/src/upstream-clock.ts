import type { ErrorEvent, ResponseEvent } from '@switchyard/ir';
import { performance } from 'node:perf_hooks';

/** One upstream call's time, from the request sent (monotonic clock). */
export class UpstreamClock {
  private readonly started = performance.now();

  seconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  stamp(error: ErrorEvent): ErrorEvent {
    error.upstreamSeconds = this.seconds();
    return error;
  }

  stampUsage(ev: ResponseEvent): ResponseEvent {
    if (ev.event?.$case === 'usage') ev.event.value.upstreamSeconds = this.seconds();
    return ev;
  }

  stampStop(ev: ResponseEvent): ResponseEvent {
    if (ev.event?.$case === 'stop') ev.event.value.upstreamSeconds = this.seconds();
    return ev;
  }
}
