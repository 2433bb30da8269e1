import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { RedisResponseCache } from './redis-response.cache';
import { CachedAnswer } from './response-cache.types';
import { completeAnswer } from './test-answers';

// Real Redis, database 10; every key this spec writes starts with its own prefix.
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/10';
const PREFIX = `sy:rc:v1:cache-spec-${process.pid}-${Date.now()}:`;

const answer = (body: string): CachedAnswer => ({ events: completeAnswer(body), storedAt: 42 });
const bodyOf = (a: CachedAnswer | undefined) => (a?.events[1].event?.$case === 'textDelta' ? a.events[1].event.value.text : undefined);

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe(RedisResponseCache.name, () => {
  let admin: Redis;
  const warnings: string[] = [];
  let clock: number;
  const now = () => clock;

  beforeAll(() => {
    admin = new Redis(REDIS_URL);
  });

  beforeEach(() => {
    warnings.length = 0;
    clock = 0;
  });

  afterAll(async () => {
    const keys = await admin.keys(`${PREFIX}*`);
    if (keys.length) await admin.del(...keys);
    await admin.quit();
  });

  describe('with a connection of its own', () => {
    let sut: RedisResponseCache;

    beforeEach(async () => {
      sut = new RedisResponseCache(REDIS_URL, { maxEntryBytes: 4096, now, warn: (m) => warnings.push(m) });
      expect(await sut.ready()).toBe(true);
    });

    afterEach(() => sut.close());

    it('stores the answer as one binary value with a millisecond expiry, and reads it back', async () => {
      await sut.set(`${PREFIX}a`, answer('from redis'), 30);
      const got = await sut.get(`${PREFIX}a`);
      expect(bodyOf(got)).toBe('from redis');
      expect(got?.storedAt).toBe(42);
      expect(got?.events.map((e) => e.event?.$case)).toEqual(['start', 'textDelta', 'stop', 'usage']);
      const ttl = await admin.pttl(`${PREFIX}a`);
      expect(ttl).toBeGreaterThan(25_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
      expect(await admin.get(`${PREFIX}a`)).not.toContain('{');
      expect(warnings).toEqual([]);
    });

    it('misses on an absent key', async () => {
      expect(await sut.get(`${PREFIX}absent`)).toBeUndefined();
    });

    it('refuses an entry over maxEntryBytes and a TTL that is not positive', async () => {
      await sut.set(`${PREFIX}big`, answer('x'.repeat(5000)), 30);
      await sut.set(`${PREFIX}zero`, answer('z'), 0);
      expect(await admin.exists(`${PREFIX}big`, `${PREFIX}zero`)).toBe(0);
    });

    it('reads an unreadable value as a miss and says so', async () => {
      await admin.set(`${PREFIX}garbage`, Buffer.from([9, 1, 2]));
      expect(await sut.get(`${PREFIX}garbage`)).toBeUndefined();
      expect(warnings).toEqual(['response cache read failed, answering as a miss: cached answer format 9, expected 1']);
    });

    it('quits its connection on close', async () => {
      await sut.close();
      expect(await sut.ready()).toBe(false);
      expect(await sut.get(`${PREFIX}a`)).toBeUndefined();
    });
  });

  it('leaves a connection it was handed open on close', async () => {
    // Offline queue on (ioredis's default): commands sent before it connects wait for it.
    const redis = new Redis(REDIS_URL);
    try {
      const sut = new RedisResponseCache(redis, { maxEntryBytes: 4096 });
      await sut.set(`${PREFIX}shared`, answer('shared'), 30);
      expect(bodyOf(await sut.get(`${PREFIX}shared`))).toBe('shared');
      await sut.close();
      expect(redis.status).toBe('ready');
    } finally {
      redis.disconnect();
    }
  });

  // The jest timeout is the "quickly": with no offline queue a command on a dead connection
  // fails at once instead of waiting for reconnects.
  it('answers misses without throwing while Redis is down, warning once a minute', async () => {
    const sut = new RedisResponseCache(`redis://127.0.0.1:${await closedPort()}/10`, { maxEntryBytes: 4096, now, warn: (m) => warnings.push(m) });
    try {
      for (let i = 0; i < 5; i++) {
        expect(await sut.get(`${PREFIX}down`)).toBeUndefined();
        await expect(sut.set(`${PREFIX}down`, answer('lost'), 30)).resolves.toBeUndefined();
      }
      expect(warnings).toHaveLength(1);
      clock += 60_000;
      expect(await sut.get(`${PREFIX}down`)).toBeUndefined();
      expect(warnings).toHaveLength(2);
      expect(warnings[1]).toMatch(/^response cache .*\(\d+ similar problems since the last report\)$/);
      // close() must also return while ioredis waits to reconnect (no socket to close then).
      const connection = (sut as unknown as { redis: Redis }).redis;
      while (connection.status !== 'reconnecting') await new Promise((r) => setTimeout(r, 5));
    } finally {
      await sut.close();
    }
  }, 2_000);
});
