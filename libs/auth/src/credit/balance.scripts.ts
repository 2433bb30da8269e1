import { RECLAIM_BATCH } from '../quota/quota-units';

/*
 * Redis keys of one prepaid tenant, `<prefix><tenant id>` + …
 *   (none)  hash: s spent since the tenant became prepaid, r reserved by requests in flight
 *           (nano-USD). No expiry: a balance has no period.
 *   :l      sorted set, in-flight requests: request id → lease expiry (epoch ms)
 *   :v      hash, their reservations: request id → nano
 * Credits are not stored here: every admission passes the credit total of the auth's key cache,
 * so a top-up takes effect as soon as the replicas reload (the config bus, within a second).
 * A lease that expired (its holder crashed) is reclaimed by the next admission and charged in
 * full, as in the budgets (quota.scripts.ts): the balance must never be overspent.
 */
const COMMON = `local function int(x) return string.format('%d', x) end`;

/**
 * KEYS: h, l, v. ARGV: now, requestId, nano, leaseExpiry, creditsNano, seedSpentNano.
 * Returns { admitted (1/0), available nano after (before, when refused) } as strings.
 */
export const RESERVE_SCRIPT = `${COMMON}
local h, l, v = KEYS[1], KEYS[2], KEYS[3]
local now, id, nano, leaseExp = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), ARGV[4]
local credits = tonumber(ARGV[5])
local st = redis.call('HMGET', h, 's', 'r')
local s, r = tonumber(st[1]), tonumber(st[2]) or 0
if s == nil then s = tonumber(ARGV[6]) end
local dead = redis.call('ZRANGEBYSCORE', l, '-inf', now, 'LIMIT', 0, ${RECLAIM_BATCH})
for _, rid in ipairs(dead) do
  local n = tonumber(redis.call('HGET', v, rid))
  if n then
    r, s = r - n, s + n
    redis.call('HDEL', v, rid)
  end
end
if #dead > 0 then redis.call('ZREM', l, unpack(dead)) end
-- An admission retried after its answer was lost: admitted again, reserved once.
if redis.call('HEXISTS', v, id) == 1 then
  redis.call('ZADD', l, 'XX', leaseExp, id)
  redis.call('HSET', h, 's', int(s), 'r', int(r))
  return { '1', int(credits - s - r) }
end
local avail = credits - s - r
-- Nothing left refuses even a request priced at 0 (a model without a price): prepaid means paid first.
if avail <= 0 or nano > avail then
  redis.call('HSET', h, 's', int(s), 'r', int(r))
  return { '0', int(avail) }
end
redis.call('HSET', h, 's', int(s), 'r', int(r + nano))
redis.call('ZADD', l, leaseExp, id)
redis.call('HSET', v, id, int(nano))
return { '1', int(avail - nano) }
`;

/** KEYS: h, l, v. ARGV: requestId, usedNano. Only while the reservation is there (idempotent). */
export const SETTLE_SCRIPT = `${COMMON}
local n = tonumber(redis.call('HGET', KEYS[3], ARGV[1]))
if not n then return false end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HINCRBY', KEYS[1], 'r', int(-n))
return redis.call('HINCRBY', KEYS[1], 's', int(tonumber(ARGV[2])))
`;

/** KEYS: h. ARGV: delta. Only a counted tenant (see BalanceStore.adjustSpent). */
export const ADJUST_SCRIPT = `${COMMON}
if redis.call('HEXISTS', KEYS[1], 's') == 0 then return false end
return redis.call('HINCRBY', KEYS[1], 's', int(tonumber(ARGV[1])))
`;
