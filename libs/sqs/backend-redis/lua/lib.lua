-- Shared helpers, prepended to every script by the loader (@wharf/redis-lua; the set is in src/scripts.ts).
-- A queue's keys all start with its base "<prefix>{<account>/<name>}:" so they share one cluster slot.
--   meta   hash   attributes (AWS names) + _created/_modified (ms) + _gen
--   m      hash   id -> payload (opaque to Redis)
--   rc/fr  hash   id -> receive count / first receive ms
--   tk     hash   id -> "<token>:<received ms>" of the latest receive
--   dl     hash   id -> DeadLetterQueueSourceArn
--   ex     zset   id scored by sent ms (retention)
--   ready  zset   ids not in flight, scored by the ms they become visible (delay / requeue)
--   inflight zset ids in flight, scored by their visibility deadline
--   FIFO: gid/sq hash id -> group / sequence number; g:<group> list of ids in order;
--         groups zset of unlocked non-empty groups scored by their head's visible ms;
--         lock hash group -> messages of the group in flight; seq counter; dd:<gen>:… dedup keys

local function is_fifo(b)
  return redis.call('HGET', b .. 'meta', 'FifoQueue') == 'true'
end

local function queue_exists(b)
  return redis.call('HEXISTS', b .. 'meta', '_created') == 1
end

local function notify(b)
  redis.call('PUBLISH', b .. 'notify', '1')
end

-- Puts group g in 'groups' when it is unlocked and not empty, scored by its head's visible time.
local function refresh_group(b, g, now)
  if redis.call('HEXISTS', b .. 'lock', g) == 1 then
    redis.call('ZREM', b .. 'groups', g)
    return false
  end
  local head = redis.call('LINDEX', b .. 'g:' .. g, 0)
  if not head then
    redis.call('ZREM', b .. 'groups', g)
    return false
  end
  local at = redis.call('ZSCORE', b .. 'ready', head)
  redis.call('ZADD', b .. 'groups', at or now, g)
  return true
end

-- Adds a message; returns its sequence number on FIFO queues ('' otherwise).
local function enqueue(b, fifo, id, payload, sent, visible_at, group)
  redis.call('HSET', b .. 'm', id, payload)
  redis.call('ZADD', b .. 'ex', sent, id)
  redis.call('ZADD', b .. 'ready', visible_at, id)
  if not fifo then
    return ''
  end
  local seq = '1' .. string.format('%019d', redis.call('INCR', b .. 'seq'))
  redis.call('HSET', b .. 'sq', id, seq)
  redis.call('HSET', b .. 'gid', id, group)
  if redis.call('RPUSH', b .. 'g:' .. group, id) == 1 and redis.call('HEXISTS', b .. 'lock', group) == 0 then
    redis.call('ZADD', b .. 'groups', visible_at, group)
  end
  return seq
end

-- Deletes a message entirely; unlocks its FIFO group when it was the last one in flight.
-- Returns 1 when it existed, and whether a group became receivable.
local function remove(b, fifo, id, now)
  if redis.call('HDEL', b .. 'm', id) == 0 then
    return 0, false
  end
  redis.call('HDEL', b .. 'rc', id)
  redis.call('HDEL', b .. 'fr', id)
  redis.call('HDEL', b .. 'tk', id)
  redis.call('HDEL', b .. 'dl', id)
  redis.call('ZREM', b .. 'ex', id)
  redis.call('ZREM', b .. 'ready', id)
  local was_inflight = redis.call('ZREM', b .. 'inflight', id)
  local woke = false
  if fifo then
    local g = redis.call('HGET', b .. 'gid', id)
    redis.call('HDEL', b .. 'gid', id)
    redis.call('HDEL', b .. 'sq', id)
    if g then
      redis.call('LREM', b .. 'g:' .. g, 1, id)
      if was_inflight == 1 and redis.call('HINCRBY', b .. 'lock', g, -1) <= 0 then
        redis.call('HDEL', b .. 'lock', g)
      end
      woke = refresh_group(b, g, now)
    end
  end
  return 1, woke
end

-- An in-flight message becomes visible at visible_at (FIFO: its group unlocks when none of its
-- messages is in flight any more).
local function release_inflight(b, fifo, id, visible_at, now)
  redis.call('ZREM', b .. 'inflight', id)
  redis.call('ZADD', b .. 'ready', visible_at, id)
  if fifo then
    local g = redis.call('HGET', b .. 'gid', id)
    if g and redis.call('HINCRBY', b .. 'lock', g, -1) <= 0 then
      redis.call('HDEL', b .. 'lock', g)
      refresh_group(b, g, now)
    end
  end
end

