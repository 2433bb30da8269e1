import type { UsageEvent } from '@switchyard/ir';
import { activeSpan, activeTraceparent } from '@switchyard/telemetry';

/**
 * The trace context each usage event was published in, kept beside the event rather than in it
 * (the event is the billing contract, proto/), and handed over with its batch by index. Weak:
 * an event dropped or delivered takes its entry with it. Used only with tracing on.
 */
export class UsageTraces {
  private readonly byEvent = new WeakMap<UsageEvent, string>();

  /** Called at publish, in the request's context; only a recorded (sampled) trace is carried on. */
  remember(event: UsageEvent): void {
    if (!activeSpan()) return;
    const traceparent = activeTraceparent();
    if (traceparent) this.byEvent.set(event, traceparent);
  }

  /** The batch's trace contexts by index ('' for none), or undefined when none has one. */
  of(events: readonly UsageEvent[]): string[] | undefined {
    let any = false;
    const out = events.map((e) => {
      const t = this.byEvent.get(e);
      if (t === undefined) return '';
      any = true;
      return t;
    });
    return any ? out : undefined;
  }
}
