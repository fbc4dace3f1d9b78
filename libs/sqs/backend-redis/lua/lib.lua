-- Shared helpers, prepended to every script by the loader (@wharf/redis-lua; the set is in src/scripts.ts).
-- A queue's keys all start with its base "<prefix>{<account>/<name>}:" so they share one cluster slot.
--   meta   hash   attributes (AWS names) + _created/_modified (ms) + _gen
--   m      hash   id -> payload (opaque to Redis)
--   st     hash   id -> the message's state, one field, so a receive writes one and a delete drops one:
--                 "<receive count>\n<first receive ms>\n<token>:<received ms>\n<group>\n<sequence>\n<dead-letter
--                 source ARN>" ('' where none: tk before the first receive, group and sequence on standard queues)
--   ex     zset   id scored by sent ms (retention)
--   ready  zset   ids not in flight, scored by the ms they become visible (delay / requeue)
--   inflight zset ids in flight, scored by their visibility deadline
--   FIFO: g:<group> list of ids in order; groups zset of unlocked non-empty groups scored by their head's
--         visible ms (a locked group is never in it); lock hash group -> messages of the group in flight;
--         seq counter; dd:<gen>:… dedup keys
-- Before st, each part of a message's state was a hash of its own (rc, fr, tk, gid, sq, dl: id -> value);
-- read_state moves a message's parts into st the first time it meets one, so an upgraded Redis keeps its
-- messages as they were.

-- A queue's retention period when its meta holds none (SQS's default, 4 days), in seconds.
local DEFAULT_RETENTION_SECONDS = 345600

local function is_fifo(b)
  return redis.call('HGET', b .. 'meta', 'FifoQueue') == 'true'
end

local function queue_exists(b)
  return redis.call('HEXISTS', b .. 'meta', '_created') == 1
end

-- The meta fields a call on messages reads, in one call: nil when there is no queue, else whether it is FIFO,
-- its generation and its retention period in seconds.
local function queue_meta(b)
  local f = redis.call('HMGET', b .. 'meta', '_created', 'FifoQueue', '_gen', 'MessageRetentionPeriod')
  if not f[1] then
    return nil
  end
  return { fifo = f[2] == 'true', gen = f[3] or '', retention = tonumber(f[4]) or DEFAULT_RETENTION_SECONDS }
end

local function notify(b)
  redis.call('PUBLISH', b .. 'notify', '1')
end

-- Puts group g in 'groups' when it is unlocked and not empty, scored by its head's visible time.
-- unlocked: the caller knows the group holds no lock (it just dropped it).
local function refresh_group(b, g, now, unlocked)
  if not unlocked and redis.call('HEXISTS', b .. 'lock', g) == 1 then
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

local function pack_state(s)
  return s.rc .. '\n' .. s.fr .. '\n' .. s.tk .. '\n' .. s.g .. '\n' .. s.sq .. '\n' .. s.dl
end

local function write_state(b, id, s)
  redis.call('HSET', b .. 'st', id, pack_state(s))
end

local function parse_state(v)
  local rc, fr, tk, g, sq, dl = string.match(v, '^(%d*)\n([^\n]*)\n([^\n]*)\n([^\n]*)\n([^\n]*)\n(.*)$')
  return { rc = tonumber(rc) or 0, fr = fr, tk = tk, g = g, sq = sq, dl = dl }
end

local LEGACY_STATE = { 'rc', 'fr', 'tk', 'gid', 'sq', 'dl' }

-- The state of a message not in st: nil when there is no such message, else read from the older layout
-- (and moved into st unless keep).
local function legacy_state(b, id, keep)
  if redis.call('HEXISTS', b .. 'm', id) == 0 then
    return nil
  end
  local f = {}
  for i, k in ipairs(LEGACY_STATE) do
    f[i] = redis.call('HGET', b .. k, id) or ''
  end
  local s = { rc = tonumber(f[1]) or 0, fr = f[2], tk = f[3], g = f[4], sq = f[5], dl = f[6] }
  if not keep then
    for _, k in ipairs(LEGACY_STATE) do
      redis.call('HDEL', b .. k, id)
    end
    write_state(b, id, s)
  end
  return s
end

