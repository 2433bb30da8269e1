import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { closeRedisConnection, redisConnectionReady } from '@switchyard/shared';
import { Redis, ReplyError } from 'ioredis';
import { ADMIT_SCRIPT, SETTLE_SCRIPT } from './quota.scripts';
import { QUOTA_REFUSALS, QuotaStoreUnavailableError } from './quota.types';
import type { AdmitInput, AdmitResult, QuotaStore, QuotaTicket, QuotaUsage, RateInfo, SettledSpend } from './quota.types';
import {
  BUCKET_MS,
  DEFAULT_SHORT_RETRY_MS,
  PERIOD_MARGIN_MS,
  WINDOW_SPAN,
  admitAmounts,
  nanoToUsd,
  periodsAt,
  scopeLimits,
  usedAmounts,
} from './quota-units';

export interface RedisQuotaStoreOptions {
  /** Prefix of every key (default `sy:q:v1:`). */
  prefix?: string;
  /** Own connection only: a Redis that accepts the connection but does not answer fails after this long. */
  commandTimeoutMs?: number;
  /** retry-after for concurrency and in-flight budget reservations (default 1000). */
  shortRetryMs?: number;
  warn?: (message: string) => void;
}

interface Script {
  source: string;
  sha: string;
}

const script = (source: string): Script => ({ source, sha: createHash('sha1').update(source).digest('hex') });
const ADMIT = script(ADMIT_SCRIPT);
const SETTLE = script(SETTLE_SCRIPT);
const DEFAULT_COMMAND_TIMEOUT_MS = 500;
const WARN_INTERVAL_MS = 60_000;

type AdmitReply = [number, number, number, number, number, ...(number | null)[]];

/**
 * Admission counters shared by every replica: one EVALSHA per admit and per settle (the Lua in
 * quota.scripts.ts, which documents the keys), a pipeline per heartbeat.
 *
 * Atomicity: Redis runs a script alone, so "check every scope, then count in every scope" cannot
 * interleave with another replica's admission: with a limit of N, exactly N of any number of
 * concurrent admissions pass, and budgets cannot be overspent by a single nano-dollar.
 *
 * Failure: the connection it owns has no offline queue (a command while disconnected fails at
 * once) and a command timeout, so a dead or hung Redis makes admit reject with
 * QuotaStoreUnavailableError within commandTimeoutMs; the caller decides to fail open or closed.
 * A script that timed out on our side may still have run: its lease then expires and its
 * reservation is charged (see the scripts), the safe side for a budget.
 *
 * Deployment: one Redis (a primary with replicas) serves all scopes — the keys of a key and its
 * tenant live in different hash slots, so Redis Cluster is not supported. Across regions the
 * counters are only global if every region admits against the same Redis (one cross-region round
 * trip per request); with a Redis per region every limit and budget holds per region.
 */
export class RedisQuotaStore implements QuotaStore {
  private readonly redis: Redis;
  private readonly owned: boolean;
  private readonly prefix: string;
  private readonly shortRetry: string;
  private readonly warn: (message: string) => void;
  private lastWarning = Number.NEGATIVE_INFINITY;

