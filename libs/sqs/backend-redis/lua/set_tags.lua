-- KEYS[1] queue base. ARGV: n set, pairs..., then keys to remove. Returns 1, or 0 when no queue.
local b = KEYS[1]
if not queue_exists(b) then
  return 0
end
local n = tonumber(ARGV[1])
for j = 0, n - 1 do
  redis.call('HSET', b .. 'tags', ARGV[2 + j * 2], ARGV[3 + j * 2])
end
for j = 2 + n * 2, #ARGV do
  redis.call('HDEL', b .. 'tags', ARGV[j])
end
return 1
