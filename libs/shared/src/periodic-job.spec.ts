import { startPeriodicJob } from './periodic-job';

/** A run the test finishes by hand, so "still going" is a state the test holds, not a race. */
function controlledRun() {
  const pending: { resolve(n: number): void; reject(e: unknown): void }[] = [];
  const run = jest.fn(() => new Promise<number>((resolve, reject) => pending.push({ resolve, reject })));
  return { run, finish: (n: number) => pending.shift()?.resolve(n), fail: (e: unknown) => pending.shift()?.reject(e) };
}

/** Lets the promise callbacks queued so far run (fake timers do not touch microtasks). */
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe(startPeriodicJob.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs at once, then once every interval', async () => {
    const { run, finish } = controlledRun();
    const job = startPeriodicJob(run, { everyMs: 1_000, onError: jest.fn() });
    await flush();
    expect(run).toHaveBeenCalledTimes(1);
    finish(1);
    await flush();

    jest.advanceTimersByTime(999);
    await flush();
    expect(run).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1);
    await flush();
    expect(run).toHaveBeenCalledTimes(2);
    finish(2);
    await job.stop();
  });

  it('skips a tick while the previous run is still going, and runs again at the tick after it ended', async () => {
    const { run, finish } = controlledRun();
    const job = startPeriodicJob(run, { everyMs: 1_000, onError: jest.fn() });
    await flush();
    jest.advanceTimersByTime(3_000);
    await flush();
    expect(run).toHaveBeenCalledTimes(1);

    finish(7);
    await flush();
    jest.advanceTimersByTime(1_000);
    await flush();
    expect(run).toHaveBeenCalledTimes(2);
    finish(8);
    await job.stop();
  });

  it('runNow joins the run under way and resolves its result', async () => {
    const { run, finish } = controlledRun();
    const job = startPeriodicJob(run, { everyMs: 1_000, onError: jest.fn() });
    const joined = job.runNow();
    await flush();
    finish(42);
    expect(await joined).toBe(42);
    expect(run).toHaveBeenCalledTimes(1);
    await job.stop();
  });

  it('reports a failed run, resolves undefined for it, and keeps running', async () => {
    const { run, finish, fail } = controlledRun();
    const onError = jest.fn();
    const job = startPeriodicJob(run, { everyMs: 1_000, onError });
    const first = job.runNow();
    await flush();
    const boom = new Error('database down');
    fail(boom);
    expect(await first).toBeUndefined();
    expect(onError).toHaveBeenCalledWith(boom);

    jest.advanceTimersByTime(1_000);
    await flush();
    expect(run).toHaveBeenCalledTimes(2);
    finish(1);
    await job.stop();
  });

  it('reports a run that throws before it returns a promise', async () => {
    const onError = jest.fn();
    const job = startPeriodicJob(() => {
      throw new Error('bad');
    }, { everyMs: 1_000, onError });
    expect(await job.runNow()).toBeUndefined();
    expect(onError).toHaveBeenCalledTimes(1);
    await job.stop();
  });

  it('stop waits for the run under way and leaves no timer behind', async () => {
    const { run, finish } = controlledRun();
    const job = startPeriodicJob(run, { everyMs: 1_000, onError: jest.fn() });
    await flush();
    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await flush();
    expect(stopped).toBe(false);
    expect(jest.getTimerCount()).toBe(0);

    finish(1);
    await stopping;
    expect(stopped).toBe(true);
    jest.advanceTimersByTime(10_000);
    await flush();
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('unrefs its timer, so housekeeping never keeps a process alive', async () => {
    const unref = jest.spyOn(global, 'setInterval');
    const job = startPeriodicJob(() => Promise.resolve(0), { everyMs: 1_000, onError: jest.fn() });
    const timer = unref.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    unref.mockRestore();
    await job.stop();
  });
});
