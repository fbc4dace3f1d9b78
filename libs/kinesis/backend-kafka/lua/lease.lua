-- A short lease for background work (one process at a time). KEYS[1] the lease.
-- ARGV: owner, ttl ms.
-- Returns 1 when taken (free, or already ours: then extended), 0 when another owner holds it.
local owner = redis.call('GET', KEYS[1])
if not owner or owner == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
  return 1
end
return 0
