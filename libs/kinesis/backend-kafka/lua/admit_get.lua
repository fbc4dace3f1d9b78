-- GetRecords admission of one shard. KEYS[1] a key of the stream's slot (its version), naming the slot the
-- counter keys (built from the prefix and the second, in that slot) live in; not read.
-- ARGV: counter prefix (per shard), second (epoch s), calls/s, bytes/s.
-- Returns 1 admitted, 0 throttled. Counts the call; refuses it past the calls per second, or when the last
-- five seconds read more than five seconds' worth of bytes (so one 10 MiB read holds the shard for about
-- five seconds, as AWS does).
local prefix = ARGV[1]
local sec = tonumber(ARGV[2])
local k = prefix .. sec
local calls = redis.call('HINCRBY', k, 'c', 1)
redis.call('EXPIRE', k, 10)
if calls > tonumber(ARGV[3]) then return 0 end
local total = 0
for s = sec - 4, sec do
  total = total + (tonumber(redis.call('HGET', prefix .. s, 'b')) or 0)
end
if total > 5 * tonumber(ARGV[4]) then return 0 end
return 1
