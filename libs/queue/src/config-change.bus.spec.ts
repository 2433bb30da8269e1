import { MemoryConfigChangeBus, RedisConfigChangeBus, configChangeChannel, type ConfigTopic } from './config-change.bus';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379/8';

describe('config change bus', () => {
  it('in memory: every subscriber hears every topic', async () => {
    const bus = new MemoryConfigChangeBus();
    const a: ConfigTopic[] = [];
    const b: ConfigTopic[] = [];
    bus.subscribe((t) => a.push(t));
    bus.subscribe((t) => b.push(t));
    await bus.publish('keys');
    await bus.publish('catalogue');
    expect(a).toEqual(['keys', 'catalogue']);
    expect(b).toEqual(['keys', 'catalogue']);
    await bus.close();
  });

  it('over Redis: a change published by one replica reaches another', async () => {
    const one = new RedisConfigChangeBus(REDIS_URL);
    const two = new RedisConfigChangeBus(REDIS_URL);
    try {
      const heard = new Promise<ConfigTopic>((resolve) => two.subscribe(resolve));
      await two.ready();
      await one.publish('keys');
      await expect(heard).resolves.toBe('keys');
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('names the channel after the Redis database, since channels are server-wide', () => {
    expect(configChangeChannel('redis://127.0.0.1:6379/8')).toBe('switchyard:config-changed:8');
    expect(configChangeChannel('rediss://user:pw@redis:6380')).toBe('switchyard:config-changed:0');
  });

  it('over Redis: a replica on another database does not hear the change', async () => {
    const one = new RedisConfigChangeBus(REDIS_URL);
    const other = new RedisConfigChangeBus(REDIS_URL.replace(/\/\d+$/, '/15'));
    const same = new RedisConfigChangeBus(REDIS_URL);
    try {
      const elsewhere: ConfigTopic[] = [];
      other.subscribe((t) => elsewhere.push(t));
      const heard = new Promise<ConfigTopic>((resolve) => same.subscribe(resolve));
      await Promise.all([other.ready(), same.ready()]);
      await one.publish('keys');
      await heard;
      expect(elsewhere).toEqual([]);
    } finally {
      await Promise.all([one.close(), other.close(), same.close()]);
    }
  });

  it('over Redis: messages that are not topics are ignored', async () => {
    const one = new RedisConfigChangeBus(REDIS_URL);
    const two = new RedisConfigChangeBus(REDIS_URL);
    try {
      const heard: ConfigTopic[] = [];
      const last = new Promise<void>((resolve) =>
        two.subscribe((t) => {
          heard.push(t);
          if (t === 'catalogue') resolve();
        }),
      );
      await two.ready();
      await one.publish('nonsense' as ConfigTopic);
      await one.publish('catalogue');
      await last;
      expect(heard).toEqual(['catalogue']);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
