import type { ConfigFeedFollower, Database } from '@switchyard/db';
import type { ConfigChangeBus, ConfigTopic } from '@switchyard/queue';
import { hashKey } from '@switchyard/shared';
import { AdminTokenRegistry } from './admin-token.registry';

const SECRET = 'sy-admin-registry-spec-0123456789';

interface TokenRow {
  name: string;
  role: string;
  tenantId: string | null;
  revokedAt: Date | null;
}

/** A database holding one admin token row (or none), counting its look-ups. */
function tokenTable(): { db: Database; row: { current: TokenRow | null }; lookups: () => number } {
  const row: { current: TokenRow | null } = { current: { name: 'ops', role: 'platform', tenantId: null, revokedAt: null } };
  let lookups = 0;
  const db = {
    prisma: {
      adminToken: {
        findUnique: ({ where }: { where: { hash: string } }) => {
          lookups++;
          return Promise.resolve(where.hash === hashKey(SECRET) ? row.current : null);
        },
      },
    },
  } as unknown as Database;
  return { db, row, lookups: () => lookups };
}

/** A change feed the app already follows: the test announces its changes. */
function sharedFeed(): { feed: Pick<ConfigFeedFollower, 'listen'>; announce(topic: ConfigTopic): void } {
  const listeners: ((topic: ConfigTopic) => void)[] = [];
  return {
    feed: { listen: (onChange) => void listeners.push(onChange) },
    announce: (topic) => listeners.forEach((l) => l(topic)),
  };
}

const QUIET_BUS: ConfigChangeBus = { publish: () => Promise.resolve(), subscribe: () => undefined, close: () => Promise.resolve() } as unknown as ConfigChangeBus;

describe(AdminTokenRegistry.name, () => {
  it('listens to the change feed the app follows, instead of polling one of its own: a revocation announced there is seen at once', async () => {
    const { db, row, lookups } = tokenTable();
    const { feed, announce } = sharedFeed();
    // configFeedPollMs is set too (the ingress passes both): the shared feed wins, no second follower polls.
    const sut = new AdminTokenRegistry({ db, bus: QUIET_BUS, configFeed: feed, configFeedPollMs: 500 });
    await sut.onModuleInit();
    try {
      expect((await sut.find(SECRET))?.name).toBe('ops');
      await sut.find(SECRET);
      expect(lookups()).toBe(1);
      row.current = { ...(row.current as TokenRow), revokedAt: new Date() };
      announce('admin-tokens');
      await expect(sut.find(SECRET)).resolves.toBeUndefined();
      expect(lookups()).toBe(2);
    } finally {
      await sut.onModuleDestroy();
    }
  });

  it('without a change feed or a poll period, keeps a token until the bus announces a change', async () => {
    const { db, row } = tokenTable();
    let announce: (topic: ConfigTopic) => void = () => undefined;
    const bus = { ...QUIET_BUS, subscribe: (handler: (topic: ConfigTopic) => void) => void (announce = handler) } as unknown as ConfigChangeBus;
    const sut = new AdminTokenRegistry({ db, bus });
    await sut.onModuleInit();
    expect((await sut.find(SECRET))?.name).toBe('ops');
    row.current = null;
    expect((await sut.find(SECRET))?.name).toBe('ops');
    announce('admin-tokens');
    await expect(sut.find(SECRET)).resolves.toBeUndefined();
    await sut.onModuleDestroy();
  });
});
