import { onShutdownSignal } from './shutdown-signal';

describe(onShutdownSignal.name, () => {
  const signals = ['SIGTERM', 'SIGINT'] as const;
  let before: Record<string, ((...args: unknown[]) => void)[]>;
  let exit: jest.SpyInstance;

  beforeEach(() => {
    before = Object.fromEntries(signals.map((s) => [s, process.listeners(s) as ((...args: unknown[]) => void)[]]));
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
  });

  afterEach(() => {
    for (const s of signals) for (const l of process.listeners(s)) if (!before[s]?.includes(l as (...args: unknown[]) => void)) process.removeListener(s, l as () => void);
    exit.mockRestore();
  });

  it('drains once and exits 0, still listening: a second signal during the drain does not kill the process', async () => {
    let finish!: () => void;
    const drain = jest.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    onShutdownSignal(drain);

    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGTERM', 'SIGTERM');
    // Were nobody listening, Node's default action for these signals would end the process.
    expect(process.listenerCount('SIGTERM')).toBeGreaterThan(before['SIGTERM']?.length ?? 0);
    finish();
    await new Promise((resolve) => setImmediate(resolve));

    expect(drain).toHaveBeenCalledTimes(1);
    expect(drain).toHaveBeenCalledWith('SIGINT');
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('exits 1 when the drain fails', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    onShutdownSignal(() => Promise.reject(new Error('queue would not close')));

    process.emit('SIGTERM', 'SIGTERM');
    await new Promise((resolve) => setImmediate(resolve));

    expect(exit).toHaveBeenCalledWith(1);
    expect(error).toHaveBeenCalledWith(expect.stringContaining('queue would not close'));
    error.mockRestore();
  });
});
