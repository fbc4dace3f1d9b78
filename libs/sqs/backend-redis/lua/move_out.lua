-- Step 3 of a cross-queue move (lib.lua): ends staged moves of this (source) queue.
-- KEYS[1] source queue base. ARGV: now, n, then per move: move id, 'done' (the target has it: drop the
-- outbox entry) or 'restore' (the target is gone: the message becomes visible here again, as it was).
-- Returns how many moves stay staged in this queue.
local b = KEYS[1]
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local exists = queue_exists(b)
local fifo = exists and is_fifo(b)
local woke = false
for i = 0, n - 1 do
  local mid, outcome = ARGV[3 + i * 2], ARGV[4 + i * 2]
  local meta = redis.call('HGET', b .. 'outm', mid)
  if meta and outcome == 'restore' and exists then
    local f = {}
    for field in string.gmatch(meta .. '\n', '([^\n]*)\n') do
      f[#f + 1] = field
    end
    local id = f[2]
    redis.call('HSET', b .. 'm', id, redis.call('HGET', b .. 'out', mid))
    redis.call('ZADD', b .. 'ex', tonumber(f[3]) or now, id)
    redis.call('ZADD', b .. 'ready', now, id)
    local grouped = fifo and f[6] ~= ''
    -- as it was staged: the meta carries no dead-letter source ARN of this queue's own
    write_state(b, id, { rc = tonumber(f[4]) or 0, fr = f[5], tk = '', g = grouped and f[6] or '', sq = grouped and f[7] or '', dl = '' })
    if grouped then
      -- it was its group's head: it goes back in front
      redis.call('LPUSH', b .. 'g:' .. f[6], id)
      refresh_group(b, f[6], now)
    end
    woke = true
  end
  redis.call('HDEL', b .. 'out', mid)
  redis.call('HDEL', b .. 'outm', mid)
  redis.call('ZREM', b .. 'outz', mid)
end
if woke then
  notify(b)
end
return redis.call('ZCARD', b .. 'outz')
