-- KEYS[1] queue base. ARGV: recreate block ms. Returns 1, or 0 when no queue.
local b = KEYS[1]
if not queue_exists(b) then
  return 0
end
drop_messages(b)
-- staged moves out of a deleted queue go with it
for _, k in ipairs({ 'meta', 'tags', 'seq', 'purge', 'mta', 'mtlease', 'out', 'outm', 'outz', 'mvin' }) do
  redis.call('UNLINK', b .. k)
end
if tonumber(ARGV[1]) > 0 then
  redis.call('SET', b .. 'deleted', '1', 'PX', tonumber(ARGV[1]))
end
notify(b)
return 1
