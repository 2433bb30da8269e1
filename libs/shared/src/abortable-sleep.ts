/**
 * Waits `ms` (a back-off before trying again), or less if `signal` aborts first: a process that
 * is stopping, or a client that went away, must not sit out the rest of a wait. Resolves, never
 * rejects: the caller looks at the signal to tell which happened. No wait at all when the signal
 * has already aborted (an abort event that fired before the listener was added would never
 * reach it) or when `ms` is not positive.
 */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (!(ms > 0) || signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
