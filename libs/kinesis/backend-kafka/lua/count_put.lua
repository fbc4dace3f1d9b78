-- Put counting with limits off: checks the routing version a put was routed with, then adds its per-shard
-- totals to the counters admit_put keeps (so turning limits on, or an ON_DEMAND stream's scaling, sees them).
-- KEYS[1] the stream's version key.
-- ARGV: expected version, second (epoch s), counter prefix (per stream), n, then n triples (shard, records, bytes).
-- Returns -1 stream gone, -2 routing version changed, else 1 (every entry admitted).
local v = redis.call('GET', KEYS[1])
if not v then return -1 end
if v ~= ARGV[1] then return -2 end
local sec = ARGV[2]
local prefix = ARGV[3]
local n = tonumber(ARGV[4])
for i = 1, n do
  local k = prefix .. ARGV[2 + 3 * i] .. ':' .. sec
  redis.call('HINCRBY', k, 'r', ARGV[3 + 3 * i])
  redis.call('HINCRBY', k, 'b', ARGV[4 + 3 * i])
  redis.call('EXPIRE', k, 30)
end
return 1
