-- KEYS[1] queue base.
-- ARGV: now, max, visibility ms, in-flight limit, attempt id ('' none), attempt ttl ms,
--       max receive count (0 none), dead-letter queue base ('' none), source queue ARN, token seed,
--       move lease ms.
-- Returns {'ok', nextAt|'', n moves, then per move: move id, meta, payload (staged for the dead-letter
--          queue, or stale moves to finish; see lib.lua), then per message: id, payload, receive count,
--          first receive ms, token, sent ms, sequence, group, dead-letter source ARN}
--         or {'nonexistent'} / {'overlimit'}.
local b = KEYS[1]
local meta = queue_meta(b)
if not meta then
  return { 'nonexistent' }
end
local now = tonumber(ARGV[1])
-- as strings once: Lua's number-to-string conversion is slow enough to show per message
local now_s = ARGV[1]
local max = tonumber(ARGV[2])
local vis = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
local attempt = ARGV[5]
local attempt_ttl = tonumber(ARGV[6])
local max_rc = tonumber(ARGV[7])
local dlq = ARGV[8]
local source_arn = ARGV[9]
local seed = ARGV[10]
local lease_until = now + tonumber(ARGV[11])
local deadline_s = tostring(now + vis)
local fifo = meta.fifo
local gen = meta.gen

expire_retention(b, fifo, now, meta.retention)
requeue_expired(b, fifo, now)

local out = {}
local count = 0
local tokens = 0
local mv = {}
local next_at = ''
claim_stale_moves(b, now, lease_until, 100, mv)

-- the answer: moves (3 fields each), then messages (9 fields each)
local function answer()
  local r = { 'ok', next_at, #mv / 3 }
  for _, v in ipairs(mv) do
    r[#r + 1] = v
  end
  for _, v in ipairs(out) do
    r[#r + 1] = v
  end
  return r
end

-- s: the message's state (read_state); payload: its payload
local function emit(id, token, s, payload)
  local o = count * 9
  out[o + 1] = id
  out[o + 2] = payload
  out[o + 3] = tostring(s.rc)
  out[o + 4] = s.fr
  out[o + 5] = token
  out[o + 6] = ''
  out[o + 7] = fifo and s.sq or ''
  out[o + 8] = fifo and s.g or ''
  out[o + 9] = s.dl
  count = count + 1
end

-- A FIFO retry with the same ReceiveRequestAttemptId gets the same messages and receipt handles.
local attempt_key = b .. 'ra:' .. gen .. ':' .. attempt
if attempt ~= '' then
  local cached = redis.call('GET', attempt_key)
  local entry = cached and cjson.decode(cached)
  if entry and entry.exp > now then
    local list = entry.issued
    local valid = #list > 0
    local states = {}
    for i, e in ipairs(list) do
      local s = read_state(b, e[1])
      states[i] = s
      if not s or string.sub(s.tk, 1, string.len(e[2]) + 1) ~= e[2] .. ':' or not redis.call('ZSCORE', b .. 'inflight', e[1]) then
        valid = false
      end
    end
    if valid then
      for i, e in ipairs(list) do
        redis.call('ZADD', b .. 'inflight', now + vis, e[1])
        emit(e[1], e[2], states[i], redis.call('HGET', b .. 'm', e[1]))
      end
      return answer()
    end
  end
end

if redis.call('ZCARD', b .. 'inflight') >= limit then
  if fifo then
    return answer()
  end
  return { 'overlimit' }
end

-- the caller names a dead-letter queue only when it exists (its slot may be another node's)
local dlq_ok = dlq ~= '' and max_rc > 0
local issued = {}

-- true when the message (state s) went to the dead-letter queue instead
local function dead_letter(id, s)
  if not dlq_ok or s.rc < max_rc then
    return false
  end
  local mid = seed .. 'm' .. (#mv / 3 + 1)
  if not stage_move(b, fifo, id, dlq, now, true, source_arn, mid, lease_until, s) then
    return false
  end
  mv[#mv + 1] = mid
  mv[#mv + 1] = redis.call('HGET', b .. 'outm', mid)
  mv[#mv + 1] = redis.call('HGET', b .. 'out', mid)
  return true
end

-- Delivers messages (ids: at least one; states: theirs) in a few calls whatever their number.
local function deliver(ids, states)
  redis.call('ZREM', b .. 'ready', unpack(ids))
  local deadlines, packed = {}, {}
  for i, id in ipairs(ids) do
    local s = states[i]
    s.rc = s.rc + 1
    if s.rc == 1 or s.fr == '' then
      s.fr = now_s
    end
    tokens = tokens + 1
    s.token = seed .. tokens
    s.tk = s.token .. ':' .. now_s
    deadlines[2 * i - 1], deadlines[2 * i] = deadline_s, id
    packed[2 * i - 1], packed[2 * i] = id, pack_state(s)
  end
  redis.call('ZADD', b .. 'inflight', unpack(deadlines))
  redis.call('HSET', b .. 'st', unpack(packed))
  local payloads = redis.call('HMGET', b .. 'm', unpack(ids))
  for i, id in ipairs(ids) do
    issued[#issued + 1] = { id, states[i].token }
    emit(id, states[i].token, states[i], payloads[i])
  end
end

-- Delivers those of ids that are still there, save those that go to the dead-letter queue instead.
-- Returns how many it delivered.
local function take(ids)
  if #ids == 0 then
    return 0
  end
  local states = read_states(b, ids)
  local go, go_states = {}, {}
  for i, id in ipairs(ids) do
    local s = states[i]
    if s and not dead_letter(id, s) then
      go[#go + 1] = id
      go_states[#go_states + 1] = s
    end
  end
  if #go > 0 then
    deliver(go, go_states)
  end
  return #go
end

if fifo then
  local rounds = 0
  while count < max and rounds < 5 do
    rounds = rounds + 1
    local groups = redis.call('ZRANGEBYSCORE', b .. 'groups', '-inf', now, 'LIMIT', 0, max - count)
    if #groups == 0 then
      break
    end
    for _, g in ipairs(groups) do
      if count >= max then
        break
      end
      local ids = redis.call('LRANGE', b .. 'g:' .. g, 0, max - count - 1)
      local took = 0
      if #ids > 0 then
        -- the group's visible messages from its head on, in order
        local at = redis.call('ZMSCORE', b .. 'ready', unpack(ids))
        local visible = {}
        for i, id in ipairs(ids) do
          if not at[i] or tonumber(at[i]) > now then
            break
          end
          visible[i] = id
        end
        took = take(visible)
      end
      if took > 0 then
        redis.call('HINCRBY', b .. 'lock', g, took)
        redis.call('ZREM', b .. 'groups', g)
      else
        refresh_group(b, g, now)
      end
    end
  end
else
  local rounds = 0
  while count < max and rounds < 5 do
    rounds = rounds + 1
    local ids = redis.call('ZRANGEBYSCORE', b .. 'ready', '-inf', now, 'LIMIT', 0, max - count)
    if #ids == 0 then
      break
    end
    take(ids)
  end
end

if count == 0 then
  local a = first_after(b .. (fifo and 'groups' or 'ready'), now)
  local c = first_after(b .. 'inflight', now)
  local nxt = a
  if c and (not nxt or c < nxt) then
    nxt = c
  end
  if nxt then
    next_at = tostring(nxt)
  end
elseif attempt ~= '' then
  redis.call('SET', attempt_key, cjson.encode({ exp = now + attempt_ttl, issued = issued }), 'PX', attempt_ttl + 60000)
end
return answer()
