import type { ResponseEvent, ResponseEventBatch } from '@switchyard/ir';

const IDLE = Symbol('idle');

// A source that has thousands of events ready at once (a large answer replayed from the cache)
// is still cut into messages of this many, so the stream's backpressure keeps acting on it.
const MAX_BATCH_EVENTS = 32;

/**
 * The events of a Route or Generate stream as gRPC messages (`ResponseEventBatch`): every event
 * that is ready before the event loop turns is sent in one message. A non-streaming answer (all
 * its events decoded from one upstream body) is one message; a streaming one is a message per
 * upstream read, never held back for a later one, since a batch is cut as soon as the source has
 * nothing more ready (a `setImmediate`, i.e. after the pending I/O callbacks, not a timer).
 * One write, frame and syscall per batch instead of per event (docs/architecture.md §7). The
 * last batch (possibly empty) is marked `final`.
 */
export async function* eventBatches(source: AsyncIterable<ResponseEvent>): AsyncGenerator<ResponseEventBatch> {
  const iterator = source[Symbol.asyncIterator]();
  let events: ResponseEvent[] = [];
  // One idle check per batch, shared by every wait within it.
  let idle: Promise<typeof IDLE> | undefined;
  let finished = false;
  let next: Promise<IteratorResult<ResponseEvent>> | undefined;
  // The batch so far, handed out; the next one starts empty, with no idle check yet.
  const cut = (): ResponseEventBatch => {
    idle = undefined;
    const batch = events;
    events = [];
    return { events: batch, final: false };
  };
  try {
    next = iterator.next();
    for (;;) {
      let result: IteratorResult<ResponseEvent> | typeof IDLE;
      try {
        result = idle ? await Promise.race([next, idle]) : await next;
      } catch (error) {
        // The events before the failure still go out, then the failure ends the stream.
        finished = true;
        if (events.length) yield { events, final: false };
        throw error;
      }
      if (result === IDLE) {
        // The source has nothing more ready: send what we have, keep waiting for `next`.
        yield cut();
        continue;
      }
      if (result.done) break;
      events.push(result.value);
      next = iterator.next();
      if (events.length >= MAX_BATCH_EVENTS) yield cut();
      else idle ??= new Promise((resolve) => setImmediate(resolve, IDLE));
    }
    finished = true;
    // Marked final, so the reader need not wait for the call's status (ResponseEventBatch.final).
    yield { events, final: true };
  } finally {
    // Stopped early (the caller went away, so its signal aborted the source): let the source
    // clean up, as for-await would, without waiting on it; a read still pending may reject.
    if (!finished) {
      next?.catch(ignore);
      Promise.resolve(iterator.return?.()).catch(ignore);
    }
  }
}

function ignore(): void {}
