import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { RedisQuotaStore } from './redis-quota.store';
import { QuotaStoreUnavailableError } from './quota.types';
import type { AdmitInput, QuotaTicket } from './quota.types';

// Real Redis, database 11; every key this spec writes starts with PREFIX.
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/11';
const PREFIX = `sy:q:redis-spec-${process.pid}-${Date.now()}:`;
const DAY_MS = 86_400_000;

const real = new Date();
const T0 = Date.UTC(real.getUTCFullYear(), real.getUTCMonth() + 1, 2, 12) + 250;
const DAY_END = Date.UTC(real.getUTCFullYear(), real.getUTCMonth() + 1, 3);
const MONTH_END = Date.UTC(real.getUTCFullYear(), real.getUTCMonth() + 2, 1);
const DAY_ID = new Date(T0).toISOString().slice(0, 10).replaceAll('-', '');
const MONTH_ID = DAY_ID.slice(0, 6);

let requests = 0;
const request = (over: Partial<AdmitInput> = {}): AdmitInput => ({
  scopes: [{ id: 'key:abc', limits: { rpm: 100 } }],
  requestId: `req-${++requests}`,
  reserveTokens: 10,
  reserveUsd: 0.01,
  now: T0,
  leaseMs: 30_000,
  ...over,
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe(RedisQuotaStore.name, () => {
  let admin: Redis;

  beforeAll(() => {
    admin = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    const keys = await admin.keys(`${PREFIX}*`);
    if (keys.length) await admin.del(...keys);
    await admin.quit();
  });

  describe('on a connection handed in', () => {
    let conn: Redis;
    let sut: RedisQuotaStore;
    let sent: string[];
    let prefix: string;
    let run = 0;

    beforeEach(async () => {
      conn = new Redis(REDIS_URL);
      prefix = `${PREFIX}${++run}:`;
      sut = new RedisQuotaStore(conn, { prefix });
      expect(await sut.ready()).toBe(true);
      sent = [];
      const send = conn.sendCommand.bind(conn);
      jest.spyOn(conn, 'sendCommand').mockImplementation((command, stream) => {
        sent.push(command.name);
        return send(command, stream);
      });
    });

    afterEach(async () => {
      await sut.close();
      await conn.quit();
    });

    it('takes one EVALSHA per admission and one per settle, once the scripts are loaded', async () => {
      const warm = await sut.admit(request());
      await sut.settle((warm.admitted && warm.ticket) as QuotaTicket, { tokens: 5, usd: 0.005 }, T0);
      sent = [];
      const r = await sut.admit(request());
      expect(sent).toEqual(['evalsha']);
      sent = [];
      await sut.settle((r.admitted && r.ticket) as QuotaTicket, { tokens: 5, usd: 0.005 }, T0);
      expect(sent).toEqual(['evalsha']);
    });

    it('loads the script again after SCRIPT FLUSH and goes on with EVALSHA', async () => {
      await sut.admit(request());
      await admin.script('FLUSH');
      sent = [];
      const r = await sut.admit(request());
      expect(r.admitted).toBe(true);
      expect(sent).toEqual(['evalsha', 'eval']);
      sent = [];
      await sut.admit(request());
      expect(sent).toEqual(['evalsha']);
      expect((await sut.usage('key:abc', T0)).requests).toBe(3);
    });

    it('keeps money as integer nano-dollars and expires every counter after its period and a day', async () => {
      await sut.admit(request({ reserveUsd: 0.03, leaseMs: 30_000 }));
      const base = `${prefix}key:abc`;
      expect(await admin.hgetall(`${base}:d:${DAY_ID}`)).toEqual({ r: '30000000' });
      expect(await admin.call('PEXPIRETIME', `${base}:d:${DAY_ID}`)).toBe(DAY_END + DAY_MS);
      expect(await admin.call('PEXPIRETIME', `${base}:m:${MONTH_ID}`)).toBe(MONTH_END + DAY_MS);
      // Lease and reservation records outlive a month, so a crashed holder's are always reclaimed.
      for (const records of [`${base}:c`, `${base}:v`]) {
        const ttl = await admin.pttl(records);
        expect(ttl).toBeGreaterThan(34 * DAY_MS);
        expect(ttl).toBeLessThanOrEqual(35 * DAY_MS);
      }
      const windowTtl = await admin.pttl(`${base}:w`);
      expect(windowTtl).toBeGreaterThan(0);
      expect(windowTtl).toBeLessThanOrEqual(122_000);
    });

    it('answers a script error as the error it is, not as an unavailable store', async () => {
      await admin.set(`${prefix}key:abc:w`, 'not a hash');
      await expect(sut.admit(request())).rejects.toThrow(/WRONGTYPE/);
    });
  });

  describe('when Redis cannot be reached', () => {
    it('rejects at once, without waiting for a connection, so the caller can fail open or closed', async () => {
      const warnings: string[] = [];
      const sut = new RedisQuotaStore(`redis://127.0.0.1:${await closedPort()}/11`, { prefix: PREFIX, warn: (m) => warnings.push(m) });
      const ticket: QuotaTicket = { requestId: 'r', scopes: ['key:abc'], reservedTokens: 1, reservedUsd: 0, at: T0 };
      await expect(sut.admit(request())).rejects.toThrow(QuotaStoreUnavailableError);
      await expect(sut.settle(ticket, { tokens: 1, usd: 0 }, T0)).rejects.toThrow(QuotaStoreUnavailableError);
      await expect(sut.heartbeat(ticket, T0, 1000)).rejects.toThrow(QuotaStoreUnavailableError);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^quota Redis (is connecting|is reconnecting|: connect ECONNREFUSED)/);
      await sut.close();
    });
  });
});
