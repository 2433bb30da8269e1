import { abortableSleep } from './abortable-sleep';

describe(abortableSleep.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const settled = async (p: Promise<void>) => {
    let done = false;
    void p.then(() => (done = true));
    await Promise.resolve();
    await Promise.resolve();
    return done;
  };

  it('resolves once the wait has passed, not before', async () => {
    const p = abortableSleep(1_000, new AbortController().signal);
    jest.advanceTimersByTime(999);
    expect(await settled(p)).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await settled(p)).toBe(true);
  });

  it('resolves at once when the signal aborts during the wait, and leaves no timer behind', async () => {
    const controller = new AbortController();
    const p = abortableSleep(60_000, controller.signal);
    controller.abort();
    expect(await settled(p)).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does not wait when the signal had already aborted, or for a wait that is not positive', async () => {
    const aborted = AbortSignal.abort();
    expect(await settled(abortableSleep(60_000, aborted))).toBe(true);
    expect(await settled(abortableSleep(0, new AbortController().signal))).toBe(true);
    expect(await settled(abortableSleep(-5, new AbortController().signal))).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });
});
