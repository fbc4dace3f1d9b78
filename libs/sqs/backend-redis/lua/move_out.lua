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
    if f[4] ~= '' then redis.call('HSET', b .. 'rc', id, f[4]) end
    if f[5] ~= '' then redis.call('HSET', b .. 'fr', id, f[5]) end
    if fifo and f[6] ~= '' then
      redis.call('HSET', b .. 'gid', id, f[6])
      if f[7] ~= '' then redis.call('HSET', b .. 'sq', id, f[7]) end
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
