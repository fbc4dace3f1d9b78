-- KEYS[1] source queue base. ARGV: now, max, destination base ('' = each message's dead-letter
-- source queue), key prefix, move id seed, move lease ms. Stages visible messages for their move in order
-- (FIFO: group heads first), receive count reset; the target's own step is move_in.lua (see lib.lua).
-- Returns {'ok', staged, remaining, n moves, then per move: move id, meta, payload (these and stale moves
-- of earlier passes)} or {'failed', reason}.
local b = KEYS[1]
if not queue_exists(b) then
  return { 'failed', 'AWS.SimpleQueueService.NonExistentQueue' }
end
local now = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local dest = ARGV[3]
local prefix = ARGV[4]
local seed = ARGV[5]
local lease_until = now + tonumber(ARGV[6])
local fifo = is_fifo(b)
expire_retention(b, fifo, now)
requeue_expired(b, fifo, now)

local mv = {}
claim_stale_moves(b, now, lease_until, 100, mv)

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

local staged = 0
for i, id in ipairs(ids) do
  local s = read_state(b, id)
  local d = dest
  if d == '' then
    d = base_from_arn(prefix, s and s.dl ~= '' and s.dl or nil)
  end
  if not d then
    return { 'failed', 'AWS.SimpleQueueService.NonExistentQueue' }
  end
  local mid = seed .. 'm' .. i
  if s and stage_move(b, fifo, id, d, now, false, nil, mid, lease_until, s) then
    staged = staged + 1
    mv[#mv + 1] = mid
    mv[#mv + 1] = redis.call('HGET', b .. 'outm', mid)
    mv[#mv + 1] = redis.call('HGET', b .. 'out', mid)
  end
end
-- remaining counts staged moves too: a task is not complete while one waits to be finished
local r = { 'ok', staged, redis.call('ZCARD', b .. 'ready') + redis.call('ZCARD', b .. 'inflight') + redis.call('ZCARD', b .. 'outz'), #mv / 3 }
for _, v in ipairs(mv) do
  r[#r + 1] = v
end
return r
