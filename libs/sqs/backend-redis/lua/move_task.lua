-- Message move task state. KEYS[1] source queue base. The set of sources with an active task lives in
-- another slot: the caller adds the source after 'start' and removes it after an 'update' that leaves no
-- task running (then asks 'running' again, in case a task started in between).
-- ARGV[1] = 'start' | 'update' | 'lease' | 'running', then:
--   start: task id, source key ("account/name"), then field/value pairs
--   update: task id ('' = none), source key, then field/value pairs; a terminal status ends the task
--   lease: owner, ttl ms
-- Returns: start 'ok' | 'active' (a task is running); update 'running' | 'ended'; lease 1 when this owner
-- holds the lease, else 0; running 1 when a task runs, else 0.
local b = KEYS[1]
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
  local cur = redis.call('GET', b .. 'mta')
  -- id '' (no task seen): clear only a marker whose task is not running (one may have started since)
  if status ~= 'RUNNING' and cur and (cur == id or (id == '' and redis.call('HGET', b .. 'mt:' .. cur, 'status') ~= 'RUNNING')) then
    redis.call('DEL', b .. 'mta')
    cur = nil
  end
  if cur and redis.call('HGET', b .. 'mt:' .. cur, 'status') == 'RUNNING' then
    return 'running'
  end
  return 'ended'
elseif op == 'lease' then
  local owner, ttl = ARGV[2], tonumber(ARGV[3])
  local cur = redis.call('GET', b .. 'mtlease')
  if not cur or cur == owner then
    redis.call('SET', b .. 'mtlease', owner, 'PX', ttl)
    return 1
  end
  return 0
elseif op == 'running' then
  local cur = redis.call('GET', b .. 'mta')
  if cur and redis.call('HGET', b .. 'mt:' .. cur, 'status') == 'RUNNING' then
    return 1
  end
  return 0
end
return redis.error_reply('unknown op')
