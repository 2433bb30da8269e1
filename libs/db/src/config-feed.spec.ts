import { DEFAULT_ROUTING, type SwitchyardConfig } from '@switchyard/config';
import type { ConfigTopic } from '@switchyard/queue';
import { Client } from 'pg';
import { appendConfigFeed, CONFIG_FEED_LOCK_KEY, configTopicsOf } from './config-feed';
import { ConfigFeedFollower } from './config-feed.follower';
import { applyConfig } from './config.applier';
import type { Database } from './database';
import { applyMigrations } from './migrations.runner';
import { openTestDatabase, type TestDatabase } from './test-database.harness';

const ACME_KEY = 'sk-sy-acme-feed-0123456789abcdef012345';

function config(rpm: number): SwitchyardConfig {
  return {
    server: { port: 8080 },
    routing: DEFAULT_ROUTING,
    providers: [],
    models: [],
    tenants: [{ id: 'acme', keys: [{ key: 'env:ACME_KEY', rpm }] }],
  };
}

const apply = (db: Database, rpm: number, dryRun = false) => applyConfig(db.prisma, config(rpm), { resolveSecret: () => ACME_KEY, dryRun });

async function feedRows(db: Database): Promise<{ id: string; topic: string }[]> {
  return db.withSession((s) => s.query<{ id: string; topic: string }>('SELECT id::text AS id, topic FROM config_feed ORDER BY id'));
}

describe('configuration change feed', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase('postgres', 'config_feed');
    await applyMigrations(t.db);
  });
  afterAll(() => t?.dispose());
  beforeEach(() => t.db.withSession((s) => s.exec('TRUNCATE config_feed; TRUNCATE tenants CASCADE')));

  it('apply appends one row per topic it changed, and nothing for a dry run or an unchanged file', async () => {
    await apply(t.db, 600, true);
    expect(await feedRows(t.db)).toEqual([]);
    await apply(t.db, 600);
    expect((await feedRows(t.db)).map((r) => r.topic)).toEqual(['keys']);
    await apply(t.db, 600);
    expect((await feedRows(t.db)).map((r) => r.topic)).toEqual(['keys']);
  });

  it('names each topic once: tenants and keys are auth\'s, the rest the catalogue', () => {
    expect(
      configTopicsOf([
        { entity: 'key', id: 'acme/sk-sy-a', action: 'create' },
        { entity: 'tenant', id: 'acme', action: 'update' },
        { entity: 'price', id: 'm', action: 'create' },
        { entity: 'model', id: 'n', action: 'unchanged' },
      ]),
    ).toEqual(['keys', 'catalogue']);
  });

  it('a rolled-back change leaves no row', async () => {
    await expect(
      t.db.prisma.$transaction(async (tx) => {
        await appendConfigFeed(tx, ['keys']);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await feedRows(t.db)).toEqual([]);
  });

  it('ids commit in order: a second append waits for the first one\'s commit', async () => {
    const first = new Client({ connectionString: t.location });
    await first.connect();
    try {
      await first.query('BEGIN');
      await first.query(`SELECT pg_advisory_xact_lock(${CONFIG_FEED_LOCK_KEY})`);
      await first.query(`INSERT INTO config_feed (topic) VALUES ('keys')`);
      const second = t.db.prisma.$transaction((tx) => appendConfigFeed(tx, ['catalogue']));
      // The second transaction queues on the feed's lock, not on a row: nothing of it is visible.
      await waitFor(async () => {
        const [row] = await t.db.withSession((s) => s.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"));
        return row?.n === '1';
      });
      await first.query('COMMIT');
      await second;
    } finally {
      await first.end();
    }
    expect((await feedRows(t.db)).map((r) => r.topic)).toEqual(['keys', 'catalogue']);
  });

  describe(ConfigFeedFollower.name, () => {
    let heard: ConfigTopic[];
    let sut: ConfigFeedFollower;
    let broken: boolean;
    // The region's read database, whose link the test can cut.
    let read: Database;

    beforeEach(() => {
      heard = [];
      broken = false;
      read = {
        withSession: (fn) => (broken ? Promise.reject(new Error('connect ECONNREFUSED 10.0.0.9:5432')) : t.db.withSession(fn)),
      } as Database;
      sut = new ConfigFeedFollower({ read, intervalMs: 60_000, onChange: (topic) => heard.push(topic) });
    });
    afterEach(() => sut.close());

    it('starts from the end of the feed: what was there before is already loaded', async () => {
      await apply(t.db, 600);
      await sut.start();
      await sut.poll();
      expect(heard).toEqual([]);
    });

    it('hands on the topics of new rows once each, and nothing while the feed is idle', async () => {
      await sut.start();
      await apply(t.db, 600);
      await t.db.prisma.$transaction((tx) => appendConfigFeed(tx, ['catalogue']));
      await apply(t.db, 700);
      await sut.poll();
      expect(heard.sort()).toEqual(['catalogue', 'keys']);
      await sut.poll();
      expect(heard).toHaveLength(2);
    });

    it('one poll serves every cache that listens, and a listener that throws does not stop the others', async () => {
      const admin: ConfigTopic[] = [];
      sut.listen(() => {
        throw new Error('a broken cache');
      });
      sut.listen((topic) => admin.push(topic));
      await sut.start();
      await apply(t.db, 600);
      await sut.poll();
      expect(heard).toEqual(['keys']);
      expect(admin).toEqual(['keys']);
    });

    it('an unreadable feed changes nothing; the first poll that answers catches up', async () => {
      await sut.start();
      broken = true;
      await apply(t.db, 600);
      await expect(sut.poll()).resolves.toBeUndefined();
      expect(heard).toEqual([]);
      broken = false;
      await sut.poll();
      expect(heard).toEqual(['keys']);
    });

    it('a feed that went backwards (emptied, restored) reloads every topic', async () => {
      await apply(t.db, 600);
      await sut.start();
      await t.db.withSession((s) => s.exec('TRUNCATE config_feed'));
      await sut.poll();
      expect(heard.sort()).toEqual(['admin-tokens', 'catalogue', 'keys']);
    });

    it('polls on its timer', async () => {
      const fast = new ConfigFeedFollower({ read, intervalMs: 100, onChange: (topic) => heard.push(topic) });
      try {
        await fast.start();
        await apply(t.db, 800);
        await waitFor(() => Promise.resolve(heard.includes('keys')));
      } finally {
        await fast.close();
      }
    });
  });
});

describe('configuration change feed on PGlite (standalone applies its file at every start)', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase('pglite', 'config_feed');
    await applyMigrations(t.db);
  });
  afterAll(() => t?.dispose());

  it('appends and follows there too', async () => {
    const heard: ConfigTopic[] = [];
    const sut = new ConfigFeedFollower({ read: t.db, intervalMs: 60_000, onChange: (topic) => heard.push(topic) });
    await sut.start();
    await apply(t.db, 600);
    await sut.poll();
    await sut.close();
    expect(heard).toEqual(['keys']);
    expect((await feedRows(t.db)).map((r) => r.topic)).toEqual(['keys']);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
