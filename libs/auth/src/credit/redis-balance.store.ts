import { Logger } from '@nestjs/common';
import { closeRedisConnection, redisConnectionReady } from '@switchyard/shared';
import { Redis, ReplyError } from 'ioredis';
import { QuotaStoreUnavailableError } from '../quota/quota.types';
import { ADJUST_SCRIPT, RESERVE_SCRIPT, SETTLE_SCRIPT } from './balance.scripts';
import type { BalanceReserveInput, BalanceReserveResult, BalanceStore, BalanceUsage } from './balance.types';

export interface RedisBalanceStoreOptions {
  /** Prefix of every key (default `sy:bal:v1:`). */
  prefix?: string;
  /** Own connection only: a Redis that does not answer fails after this long (as the quota store). */
  commandTimeoutMs?: number;
}

type ScriptRunner = (...args: (string | number)[]) => Promise<unknown>;
type BalanceRedis = Redis & { syBalanceReserve: ScriptRunner; syBalanceSettle: ScriptRunner; syBalanceAdjust: ScriptRunner };

/**
 * Prepaid balances shared by every replica: one script per reserve and per settle (the Lua in
 * balance.scripts.ts, which documents the keys), so concurrent admissions of one tenant on any
 * number of replicas never reserve more than its credits. The same Redis as the quota store
 * (SWITCHYARD_QUOTA_REDIS_URL, else REDIS_URL): with a Redis per region, each region would spend
 * the whole balance — prepaid tenants need one quota Redis for all regions (docs/architecture.md §5).
 */
export class RedisBalanceStore implements BalanceStore {
  private readonly redis: BalanceRedis;
  private readonly owned: boolean;
  private readonly prefix: string;
  private readonly log = new Logger(RedisBalanceStore.name);

  constructor(redis: string | Redis, opts: RedisBalanceStoreOptions = {}) {
    this.prefix = opts.prefix ?? 'sy:bal:v1:';
    this.owned = typeof redis === 'string';
    const conn =
      typeof redis === 'string'
        ? new Redis(redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: opts.commandTimeoutMs ?? 500, connectTimeout: 2_000 })
        : redis;
    if (this.owned) conn.on('error', (err: unknown) => this.log.debug(`balance Redis: ${String(err)}`));
    // defineCommand sends EVALSHA and falls back to EVAL after a script flush.
    conn.defineCommand('syBalanceReserve', { numberOfKeys: 3, lua: RESERVE_SCRIPT });
    conn.defineCommand('syBalanceSettle', { numberOfKeys: 3, lua: SETTLE_SCRIPT });
    conn.defineCommand('syBalanceAdjust', { numberOfKeys: 1, lua: ADJUST_SCRIPT });
    this.redis = conn as BalanceRedis;
  }

  ready(): Promise<boolean> {
    return redisConnectionReady(this.redis);
  }

  async reserve(input: BalanceReserveInput): Promise<BalanceReserveResult> {
    const { account, requestId, now, leaseMs } = input;
    const nano = Math.max(0, Math.round(input.nano));
    const reply = (await this.guard(
      this.redis.syBalanceReserve(...this.keys(account.tenantId), String(now), requestId, String(nano), String(now + leaseMs), String(account.creditsNano), String(account.seedSpentNano)),
    )) as [string, string];
    return { admitted: reply[0] === '1', availableNano: Number(reply[1]) };
  }

  async settle(tenantId: string, requestId: string, usedNano: number): Promise<number | undefined> {
    const spent = await this.guard(this.redis.syBalanceSettle(...this.keys(tenantId), requestId, String(Math.max(0, Math.round(usedNano)))));
    return spent === null || spent === undefined ? undefined : Number(spent);
  }

  async heartbeat(tenantId: string, requestId: string, now: number, leaseMs: number): Promise<void> {
    await this.guard(this.redis.zadd(this.keys(tenantId)[1], 'XX', 'GT', now + leaseMs, requestId));
  }

  async usage(tenantId: string, now: number): Promise<BalanceUsage> {
    const [h, l] = this.keys(tenantId);
    const [st, inFlight] = await this.guard(Promise.all([this.redis.hmget(h, 's', 'r'), this.redis.zcount(l, `(${now}`, '+inf')]));
    return { seeded: st[0] !== null, spentNano: Number(st[0] ?? 0), reservedNano: Number(st[1] ?? 0), inFlight };
  }

  async adjustSpent(tenantId: string, deltaNano: number): Promise<number | undefined> {
    const reply = await this.guard(this.redis.syBalanceAdjust(this.keys(tenantId)[0], String(Math.round(deltaNano))));
    return reply === null ? undefined : Number(reply);
  }

  async close(): Promise<void> {
    if (this.owned) await closeRedisConnection(this.redis);
  }

  private keys(tenantId: string): [string, string, string] {
    const h = this.prefix + tenantId;
    return [h, `${h}:l`, `${h}:v`];
  }

  // Redis answering with an error is a bug, not an outage; anything else is the store missing.
  private async guard<T>(pending: Promise<T>): Promise<T> {
    try {
      return await pending;
    } catch (err) {
      if (err instanceof (ReplyError as typeof Error)) throw err;
      throw new QuotaStoreUnavailableError(`balance Redis did not answer: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}
