-- KEYS[1] source queue base. ARGV: now, max, destination base ('' = each message's dead-letter
-- source queue), key prefix. Moves visible messages in order (FIFO: group heads first), receive count
-- reset. Returns {'ok', moved, remaining} or {'failed', reason}.
local b = KEYS[1]
if not queue_exists(b) then
  return { 'failed', 'AWS.SimpleQueueService.NonExistentQueue' }
end
local now = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local dest = ARGV[3]
local prefix = ARGV[4]
local fifo = is_fifo(b)
expire_retention(b, fifo, now)
requeue_expired(b, fifo, now)

local ids = {}
if fifo then
  local groups = redis.call('ZRANGEBYSCORE', b .. 'groups', '-inf', now, 'LIMIT', 0, max)
  for _, g in ipairs(groups) do
    for _, id in ipairs(redis.call('LRANGE', b .. 'g:' .. g, 0, max - #ids - 1)) do
      local at = redis.call('ZSCORE', b .. 'ready', id)
      if not at or tonumber(at) > now then
        break
      end
      ids[#ids + 1] = id
    end
    if #ids >= max then
      break
    end
  end
else
  ids = redis.call('ZRANGEBYSCORE', b .. 'ready', '-inf', now, 'LIMIT', 0, max)
end

local moved = 0
for _, id in ipairs(ids) do
  local d = dest
  if d == '' then
    d = base_from_arn(prefix, redis.call('HGET', b .. 'dl', id))
  end
  if not d or not queue_exists(d) then
    return { 'failed', 'AWS.SimpleQueueService.NonExistentQueue' }
  end
  if move_message(b, fifo, id, d, now, false, nil) then
    moved = moved + 1
  end
end
return { 'ok', moved, redis.call('ZCARD', b .. 'ready') + redis.call('ZCARD', b .. 'inflight') }
