import { BUCKET_MS, LEFTOVER_TTL_MS, NEVER_FITS_RETRY_MS, RECLAIM_BATCH, WINDOW_SPAN, WINDOW_TTL_MS } from './quota-units';

const DAY_MS = 86_400_000;

/*
 * Redis keys of one scope, `<prefix><scope id>:` + …
 *   w          hash, the rpm/tpm window: r<sec> / t<sec> requests and tokens per one-second bucket,
 *              R / T their running totals, P the newest bucket already pruned (all buckets > P),
 *              O a hint: no bucket in (P, O) holds anything, so scans for the oldest bucket start
 *              at O and a sparse window is not scanned 61 buckets deep on every request
 *   c          sorted set, in-flight requests: request id → lease expiry (epoch ms)
 *   v          hash, their reservations: request id → "nano|tokens|bucket|dayId|monthId"
 *   d:<yyyymmdd>, m:<yyyymm>   hash, budget counters in nano-USD: s spent, r reserved; they expire
 *              at the end of their period plus a margin, set once when created
 *
 * A reservation lives exactly as long as its lease. Settle releases it at the real figures; a lease
 * that expired (its holder crashed, or stalled past its lease without a heartbeat) is reclaimed by
 * the next admission of the scope: its slot frees, and its reservation is charged in full, because
 * the request may well have run to its maximum and a budget must never be overspent. The late
 * settle of a reclaimed request finds no reservation and changes nothing.
 *
 * Numbers: Lua turns numbers into strings with "%.14g" (1e+14 is not an integer to Redis), so
 * every number written goes through int(). All counters are integers below 2^53.
 *
 * Cost: inside a script a write costs Redis several times a read (each is recorded for
 * propagation), so the scripts read first and write each key once: an admission writes five
 * fields' worth per scope (window, lease, reservation, day, month), expiries only when due.
 */

const COMMON = `
local function int(x) return string.format('%d', x) end

-- Moves a reservation out of a budget counter: reserved -= nano, spent += spent. A counter whose
-- period (and margin) is over has expired and stays gone. Returns the new spent, -1 when gone.
local function unreserve(key, nano, spent)
  local st = redis.call('HMGET', key, 's', 'r')
  if not (st[1] or st[2]) then return -1 end
  local s = (tonumber(st[1]) or 0) + spent
  redis.call('HSET', key, 's', int(s), 'r', int((tonumber(st[2]) or 0) - nano))
  return s
end

local function parse(e)
  local nano, tok, b, day, month = string.match(e, '^(%d+)|(%d+)|(%d+)|(%d+)|(%d+)$')
  return tonumber(nano), tonumber(tok), tonumber(b), day, month
end
`;

/**
 * KEYS: per scope w, c, v, d, m (5 each).
 * ARGV: now, requestId, tokens, nano, leaseExpiry, dayId, monthId, dayExpireAt, monthExpireAt,
 *       dayEnd, monthEnd, shortRetryMs, then per scope rpm, tpm, concurrency, dayNano, monthNano
 *       ('' = unlimited), then ratesCounted ('0': budgets and lease only, the window untouched).
 * Returns { admitted, reason (1 rpm … 5 monthly), scope index (1-based), retryAfterMs, tooLarge,
 *           limitRequests, remainingRequests, resetRequestsMs, limitTokens, remainingTokens,
 *           resetTokensMs } with false (nil) for what does not apply.
 */
