-- KEYS[1] the lease hash. ARGV[1] requesting worker, ARGV[2] the owner it asks.
-- Returns 1 if the request was recorded, 0 if the owner changed or another request is pending.
local lease = redis.call('HMGET', KEYS[1], 'owner', 'requestedBy')
if lease[1] ~= ARGV[2] or lease[2] then return 0 end
redis.call('HSET', KEYS[1], 'requestedBy', ARGV[1])
return 1
