-- KEYS[1] queue base. ARGV: now, n set, pairs..., then names to remove. Returns 1, or 0 when no queue.
local b = KEYS[1]
if not queue_exists(b) then
  return 0
end
local n = tonumber(ARGV[2])
for j = 0, n - 1 do
  redis.call('HSET', b .. 'meta', ARGV[3 + j * 2], ARGV[4 + j * 2])
end
for j = 3 + n * 2, #ARGV do
  redis.call('HDEL', b .. 'meta', ARGV[j])
end
redis.call('HSET', b .. 'meta', '_modified', ARGV[1])
return 1