export const ADMIT_SCRIPT = `${COMMON}
local now = tonumber(ARGV[1])
local id = ARGV[2]
local tokens = tonumber(ARGV[3])
local nano = tonumber(ARGV[4])
local leaseExp = ARGV[5]
local dayId, monthId = ARGV[6], ARGV[7]
local dayExpAt, monthExpAt = ARGV[8], ARGV[9]
local dayEnd, monthEnd = tonumber(ARGV[10]), tonumber(ARGV[11])
local shortRetry = tonumber(ARGV[12])
local n = #KEYS / 5
local ratesCounted = ARGV[13 + n * 5] ~= '0'
local sec = math.floor(now / ${BUCKET_MS})
local stale = sec - ${WINDOW_SPAN}

local function limit(v) if v == '' then return nil end return tonumber(v) end

-- Drops buckets that left the window (amortised O(1): at most the seconds since the last call).
-- Returns P, R, T and O, the first bucket that may hold requests (see the key layout).
local function prune(w)
  local st = redis.call('HMGET', w, 'P', 'R', 'T', 'O')
  local p = tonumber(st[1])
  if p == nil then return stale, 0, 0, stale + 1 end
  local r, t, o = tonumber(st[2]) or 0, tonumber(st[3]) or 0, tonumber(st[4]) or 0
  if p < stale then
    if stale - p >= ${WINDOW_SPAN} then
      redis.call('DEL', w)
      return stale, 0, 0, stale + 1
    end
    for b = math.max(p, o - 1) + 1, stale do
      local old = redis.call('HMGET', w, 'r' .. b, 't' .. b)
      if old[1] or old[2] then
        r = r - (tonumber(old[1]) or 0)
        t = t - (tonumber(old[2]) or 0)
        redis.call('HDEL', w, 'r' .. b, 't' .. b)
      end
    end
    p = stale
    redis.call('HSET', w, 'P', int(p), 'R', int(r), 'T', int(t))
  end
  return p, r, t, math.max(o, p + 1)
end

-- Until the window has freed \`excess\` units of \`kind\` (oldest buckets leave first).
local function freedAfter(w, p, o, kind, excess)
  local freed = 0
  for b = o, p + ${WINDOW_SPAN} do
    freed = freed + (tonumber(redis.call('HGET', w, kind .. b)) or 0)
    if freed >= excess then return (b + ${WINDOW_SPAN}) * ${BUCKET_MS} - now end
  end
  return ${NEVER_FITS_RETRY_MS}
end

local reason, retry, refusedBy, tooLarge = 0, -1, 0, 0
local function refuse(why, i, after, large)
  if after > retry then reason, retry, refusedBy, tooLarge = why, after, i, large end
end
local function budget(why, key, cap, periodEnd, i)
  local st = redis.call('HMGET', key, 's', 'r')
  local spent, reserved = tonumber(st[1]) or 0, tonumber(st[2]) or 0
  if spent + reserved + nano <= cap then return end
  if nano > cap then refuse(why, i, periodEnd - now, 1)
  elseif spent + nano > cap then refuse(why, i, periodEnd - now, 0)
  else refuse(why, i, shortRetry, 0) end  -- only in-flight reservations are in the way
end

-- 1. Check every scope; count nothing yet.
local P, R, T, O = {}, {}, {}, {}
for i = 1, n do
  local k, a = (i - 1) * 5, 12 + (i - 1) * 5
  local w, c, v = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3]
  local dead = redis.call('ZRANGEBYSCORE', c, '-inf', now, 'LIMIT', 0, ${RECLAIM_BATCH})
  if #dead > 0 then
    local base = string.sub(w, 1, -3)
    for _, rid in ipairs(dead) do
      local e = redis.call('HGET', v, rid)
      if e then
        local rn, _, _, day, month = parse(e)
        unreserve(base .. ':d:' .. day, rn, rn)
        unreserve(base .. ':m:' .. month, rn, rn)
        redis.call('HDEL', v, rid)
      end
    end
    redis.call('ZREM', c, unpack(dead))
  end
  local p, r, t, o = prune(w)
  P[i], R[i], T[i], O[i] = p, r, t, o
  local rpm, tpm, conc = limit(ARGV[a + 1]), limit(ARGV[a + 2]), limit(ARGV[a + 3])
  local dayCap, monthCap = limit(ARGV[a + 4]), limit(ARGV[a + 5])
  if rpm and r + 1 > rpm then
    if rpm < 1 then refuse(1, i, ${NEVER_FITS_RETRY_MS}, 1) else refuse(1, i, freedAfter(w, p, o, 'r', r + 1 - rpm), 0) end
  end
  if tpm and t + tokens > tpm then
    if tokens > tpm then refuse(2, i, ${NEVER_FITS_RETRY_MS}, 1) else refuse(2, i, freedAfter(w, p, o, 't', t + tokens - tpm), 0) end
  end
  if conc and redis.call('ZCOUNT', c, '(' .. now, '+inf') + 1 > conc then
    refuse(3, i, shortRetry, conc < 1 and 1 or 0)
  end
  if dayCap then budget(4, KEYS[k + 4], dayCap, dayEnd, i) end
  if monthCap then budget(5, KEYS[k + 5], monthCap, monthEnd, i) end
end

-- A request that already holds its reservation was admitted before: its admission is being
-- retried after the answer was lost (a replica died). Admitted again, counted once, its lease
-- renewed; the checks above would count its own reservation against it.
local repeated = redis.call('HEXISTS', KEYS[3], id) == 1
if repeated then
  reason, retry, refusedBy, tooLarge = 0, -1, 0, 0
  for i = 1, n do redis.call('ZADD', KEYS[(i - 1) * 5 + 2], 'XX', leaseExp, id) end
end

-- 2. All passed: count in every scope (always, limited or not, so a limit set later starts from the truth).
local admitted = reason == 0 and 1 or 0
if admitted == 1 and not repeated then
  for i = 1, n do
    local k = (i - 1) * 5
    local w, c, v, d, m = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4], KEYS[k + 5]
    -- A clock behind the last pruning (replica skew) must not write below P, where nothing prunes.
    -- Budgets only: bucket 0 is never inside the window, so settle corrects no tokens there.
    local b = 0
    if ratesCounted then
      b = math.max(sec, P[i] + 1)
      local cur = redis.call('HMGET', w, 'r' .. b, 't' .. b)
      R[i], T[i], O[i] = R[i] + 1, T[i] + tokens, math.min(O[i], b)
      redis.call('HSET', w, 'r' .. b, int((tonumber(cur[1]) or 0) + 1), 't' .. b, int((tonumber(cur[2]) or 0) + tokens),
        'P', int(P[i]), 'R', int(R[i]), 'T', int(T[i]), 'O', int(O[i]))
      -- Whatever was written lives at least a window longer.
      if redis.call('PTTL', w) < ${WINDOW_SPAN * BUCKET_MS + 1000} then redis.call('PEXPIRE', w, ${WINDOW_TTL_MS}) end
    end
    redis.call('ZADD', c, leaseExp, id)
    redis.call('HSET', v, id, int(nano) .. '|' .. int(tokens) .. '|' .. int(b) .. '|' .. dayId .. '|' .. monthId)
    if redis.call('PTTL', c) < ${LEFTOVER_TTL_MS - DAY_MS} then redis.call('PEXPIRE', c, ${LEFTOVER_TTL_MS}) end
    if redis.call('PTTL', v) < ${LEFTOVER_TTL_MS - DAY_MS} then redis.call('PEXPIRE', v, ${LEFTOVER_TTL_MS}) end
    redis.call('HINCRBY', d, 'r', int(nano))
    if redis.call('PTTL', d) == -1 then redis.call('PEXPIREAT', d, dayExpAt) end
    redis.call('HINCRBY', m, 'r', int(nano))
    if redis.call('PTTL', m) == -1 then redis.call('PEXPIREAT', m, monthExpAt) end
  end
end

-- 3. Rate headers from the tightest scope of each dimension.
local function oldest(i, kind)
  local w = KEYS[(i - 1) * 5 + 1]
  for b = O[i], P[i] + ${WINDOW_SPAN} do
    if (tonumber(redis.call('HGET', w, kind .. b)) or 0) > 0 then
      -- Every bucket before b is empty: later scans start here.
      if kind == 'r' and b > O[i] and admitted == 1 then
        O[i] = b
        redis.call('HSET', w, 'O', int(b))
      end
      return (b + ${WINDOW_SPAN}) * ${BUCKET_MS} - now
    end
  end
  return 0
end
local function tightest(offset, counts)
  local best, bestLeft = 0, 0
  for i = 1, n do
    local cap = limit(ARGV[12 + (i - 1) * 5 + offset])
    if cap and (best == 0 or cap - counts[i] < bestLeft) then best, bestLeft = i, cap - counts[i] end
  end
  if best == 0 then return false, false, false end
  local cap = limit(ARGV[12 + (best - 1) * 5 + offset])
  return cap, math.max(bestLeft, 0), oldest(best, offset == 1 and 'r' or 't')
end
local lr, rr, sr = tightest(1, R)
local lt, rt, st = tightest(2, T)
return { admitted, reason, refusedBy, retry, tooLarge, lr, rr, sr, lt, rt, st }
`;

