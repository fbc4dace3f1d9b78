-- KEYS[1] queue base.
-- ARGV: now, max, visibility ms, in-flight limit, attempt id ('' none), attempt ttl ms,
--       max receive count (0 none), dead-letter queue base ('' none), source queue ARN, token seed,
--       move lease ms.
-- Returns {'ok', nextAt|'', n moves, then per move: move id, meta, payload (staged for the dead-letter
--          queue, or stale moves to finish; see lib.lua), then per message: id, payload, receive count,
--          first receive ms, token, sent ms, sequence, group, dead-letter source ARN}
--         or {'nonexistent'} / {'overlimit'}.
local b = KEYS[1]
if not queue_exists(b) then
  return { 'nonexistent' }
end
local now = tonumber(ARGV[1])
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
local fifo = is_fifo(b)
local gen = redis.call('HGET', b .. 'meta', '_gen') or ''

expire_retention(b, fifo, now)
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

-- s: the message's state (read_state)
local function emit(id, token, s)
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', b .. 'm', id)
  out[#out + 1] = tostring(s.rc)
  out[#out + 1] = s.fr
  out[#out + 1] = token
  out[#out + 1] = ''
  out[#out + 1] = fifo and s.sq or ''
  out[#out + 1] = fifo and s.g or ''
  out[#out + 1] = s.dl
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
        emit(e[1], e[2], states[i])
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

local function deliver(id, s)
  redis.call('ZREM', b .. 'ready', id)
  redis.call('ZADD', b .. 'inflight', now + vis, id)
  s.rc = s.rc + 1
  if s.rc == 1 or s.fr == '' then
    s.fr = tostring(now)
  end
  tokens = tokens + 1
  local token = seed .. tokens
  s.tk = token .. ':' .. now
  write_state(b, id, s)
  issued[#issued + 1] = { id, token }
  emit(id, token, s)
end

-- delivers id unless it went to the dead-letter queue; false when it is gone
local function take(id)
  local s = read_state(b, id)
  if not s then
    return false
  end
  if dead_letter(id, s) then
    return false
  end
  deliver(id, s)
  return true
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
      for _, id in ipairs(ids) do
        if count >= max then
          break
        end
        local at = redis.call('ZSCORE', b .. 'ready', id)
        if not at or tonumber(at) > now then
          break
        end
        if take(id) then
          took = took + 1
        end
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
    for _, id in ipairs(ids) do
      take(id)
    end
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
