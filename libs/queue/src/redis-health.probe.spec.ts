import { RedisHealthProbe } from './redis-health.probe';

const REDIS_URL = process.env['TEST_NEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/1';

describe(RedisHealthProbe.name, () => {
  it('answers true while Redis answers PING', async () => {
    const sut = new RedisHealthProbe(REDIS_URL);
    try {
      await expect(sut.check()).resolves.toBe(true);
      await expect(sut.check()).resolves.toBe(true);
    } finally {
      await sut.close();
    }
  });

  it('fails at once, without queueing the PING, when nothing listens', async () => {
    // Port 1 on loopback: refused immediately.
    const sut = new RedisHealthProbe('redis://127.0.0.1:1');
    try {
      // Without the offline queue the PING is refused at once ("Connection is closed", or the
      // offline-queue refusal), not queued until ioredis gives up retrying ("max retries").
      await expect(sut.check()).rejects.toThrow(/Connection is closed|enableOfflineQueue/);
      await expect(sut.check()).rejects.toThrow(/Connection is closed|enableOfflineQueue/);
    } finally {
      await sut.close();
    }
  });

  it('closes without ever having connected', async () => {
    await expect(new RedisHealthProbe(REDIS_URL).close()).resolves.toBeUndefined();
  });
});
