import { MemoryBatchQueue } from './memory-batch.queue';

describe(MemoryBatchQueue.name, () => {
  it('runs each queued batch once however often it is queued, at most `concurrency` at a time', async () => {
    const sut = new MemoryBatchQueue(2);
    const ran: string[] = [];
    let running = 0;
    let most = 0;
    const done = new Promise<void>((resolve) => {
      sut.consume(async (id) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 10));
        ran.push(id);
        running--;
        if (ran.length === 3) resolve();
      });
    });

    for (const id of ['a', 'b', 'a', 'c', 'b']) await sut.enqueue(id);
    await done;
    await sut.close();

    expect(ran.sort()).toEqual(['a', 'b', 'c']);
    expect(most).toBe(2);
  });

  it('tries a batch whose run failed again later', async () => {
    const sut = new MemoryBatchQueue(1, 5);
    let tries = 0;
    const done = new Promise<void>((resolve) => {
      sut.consume(async () => {
        tries++;
        if (tries < 3) throw new Error('database away');
        resolve();
        return Promise.resolve();
      });
    });

    await sut.enqueue('a');
    await done;
    await sut.close();

    expect(tries).toBe(3);
  });
});
