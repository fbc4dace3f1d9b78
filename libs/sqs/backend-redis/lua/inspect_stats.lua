-- The console's live numbers of one queue, read only (no requeue, no retention sweep: nothing changes).
-- KEYS[1] queue base. ARGV: now (ms).
-- Returns {} when no queue, else {visible, in flight, delayed, oldest sent ms or -1, FIFO groups in flight or -1}.
-- An in-flight message whose visibility deadline passed counts as visible, as the next receive would see it.
local b = KEYS[1]
if not queue_exists(b) then
  return {}
end
local now = tonumber(ARGV[1])
local expired = redis.call('ZCOUNT', b .. 'inflight', '-inf', now)
local oldest = redis.call('ZRANGE', b .. 'ex', 0, 0, 'WITHSCORES')
local groups = -1
if is_fifo(b) then
  groups = redis.call('HLEN', b .. 'lock')
end
return {
  redis.call('ZCOUNT', b .. 'ready', '-inf', now) + expired,
  redis.call('ZCARD', b .. 'inflight') - expired,
  redis.call('ZCOUNT', b .. 'ready', '(' .. now, '+inf'),
  oldest[2] and tonumber(oldest[2]) or -1,
  groups,
}
