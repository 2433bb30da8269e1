import { SlidingWindowCounter } from './sliding-window-counter';

describe(SlidingWindowCounter.name, () => {
  // 3 buckets of 100 ms: an amount stays counted for 200–300 ms.
  let sut: SlidingWindowCounter;
  beforeEach(() => {
    sut = new SlidingWindowCounter(3, 100, 2);
  });

  it('sums each series on its own', () => {
    sut.add(0, 0, 1);
    sut.add(50, 0, 2);
    sut.add(50, 1, 7);

    expect(sut.sum(99, 0)).toBe(3);
    expect(sut.sum(99, 1)).toBe(7);
  });

  it('drops a bucket once the window has moved past it', () => {
    sut.add(0, 0, 1);
    sut.add(150, 0, 10);

    expect(sut.sum(299, 0)).toBe(11);
    expect(sut.sum(300, 0)).toBe(10);
    expect(sut.sum(399, 0)).toBe(10);
    expect(sut.sum(400, 0)).toBe(0);
  });

  it('clears everything after a gap longer than the window', () => {
    sut.add(0, 0, 5);
    sut.add(10_000, 0, 1);

    expect(sut.sum(10_000, 0)).toBe(1);
  });

  it('keeps writing into the newest bucket when the clock goes back', () => {
    sut.add(250, 0, 1);
    sut.add(100, 0, 1);

    expect(sut.sum(250, 0)).toBe(2);
    expect(sut.sum(499, 0)).toBe(2);
    expect(sut.sum(500, 0)).toBe(0);
  });

  it('adds into the bucket of an earlier time while it is in the window', () => {
    sut.add(0, 1, 100);

    expect(sut.addAt(150, 0, 1, -60)).toBe(true);
    expect(sut.sum(150, 1)).toBe(40);
    expect(sut.sum(300, 1)).toBe(0);
    expect(sut.addAt(300, 0, 1, -60)).toBe(false);
    expect(sut.sum(300, 1)).toBe(0);
  });

  it('handles negative times', () => {
    sut.add(-150, 0, 1);

    expect(sut.sum(-1, 0)).toBe(1);
    expect(sut.sum(100, 0)).toBe(0);
  });
});
