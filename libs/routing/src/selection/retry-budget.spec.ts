import { RetryBudget } from './retry-budget';

describe(RetryBudget.name, () => {
  let time: number;
  const now = () => time;
  beforeEach(() => {
    time = 0;
  });

  it('allows the floor of minPerSecond × 10 retries without any traffic', () => {
    const sut = new RetryBudget({ ratio: 0.2, minPerSecond: 0.3 }, now);

    expect(sut.available()).toBe(3);
    expect([sut.tryRetry(), sut.tryRetry(), sut.tryRetry(), sut.tryRetry()]).toEqual([true, true, true, false]);
    expect(sut.available()).toBe(0);
    expect(sut.refused()).toBe(1);
  });

  it('adds ratio × requests of the last 10 s to the floor', () => {
    const sut = new RetryBudget({ ratio: 0.2, minPerSecond: 0 }, now);
    for (let i = 0; i < 14; i++) sut.recordRequest();

    expect(sut.available()).toBe(2); // floor(2.8)
    sut.recordRequest();
    expect(sut.available()).toBe(3);
    expect(sut.tryRetry()).toBe(true);
    expect(sut.available()).toBe(2);
  });

  it('absorbs float error in ratio × requests', () => {
    const sut = new RetryBudget({ ratio: 0.29, minPerSecond: 0 }, now);
    for (let i = 0; i < 100; i++) sut.recordRequest();

    expect(sut.available()).toBe(29);
  });

  it('refuses retries once spent and counts every refusal', () => {
    const sut = new RetryBudget({ ratio: 0.5, minPerSecond: 0 }, now);
    sut.recordRequest();
    sut.recordRequest();

    expect(sut.tryRetry()).toBe(true);
    expect(sut.tryRetry()).toBe(false);
    expect(sut.tryRetry()).toBe(false);
    expect(sut.refused()).toBe(2);
  });

  it('gives room back as spent retries leave the 10 s window', () => {
    const sut = new RetryBudget({ ratio: 0, minPerSecond: 0.2 }, now);
    expect(sut.tryRetry()).toBe(true);
    time = 5_000;
    expect(sut.tryRetry()).toBe(true);
    expect(sut.tryRetry()).toBe(false);

    time = 9_999;
    expect(sut.available()).toBe(0);
    time = 10_000;
    expect(sut.available()).toBe(1);
    time = 15_000;
    expect(sut.available()).toBe(2);
    expect(sut.refused()).toBe(1);
  });

  it('forgets requests older than the window, so the ratio share shrinks with traffic', () => {
    const sut = new RetryBudget({ ratio: 1, minPerSecond: 0 }, now);
    for (let i = 0; i < 4; i++) sut.recordRequest();
    time = 6_000;
    sut.recordRequest();

    expect(sut.available()).toBe(5);
    time = 10_000;
    expect(sut.available()).toBe(1);
    time = 16_000;
    expect(sut.available()).toBe(0);
  });
});