/**
 * KEYS: per scope w, c, v (3 each). ARGV: requestId, tokens, nano.
 * Per scope, only when the reservation is still there (so a second settle, or the settle of a
 * reclaimed lease, changes nothing): free the slot, move the reservation to spent at the real
 * cost, and correct the tpm bucket of the admission while it is still in the window.
 * Returns, per scope settled now: its index (1-based), then its day's and month's spent after the
 * settle (-1 for a counter that has expired), for budget notifications.
 */
export const SETTLE_SCRIPT = `${COMMON}
local id = ARGV[1]
local tokens, nano = tonumber(ARGV[2]), tonumber(ARGV[3])
local settled = {}
for i = 1, #KEYS / 3 do
  local w, c, v = KEYS[i * 3 - 2], KEYS[i * 3 - 1], KEYS[i * 3]
  local e = redis.call('HGET', v, id)
  if e then
    local rn, rt, b, day, month = parse(e)
    local base = string.sub(w, 1, -3)
    redis.call('HDEL', v, id)
    redis.call('ZREM', c, id)
    local ds = unreserve(base .. ':d:' .. day, rn, nano)
    local ms = unreserve(base .. ':m:' .. month, rn, nano)
    if tokens ~= rt then
      local st = redis.call('HMGET', w, 'P', 't' .. b, 'T')
      local p = tonumber(st[1])
      if p and b > p then
        redis.call('HSET', w, 't' .. b, int((tonumber(st[2]) or 0) + tokens - rt), 'T', int((tonumber(st[3]) or 0) + tokens - rt))
      end
    end
    settled[#settled + 1] = i
    settled[#settled + 1] = ds
    settled[#settled + 1] = ms
  end
end
return settled
`;
