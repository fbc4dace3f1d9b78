-- The console's peek: the oldest messages of a queue as they are, read only. Visibility timeouts, receive
-- counts, FIFO group locks and receipt handles stay exactly as they were (nothing is written).
-- KEYS[1] queue base. ARGV: now (ms), max messages.
-- Returns {'nonexistent'} when no queue, else {'ok', then per message: id, payload, state, receive count,
-- sequence number or ''} in sent order; state is 'visible', 'inflight' or 'delayed'.
local b = KEYS[1]
if not queue_exists(b) then
  return {'nonexistent'}
end
local now = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local out = {'ok'}
for _, id in ipairs(redis.call('ZRANGE', b .. 'ex', 0, max - 1)) do
  local payload = redis.call('HGET', b .. 'm', id)
  if payload then
    local state = 'visible'
    local deadline = redis.call('ZSCORE', b .. 'inflight', id)
    if deadline and tonumber(deadline) > now then
      state = 'inflight'
    elseif not deadline then
      local at = redis.call('ZSCORE', b .. 'ready', id)
      if at and tonumber(at) > now then
        state = 'delayed'
      end
    end
    out[#out + 1] = id
    out[#out + 1] = payload
    out[#out + 1] = state
    local s = read_state(b, id, true)
    out[#out + 1] = tostring(s.rc)
    out[#out + 1] = s.sq
  end
end
return out
