import { Dialect, ErrorKind, type UsageEvent } from '@switchyard/ir';
import { MEMORY_QUEUE_MAX_BATCH, MemoryUsageQueue } from './memory-usage.queue';

const usage = (requestId: string): UsageEvent => ({ requestId, status: 'ok', tenantId: '', keyId: '', model: '', providerId: '', deploymentId: '', upstreamModel: '', dialect: Dialect.DIALECT_UNSPECIFIED, stream: false, httpStatus: 0, errorKind: ErrorKind.ERROR_KIND_UNSPECIFIED, latencyMs: 0, ttftMs: 0, region: '', startedAt: 0, finishedAt: 0, cacheHit: false, attempts: 0, clientRequestId: '' });

describe(MemoryUsageQueue.name, () => {
  it('hands events over in batches, not one call per event', async () => {
    const sut = new MemoryUsageQueue();
    const batches: string[][] = [];
    sut.consume(async (events) => {
      batches.push(events.map((e) => e.requestId ?? ''));
    });
    for (let i = 0; i < 5; i++) sut.publish(usage(`r${i}`));
    await sut.drain();
    expect(batches).toEqual([['r0', 'r1', 'r2', 'r3', 'r4']]);
  });

  it('splits a backlog into batches of at most MEMORY_QUEUE_MAX_BATCH, in order', async () => {
    const sut = new MemoryUsageQueue();
    const sizes: number[] = [];
    const seen: string[] = [];
    sut.consume(async (events) => {
      sizes.push(events.length);
      seen.push(...events.map((e) => e.requestId ?? ''));
    });
    const total = MEMORY_QUEUE_MAX_BATCH * 2 + 7;
    for (let i = 0; i < total; i++) sut.publish(usage(`r${i}`));
    await sut.drain();
    expect(sizes).toEqual([MEMORY_QUEUE_MAX_BATCH, MEMORY_QUEUE_MAX_BATCH, 7]);
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => `r${i}`));
  });

  it('leaves what arrives during a write for the next flush, unless it fills a batch', async () => {
    jest.useFakeTimers();
    try {
      const sut = new MemoryUsageQueue();
      const batches: string[][] = [];
      let arrivals = 3;
      sut.consume(async (events) => {
        batches.push(events.map((e) => e.requestId ?? ''));
        // Requests finishing while this batch is written.
        if (batches.length === 1) for (let i = 0; i < arrivals; i++) sut.publish(usage(`b${i}`));
      });
      sut.publish(usage('a0'));
      await jest.advanceTimersByTimeAsync(200);
      expect(batches).toEqual([['a0']]);
      await jest.advanceTimersByTimeAsync(200);
      expect(batches).toEqual([['a0'], ['b0', 'b1', 'b2']]);

      // A full batch's worth arriving during a write goes at once.
      batches.length = 0;
      arrivals = MEMORY_QUEUE_MAX_BATCH;
      sut.publish(usage('c0'));
      await jest.advanceTimersByTimeAsync(200);
      expect(batches.map((b) => b.length)).toEqual([1, MEMORY_QUEUE_MAX_BATCH]);
      await sut.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('retries a failed batch until the handler takes it', async () => {
    const sut = new MemoryUsageQueue();
    let calls = 0;
    const stored: string[] = [];
    sut.consume(async (events) => {
      if (++calls < 3) throw new Error('database busy');
      stored.push(...events.map((e) => e.requestId ?? ''));
    });
    sut.publish(usage('a'));
    await sut.drain();
    expect(calls).toBe(3);
    expect(stored).toEqual(['a']);
  });

  it('keeps events published before a consumer exists and delivers them on drain', async () => {
    const sut = new MemoryUsageQueue();
    sut.publish(usage('early'));
    const stored: string[] = [];
    sut.consume(async (events) => {
      stored.push(...events.map((e) => e.requestId ?? ''));
    });
    await sut.close();
    expect(stored).toEqual(['early']);
  });
});
