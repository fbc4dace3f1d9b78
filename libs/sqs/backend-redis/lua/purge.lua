-- KEYS[1] queue base. ARGV: now, window ms. Deletes every message (in flight too).
-- Returns 'ok' | 'inProgress' | 'nonexistent'.
local b = KEYS[1]
if not queue_exists(b) then
  return 'nonexistent'
end
if redis.call('EXISTS', b .. 'purge') == 1 then
  return 'inProgress'
end
drop_messages(b)
redis.call('SET', b .. 'purge', '1', 'PX', tonumber(ARGV[2]))
return 'ok'
