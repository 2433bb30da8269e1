import type { ResponseEvent } from '@switchyard/ir';
import { eventBatches } from './event-batches';

const text = (t: string): ResponseEvent => ({ event: { $case: 'textDelta', value: { text: t, choice: 0, logprobsJson: '', signature: '' } } });
const texts = (batches: { events?: ResponseEvent[] }[]): string[][] =>
  batches.map((b) => (b.events ?? []).map((e) => (e.event?.$case === 'textDelta' ? (e.event.value.text) : '?')));

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe(eventBatches.name, () => {
  it('sends events that are ready together (a whole non-streaming answer) as one batch', async () => {
    async function* answer(): AsyncGenerator<ResponseEvent> {
      yield text('a');
      yield text('b');
      await Promise.resolve();
      yield text('c');
    }

    expect(texts(await collect(eventBatches(answer())))).toEqual([['a', 'b', 'c']]);
  });

  it('cuts a batch as soon as the source waits for I/O, so no event waits for the next one', async () => {
    const sent: string[][] = [];
    let release!: () => void;
    async function* stream(): AsyncGenerator<ResponseEvent> {
      yield text('a');
      yield text('b');
      await new Promise<void>((resolve) => (release = resolve));
      yield text('c');
    }
    const iterator = eventBatches(stream())[Symbol.asyncIterator]();

    const first = await iterator.next();
    sent.push(...texts([first.value]));
    // The first batch was handed out while the source was still waiting.
    expect(sent).toEqual([['a', 'b']]);
    release();
    sent.push(...texts([(await iterator.next()).value]));

    expect(sent).toEqual([['a', 'b'], ['c']]);
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('cuts a source with many events ready at once into bounded batches, so backpressure still acts', async () => {
    async function* many(): AsyncGenerator<ResponseEvent> {
      for (let i = 0; i < 100; i++) yield text(String(i));
    }

    const batches = texts(await collect(eventBatches(many())));

    expect(batches.map((b) => b.length)).toEqual([32, 32, 32, 4]);
    expect(batches.flat()).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
  });

  it('marks the last batch final, so the reader need not wait for the status; an empty source gives one empty final batch', async () => {
    let release!: () => void;
    async function* two(): AsyncGenerator<ResponseEvent> {
      yield text('a');
      await new Promise<void>((resolve) => (release = resolve));
      yield text('b');
    }
    async function* empty(): AsyncGenerator<ResponseEvent> {}
    const iterator = eventBatches(two())[Symbol.asyncIterator]();

    // Handed out while the source still waits: not the last one.
    await expect(iterator.next()).resolves.toEqual({ done: false, value: { events: [text('a')], final: false } });
    release();
    await expect(iterator.next()).resolves.toEqual({ done: false, value: { events: [text('b')], final: true } });
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    await expect(collect(eventBatches(empty()))).resolves.toEqual([{ events: [], final: true }]);
  });

  it("passes the source's failure on after the events before it", async () => {
    async function* failing(): AsyncGenerator<ResponseEvent> {
      yield text('a');
      throw new Error('boom');
    }
    const seen: string[][] = [];

    await expect(
      (async () => {
        for await (const batch of eventBatches(failing())) seen.push(...texts([batch]));
      })(),
    ).rejects.toThrow('boom');
    expect(seen).toEqual([['a']]);
  });

  it('lets the source clean up when the consumer stops early, even with a read pending', async () => {
    const controller = new AbortController();
    let cleaned = false;
    async function* stream(): AsyncGenerator<ResponseEvent> {
      try {
        yield text('a');
        await new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve()));
        throw new Error('aborted read');
      } finally {
        cleaned = true;
      }
    }
    const iterator = eventBatches(stream())[Symbol.asyncIterator]();
    await iterator.next();

    await iterator.return(undefined);
    controller.abort();
    await new Promise((resolve) => setImmediate(resolve));

    expect(cleaned).toBe(true);
  });
});