  constructor(redis: string | Redis, opts: RedisQuotaStoreOptions = {}) {
    this.prefix = opts.prefix ?? 'sy:q:v1:';
    this.shortRetry = String(opts.shortRetryMs ?? DEFAULT_SHORT_RETRY_MS);
    const log = new Logger(RedisQuotaStore.name);
    this.warn = opts.warn ?? ((m) => log.warn(m));
    if (typeof redis === 'string') {
      this.redis = new Redis(redis, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
        connectTimeout: 2_000,
      });
      this.owned = true;
      // Without a listener ioredis prints every failed reconnect; one line a minute is enough.
      this.redis.on('error', (err: unknown) => this.report(`quota Redis: ${err instanceof Error ? err.message : String(err)}`));
    } else {
      // A connection handed in belongs to the caller, with its settings and error handling.
      this.redis = redis;
      this.owned = false;
    }
  }

  /** Resolves true once connected, false when the connection was closed first. */
  ready(): Promise<boolean> {
    return redisConnectionReady(this.redis);
  }

  async admit(input: AdmitInput): Promise<AdmitResult> {
    const { tokens, nano, leaseExpiry } = admitAmounts(input);
    const p = periodsAt(input.now);
    const n = input.scopes.length;
    const keys = new Array<string>(n * 5);
    const args = new Array<string>(13 + n * 5);
    args[0] = String(input.now);
    args[1] = input.requestId;
    args[2] = String(tokens);
    args[3] = String(nano);
    args[4] = String(leaseExpiry);
    args[5] = p.dayId;
    args[6] = p.monthId;
    args[7] = String(p.dayEnd + PERIOD_MARGIN_MS);
    args[8] = String(p.monthEnd + PERIOD_MARGIN_MS);
    args[9] = String(p.dayEnd);
    args[10] = String(p.monthEnd);
    args[11] = this.shortRetry;
    for (let i = 0; i < n; i++) {
      const scope = input.scopes[i];
      const base = this.prefix + scope.id;
      keys[i * 5] = `${base}:w`;
      keys[i * 5 + 1] = `${base}:c`;
      keys[i * 5 + 2] = `${base}:v`;
      keys[i * 5 + 3] = `${base}:d:${p.dayId}`;
      keys[i * 5 + 4] = `${base}:m:${p.monthId}`;
      const l = scopeLimits(scope.limits);
      args[12 + i * 5] = limitArg(l.rpm);
      args[13 + i * 5] = limitArg(l.tpm);
      args[14 + i * 5] = limitArg(l.concurrency);
      args[15 + i * 5] = limitArg(l.dayNano);
      args[16 + i * 5] = limitArg(l.monthNano);
    }
    args[12 + n * 5] = input.ratesCounted === false ? '0' : '1';
    const reply = (await this.run(ADMIT, keys, args)) as AdmitReply;
    const remaining = rateInfo(reply);
    if (reply[0] === 1) {
      const ticket: QuotaTicket = {
        requestId: input.requestId,
        scopes: input.scopes.map((s) => s.id),
        reservedTokens: tokens,
        reservedUsd: input.reserveUsd,
        at: input.now,
      };
      return { admitted: true, ticket, remaining };
    }
    return {
      admitted: false,
      reason: QUOTA_REFUSALS[reply[1] - 1],
      scope: input.scopes[reply[2] - 1].id,
      retryAfterMs: reply[3],
      tooLarge: reply[4] === 1,
      remaining,
    };
  }

  async settle(ticket: QuotaTicket, used: { tokens: number; usd: number }, _now: number): Promise<SettledSpend[]> {
    const { tokens, nano } = usedAmounts(used);
    const keys: string[] = [];
    for (const id of ticket.scopes) {
      const base = this.prefix + id;
      keys.push(`${base}:w`, `${base}:c`, `${base}:v`);
    }
    const reply = (await this.run(SETTLE, keys, [ticket.requestId, String(tokens), String(nano)])) as number[];
    const settled: SettledSpend[] = [];
    for (let i = 0; i + 2 < reply.length; i += 3) {
      settled.push({ scope: ticket.scopes[reply[i] - 1], usedNano: nano, daySpentNano: reply[i + 1], monthSpentNano: reply[i + 2] });
    }
    return settled;
  }

  async heartbeat(ticket: QuotaTicket, now: number, leaseMs: number): Promise<void> {
    this.assertUsable();
    const pipeline = this.redis.pipeline();
    // XX: a lease already settled or reclaimed stays gone; GT: a replica with a slower clock never shortens it.
    for (const id of ticket.scopes) pipeline.zadd(`${this.prefix}${id}:c`, 'XX', 'GT', now + leaseMs, ticket.requestId);
    const results = await this.guard(pipeline.exec());
    const failed = results?.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }

  async usage(scopeId: string, now: number): Promise<QuotaUsage> {
    this.assertUsable();
    const p = periodsAt(now);
    const base = this.prefix + scopeId;
    const results = await this.guard(
      this.redis
        .pipeline()
        .hgetall(`${base}:w`)
        .zcount(`${base}:c`, `(${now}`, '+inf')
        .hmget(`${base}:d:${p.dayId}`, 's', 'r')
        .hmget(`${base}:m:${p.monthId}`, 's', 'r')
        .exec(),
    );
    const failed = results?.find(([err]) => err);
    if (!results || failed?.[0]) throw failed?.[0] ?? new QuotaStoreUnavailableError('quota Redis: no answer');
    const window = results[0][1] as Record<string, string>;
    const [day, month] = [results[2][1], results[3][1]] as [(string | null)[], (string | null)[]];
    const stale = Math.floor(now / BUCKET_MS) - WINDOW_SPAN;
    let requests = 0;
    let tokens = 0;
    for (const [field, value] of Object.entries(window)) {
      const kind = field[0];
      if ((kind !== 'r' && kind !== 't') || Number(field.slice(1)) <= stale) continue;
      if (kind === 'r') requests += Number(value);
      else tokens += Number(value);
    }
    return {
      requests,
      tokens,
      inFlight: results[1][1] as number,
      daySpentUsd: nanoToUsd(Number(day[0] ?? 0)),
      dayReservedUsd: nanoToUsd(Number(day[1] ?? 0)),
      monthSpentUsd: nanoToUsd(Number(month[0] ?? 0)),
      monthReservedUsd: nanoToUsd(Number(month[1] ?? 0)),
    };
  }

  async close(): Promise<void> {
    if (this.owned) await closeRedisConnection(this.redis);
  }

  /** One EVALSHA; after a SCRIPT FLUSH or a Redis restart, one EVAL (which caches the script again). */
  private async run(s: Script, keys: string[], args: string[]): Promise<unknown> {
    this.assertUsable();
    try {
      return await this.redis.evalsha(s.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!isReply(err) || !err.message.startsWith('NOSCRIPT')) throw this.unavailable(err);
    }
    return this.guard(this.redis.eval(s.source, keys.length, ...keys, ...args));
  }

  private async guard<T>(pending: Promise<T>): Promise<T> {
    try {
      return await pending;
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  // A ReplyError is Redis answering (a bug in a script or in its arguments), not Redis missing.
  private unavailable(err: unknown): unknown {
    if (isReply(err)) return err;
    const message = `quota Redis did not answer: ${err instanceof Error ? err.message : String(err)}`;
    this.report(message);
    return new QuotaStoreUnavailableError(message, { cause: err });
  }

  // While disconnected, fail at once, without a command: ioredis would reject it anyway (no offline
  // queue). A connection handed in with an offline queue gets its commands, queued as its owner chose.
  private assertUsable(): void {
    if (this.redis.status === 'ready' || this.redis.options.enableOfflineQueue) return;
    const message = `quota Redis is ${this.redis.status}`;
    this.report(message);
    throw new QuotaStoreUnavailableError(message);
  }

  private report(message: string): void {
    const t = Date.now();
    if (t - this.lastWarning < WARN_INTERVAL_MS) return;
    this.lastWarning = t;
    this.warn(message);
  }
}

// ioredis types ReplyError as any; narrow it once here.
function isReply(err: unknown): err is Error {
  return err instanceof (ReplyError as typeof Error);
}

function limitArg(v: number | undefined): string {
  return v === undefined ? '' : String(v);
}

function rateInfo(reply: AdmitReply): RateInfo {
  const info: RateInfo = {};
  if (reply[5] !== null && reply[5] !== undefined) {
    info.limitRequests = reply[5];
    info.remainingRequests = reply[6] ?? 0;
    info.resetRequestsMs = reply[7] ?? 0;
  }
  if (reply[8] !== null && reply[8] !== undefined) {
    info.limitTokens = reply[8];
    info.remainingTokens = reply[9] ?? 0;
    info.resetTokensMs = reply[10] ?? 0;
  }
  return info;
}
