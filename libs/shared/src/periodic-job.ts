export interface PeriodicJobOptions {
  /** Milliseconds from one run's start to the next tick. */
  everyMs: number;
  /** Told of a run that failed; the job goes on, and the next run tries again. */
  onError: (err: unknown) => void;
}

export interface PeriodicJob<T> {
  /**
   * Runs now, or joins the run under way; resolves its result, undefined when it failed (the
   * failure went to `onError`). Lets a caller also run the job on demand (a write that notices
   * the sweep is due) without ever running two at once.
   */
  runNow(): Promise<T | undefined>;
  /** Stops the timer and waits for a run under way, so what it uses (a database) can close after it. */
  stop(): Promise<void>;
}

/**
 * A process's housekeeping timer (expired files, stored responses, audit rows): runs `run` now
 * — a process that starts after a pause catches up at once — then every `everyMs`. A tick that
 * finds the previous run still going skips (a large backlog is not joined by a second pass); a
 * failed run is reported and does not stop the job. The timer is unref'd: housekeeping never
 * keeps a process alive that has nothing else to do.
 */
export function startPeriodicJob<T>(run: () => Promise<T>, options: PeriodicJobOptions): PeriodicJob<T> {
  let running: Promise<T | undefined> | undefined;
  const runNow = (): Promise<T | undefined> => {
    running ??= Promise.resolve()
      .then(run)
      .catch((err: unknown) => {
        options.onError(err);
        return undefined;
      })
      .finally(() => (running = undefined));
    return running;
  };
  void runNow();
  let timer: NodeJS.Timeout | undefined = setInterval(() => void runNow(), options.everyMs);
  timer.unref();
  return {
    runNow,
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
