import { eventually } from './process-harness';
import type { OtlpReceiver, ReceivedSpan } from './otlp-receiver';

/** OTLP span kinds (the OTLP/JSON encoding's numbers). */
export const KIND = { internal: 1, server: 2, client: 3, consumer: 5 } as const;

/** A received trace, queried the way the assertions read it. */
export class TraceTree {
  constructor(readonly spans: ReceivedSpan[]) {}

  /** The one span named `name` (fails on none or several). */
  one(name: string): ReceivedSpan {
    const found = this.spans.filter((s) => s.name === name);
    if (found.length !== 1) throw new Error(`expected one span "${name}", found ${found.length}: ${this.names().join(', ')}`);
    return found[0] as ReceivedSpan;
  }

  all(name: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.name === name);
  }

  childrenOf(parent: ReceivedSpan): ReceivedSpan[] {
    return this.spans.filter((s) => s.parentSpanId === parent.spanId);
  }

  names(): string[] {
    return this.spans.map((s) => `${s.service}:${s.name}`);
  }
}

/** Waits until the trace holds every span `complete` asks for (spans arrive in batches from several processes). */
export function collectTrace(receiver: OtlpReceiver, traceId: string, complete: (t: TraceTree) => void): Promise<TraceTree> {
  return eventually(async () => {
    const tree = new TraceTree(receiver.trace(traceId));
    complete(tree);
    return tree;
  }, 15_000, `trace ${traceId} complete`);
}