-- Messages whose visibility timeout passed become visible again.
local function requeue_expired(b, fifo, now)
  local r = redis.call('ZRANGEBYSCORE', b .. 'inflight', '-inf', now, 'WITHSCORES', 'LIMIT', 0, 1000)
  for i = 1, #r, 2 do
    release_inflight(b, fifo, r[i], r[i + 1], now)
  end
end

-- Drops every message of the queue, in flight too, with its group lists and locks (purge, delete).
local function drop_messages(b)
  local seen = {}
  for _, g in ipairs(redis.call('HVALS', b .. 'gid')) do
    if not seen[g] then
      seen[g] = true
      redis.call('UNLINK', b .. 'g:' .. g)
    end
  end
  for _, k in ipairs({ 'm', 'rc', 'fr', 'tk', 'dl', 'ex', 'ready', 'inflight', 'gid', 'sq', 'groups', 'lock' }) do
    redis.call('UNLINK', b .. k)
  end
end

-- Drops messages older than the retention period.
local function expire_retention(b, fifo, now)
  local ret = tonumber(redis.call('HGET', b .. 'meta', 'MessageRetentionPeriod') or '345600')
  local ids = redis.call('ZRANGEBYSCORE', b .. 'ex', '-inf', '(' .. (now - ret * 1000), 'LIMIT', 0, 1000)
  for _, id in ipairs(ids) do
    remove(b, fifo, id, now)
  end
end

-- Cross-queue moves (dead-letter moves, message move tasks) run as single-slot steps, since the two
-- queues may live on different cluster nodes: 1. stage_move takes the message out of its queue into the
-- queue's outbox (out/outm hashes by move id, outz zset of move ids by lease deadline); 2. move_in.lua adds it
-- to the target, remembering the move id (mvin) so a repeated step adds nothing; 3. move_out.lua drops the
-- outbox entry (or puts the message back when the target is gone). A step left undone by a crash is
-- finished once its lease passes, by the next receive/move on the queue or the mover's sweep.
--   out    hash   move id -> payload
--   outm   hash   move id -> target base, id, sent ms, rc, fr, group, seq, keep count (1/0), DLQ source ARN
--                  joined by newlines
--   outz   zset   move ids scored by the ms their lease ends
--   mvin   zset   "<source base>|<move id>" of moves applied here, by ms (kept an hour)

-- Stages message id of queue b for a move to queue base d; keep_count: keep receive count (dead-letter
-- move) or reset it (redrive). Returns false when the message is gone.
local function stage_move(b, fifo, id, d, now, keep_count, source_arn, mid, lease_until)
  local payload = redis.call('HGET', b .. 'm', id)
  if not payload then
    return false
  end
  local meta = table.concat({
    d,
    id,
    redis.call('ZSCORE', b .. 'ex', id) or now,
    redis.call('HGET', b .. 'rc', id) or '',
    redis.call('HGET', b .. 'fr', id) or '',
    fifo and (redis.call('HGET', b .. 'gid', id) or '') or '',
    fifo and (redis.call('HGET', b .. 'sq', id) or '') or '',
    keep_count and '1' or '0',
    source_arn or '',
  }, '\n')
  remove(b, fifo, id, now)
  redis.call('HSET', b .. 'out', mid, payload)
  redis.call('HSET', b .. 'outm', mid, meta)
  redis.call('ZADD', b .. 'outz', lease_until, mid)
  return true
end

-- Appends to `out` (move id, meta, payload per move) the staged moves of queue b whose lease ended, each
-- leased again until lease_until. Returns how many.
local function claim_stale_moves(b, now, lease_until, limit, out)
  local mids = redis.call('ZRANGEBYSCORE', b .. 'outz', '-inf', now, 'LIMIT', 0, limit)
  for _, mid in ipairs(mids) do
    redis.call('ZADD', b .. 'outz', lease_until, mid)
    out[#out + 1] = mid
    out[#out + 1] = redis.call('HGET', b .. 'outm', mid) or ''
    out[#out + 1] = redis.call('HGET', b .. 'out', mid) or ''
  end
  return #mids
end

local function first_after(key, now)
  local r = redis.call('ZRANGEBYSCORE', key, '(' .. now, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  if r[2] then
    return tonumber(r[2])
  end
  return nil
end

local function queue_base(prefix, account, name)
  return prefix .. '{' .. account .. '/' .. name .. '}:'
end

-- arn:aws:sqs:<region>:<account>:<name> -> queue base
local function base_from_arn(prefix, arn)
  if not arn then
    return nil
  end
  local account, name = string.match(arn, '^arn:[^:]+:sqs:[^:]*:([^:]+):([^:]+)$')
  if not account then
    return nil
  end
  return queue_base(prefix, account, name)
end
