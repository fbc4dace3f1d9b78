-- KEYS[1] queue base. ARGV: now, window ms. Deletes every message (in flight too).
-- Returns 'ok' | 'inProgress' | 'nonexistent'.
local b = KEYS[1]
if not queue_exists(b) then
  return 'nonexistent'
end
if redis.call('EXISTS', b .. 'purge') == 1 then
  return 'inProgress'
end
local seen = {}
for _, g in ipairs(redis.call('HVALS', b .. 'gid')) do
  if not seen[g] then
    seen[g] = true
    redis.call('UNLINK', b .. 'g:' .. g)
  end
end
for _, k in ipairs({ 'm', 'rc', 'fr', 'tk', 'dl', 'ex', 'ready', 'inflight', 'gid', 'sq', 'groups', 'lock' }) do
  redis.call('UNLINK', b .. k)
end
redis.call('SET', b .. 'purge', '1', 'PX', tonumber(ARGV[2]))
return 'ok'