-- The state of message id ({rc = number, fr, tk, g, sq, dl}), or nil when there is no such message.
-- keep: read only (a message of the older layout is read where it is, not moved into st).
local function read_state(b, id, keep)
  local v = redis.call('HGET', b .. 'st', id)
  if v then
    return parse_state(v)
  end
  return legacy_state(b, id, keep)
end

-- read_state of each of ids (at least one), in one call; states[i] is nil (false) for a message that is gone.
local function read_states(b, ids)
  local vs = redis.call('HMGET', b .. 'st', unpack(ids))
  local states = {}
  for i, id in ipairs(ids) do
    if vs[i] then
      states[i] = parse_state(vs[i])
    else
      states[i] = legacy_state(b, id) or false
    end
  end
  return states
end

-- Adds messages (at least one) in a few calls whatever their number, each {id, payload, sent (ms), at (the ms
-- it becomes visible), group (FIFO), s (its state; nil: never received)}; sets each one's seq, the sequence
-- number on FIFO queues ('' otherwise), in the order given.
local function enqueue_many(b, fifo, msgs)
  local n = #msgs
  local last = fifo and redis.call('INCRBY', b .. 'seq', n) or 0
  local m, ex, ready, st = {}, {}, {}, {}
  local ids_of, first_at, groups = {}, {}, {}
  for i, e in ipairs(msgs) do
    local s = e.s or { rc = 0, fr = '', dl = '' }
    s.tk, s.g, s.sq = '', '', ''
    if fifo then
      s.g = e.group
      s.sq = '1' .. string.format('%019d', last - n + i)
      if not ids_of[e.group] then
        ids_of[e.group] = {}
        first_at[e.group] = e.at
        groups[#groups + 1] = e.group
      end
      local ids = ids_of[e.group]
      ids[#ids + 1] = e.id
    end
    e.seq = s.sq
    local j = 2 * i
    m[j - 1], m[j] = e.id, e.payload
    ex[j - 1], ex[j] = e.sent, e.id
    ready[j - 1], ready[j] = e.at, e.id
    st[j - 1], st[j] = e.id, pack_state(s)
  end
  redis.call('HSET', b .. 'm', unpack(m))
  redis.call('ZADD', b .. 'ex', unpack(ex))
  redis.call('ZADD', b .. 'ready', unpack(ready))
  redis.call('HSET', b .. 'st', unpack(st))
  for _, g in ipairs(groups) do
    local ids = ids_of[g]
    -- the group was empty: it becomes receivable, unless a receive holds it
    if redis.call('RPUSH', b .. 'g:' .. g, unpack(ids)) == #ids and redis.call('HEXISTS', b .. 'lock', g) == 0 then
      redis.call('ZADD', b .. 'groups', first_at[g], g)
    end
  end
end

-- Adds one message with state s (nil: never received); returns its sequence number on FIFO queues ('' otherwise).
local function enqueue(b, fifo, id, payload, sent, visible_at, group, s)
  local e = { id = id, payload = payload, sent = sent, at = visible_at, group = group, s = s }
  enqueue_many(b, fifo, { e })
  return e.seq
end

-- n messages of group g left flight (deleted or visible again): the group unlocks when they were the last.
local function unlock(b, g, n, now)
  if redis.call('HINCRBY', b .. 'lock', g, -n) <= 0 then
    redis.call('HDEL', b .. 'lock', g)
    return refresh_group(b, g, now, true)
  end
  return false
end

-- Takes ids (each once) out of group g's list: in one LTRIM when they are its head, as the messages a receive
-- gave and their delete drops are, else one LREM each.
local function drop_from_group(b, g, ids)
  local key = b .. 'g:' .. g
  local head = redis.call('LRANGE', key, 0, #ids - 1)
  local doomed = {}
  for _, id in ipairs(ids) do
    doomed[id] = true
  end
  local all = #head == #ids
  for _, id in ipairs(head) do
    all = all and doomed[id]
  end
  if all then
    redis.call('LTRIM', key, #ids, -1)
    return
  end
  for _, id in ipairs(ids) do
    redis.call('LREM', key, 1, id)
  end
end

-- Deletes messages entirely (ids: at least one, each once; states: theirs, as read_states gives them) in a
-- few calls whatever their number; unlocks each FIFO group whose last messages in flight they were. Returns
-- whether a group became receivable.
local function remove_many(b, fifo, ids, states, now)
  local inflight = redis.call('ZMSCORE', b .. 'inflight', unpack(ids))
  redis.call('HDEL', b .. 'm', unpack(ids))
  redis.call('HDEL', b .. 'st', unpack(ids))
  redis.call('ZREM', b .. 'ex', unpack(ids))
  -- a message is in exactly one of inflight and ready
  local flying, waiting = {}, {}
  for i, id in ipairs(ids) do
    if inflight[i] then
      flying[#flying + 1] = id
    else
      waiting[#waiting + 1] = id
    end
  end
  if #flying > 0 then
    redis.call('ZREM', b .. 'inflight', unpack(flying))
  end
  if #waiting > 0 then
    redis.call('ZREM', b .. 'ready', unpack(waiting))
  end
  local woke = false
  if fifo then
    local groups, left, gone = {}, {}, {}
    for i, id in ipairs(ids) do
      local g = states[i].g
      if g ~= '' then
        if not left[g] then
          left[g] = 0
          gone[g] = {}
          groups[#groups + 1] = g
        end
        local list = gone[g]
        list[#list + 1] = id
        if inflight[i] then
          left[g] = left[g] + 1
        end
      end
    end
    for _, g in ipairs(groups) do
      drop_from_group(b, g, gone[g])
    end
    for _, g in ipairs(groups) do
      local w
      if left[g] > 0 then
        w = unlock(b, g, left[g], now)
      else
        w = refresh_group(b, g, now)
      end
      woke = woke or w
    end
  end
  return woke
end

-- Deletes one message entirely (s: its state when the caller read it). Returns 1 when it existed, and
-- whether a group became receivable.
local function remove(b, fifo, id, now, s)
  s = s or read_state(b, id)
  if not s then
    return 0, false
  end
  return 1, remove_many(b, fifo, { id }, { s }, now)
end

-- An in-flight message becomes visible at visible_at (FIFO: its group unlocks when none of its
-- messages is in flight any more). g: its group when the caller has it.
local function release_inflight(b, fifo, id, visible_at, now, g)
  redis.call('ZREM', b .. 'inflight', id)
  redis.call('ZADD', b .. 'ready', visible_at, id)
  if fifo then
    if not g then
      local s = read_state(b, id)
      g = s and s.g
    end
    if g and g ~= '' then
      unlock(b, g, 1, now)
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
  local function drop_group(g)
    if g ~= '' and not seen[g] then
      seen[g] = true
      redis.call('UNLINK', b .. 'g:' .. g)
    end
  end
  for _, v in ipairs(redis.call('HVALS', b .. 'st')) do
    drop_group(parse_state(v).g)
  end
  for _, g in ipairs(redis.call('HVALS', b .. 'gid')) do
    drop_group(g)
  end
  for _, k in ipairs({ 'm', 'st', 'ex', 'ready', 'inflight', 'groups', 'lock', 'rc', 'fr', 'tk', 'dl', 'gid', 'sq' }) do
    redis.call('UNLINK', b .. k)
  end
end

-- Drops messages older than the retention period (ret: in seconds, when the caller read it).
local function expire_retention(b, fifo, now, ret)
  ret = ret or tonumber(redis.call('HGET', b .. 'meta', 'MessageRetentionPeriod')) or DEFAULT_RETENTION_SECONDS
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
-- move) or reset it (redrive). s: its state when the caller read it. Returns false when the message is gone.
local function stage_move(b, fifo, id, d, now, keep_count, source_arn, mid, lease_until, s)
  s = s or read_state(b, id)
  local payload = s and redis.call('HGET', b .. 'm', id)
  if not payload then
    return false
  end
  local meta = table.concat({
    d,
    id,
    redis.call('ZSCORE', b .. 'ex', id) or now,
    s.rc > 0 and tostring(s.rc) or '',
    s.fr,
    fifo and s.g or '',
    fifo and s.sq or '',
    keep_count and '1' or '0',
    source_arn or '',
  }, '\n')
  remove(b, fifo, id, now, s)
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
