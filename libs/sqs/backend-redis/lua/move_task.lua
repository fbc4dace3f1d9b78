-- Message move task state. KEYS[1] source queue base, KEYS[2] the set of sources with an active task.
-- ARGV[1] = 'start' | 'update' | 'lease', then:
--   start: task id, source key ("account/name"), then field/value pairs
--   update: task id ('' = none), source key, then field/value pairs; a terminal status ends the task
--   lease: owner, ttl ms
-- Returns: start 'ok' | 'active' (a task is running); update 'ok'; lease 1 when this owner holds the
-- lease, else 0.
local b = KEYS[1]
local active = KEYS[2]
local op = ARGV[1]
if op == 'start' then
  local id, src = ARGV[2], ARGV[3]
  local cur = redis.call('GET', b .. 'mta')
  if cur and redis.call('HGET', b .. 'mt:' .. cur, 'status') == 'RUNNING' then
    return 'active'
  end
  for j = 4, #ARGV, 2 do
    redis.call('HSET', b .. 'mt:' .. id, ARGV[j], ARGV[j + 1])
  end
  redis.call('LPUSH', b .. 'mtl', id)
  for _, old in ipairs(redis.call('LRANGE', b .. 'mtl', 10, -1)) do
    redis.call('DEL', b .. 'mt:' .. old)
  end
  redis.call('LTRIM', b .. 'mtl', 0, 9)
  redis.call('SET', b .. 'mta', id)
  redis.call('SADD', active, src)
  return 'ok'
elseif op == 'update' then
  local id, src = ARGV[2], ARGV[3]
  local status = nil
  if id ~= '' and redis.call('EXISTS', b .. 'mt:' .. id) == 1 then
    for j = 4, #ARGV, 2 do
      redis.call('HSET', b .. 'mt:' .. id, ARGV[j], ARGV[j + 1])
    end
    status = redis.call('HGET', b .. 'mt:' .. id, 'status')
  end
  if status ~= 'RUNNING' then
    if id == '' or redis.call('GET', b .. 'mta') == id then
      redis.call('DEL', b .. 'mta')
    end
    redis.call('SREM', active, src)
  end
  return 'ok'
elseif op == 'lease' then
  local owner, ttl = ARGV[2], tonumber(ARGV[3])
  local cur = redis.call('GET', b .. 'mtlease')
  if not cur or cur == owner then
    redis.call('SET', b .. 'mtlease', owner, 'PX', ttl)
    return 1
  end
  return 0
end
return redis.error_reply('unknown op')
