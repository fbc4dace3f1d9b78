-- KEYS[1] queue base. ARGV: now. Returns {visible, not visible (in flight), delayed} or {} when no queue.
local b = KEYS[1]
if not queue_exists(b) then
  return {}
end
local now = tonumber(ARGV[1])
local fifo = is_fifo(b)
expire_retention(b, fifo, now)
requeue_expired(b, fifo, now)
return {
  redis.call('ZCOUNT', b .. 'ready', '-inf', now),
  redis.call('ZCARD', b .. 'inflight'),
  redis.call('ZCOUNT', b .. 'ready', '(' .. now, '+inf'),
}
